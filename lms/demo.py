"""Demo data: real-looking units and one account per role, created idempotently."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts import services as accounts
from lms.accounts.models import Role, User
from lms.aiuse.demo import load_demo_aiuse
from lms.courses.models import Course
from lms.extensions import db
from lms.i18n import utcnow
from lms.org.models import Unit
from lms.org.services import create_unit, set_head
from lms.teaching import services as teaching

UNITS = [
    # code, name, short name, parent code
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "Diskominfo", None),
    ("DISKOMINFO-APTIKA", "Bidang Aplikasi Informatika", "Aptika", "DISKOMINFO"),
    ("DISKOMINFO-STATSAN", "Bidang Statistik dan Persandian", "Statsan", "DISKOMINFO"),
    ("BKD", "Badan Kepegawaian Daerah", "BKD", None),
    ("BPSDM", "Badan Pengembangan Sumber Daya Manusia", "BPSDM", None),
]

PEOPLE = [
    # email, name, NIP, position, type, rank, unit code, roles
    ("asn@demo.test", "Rina Wulandari, S.Kom.", "199003152015032002",
     "Pranata Komputer Ahli Muda", "Fungsional", "III/c", "DISKOMINFO-APTIKA", {Role.LEARNER}),
    ("kepala@demo.test", "Ir. Bambang Sutrisno, M.T.", "197805212003121001",
     "Kepala Bidang Aplikasi Informatika", "Administrator", "IV/a", "DISKOMINFO-APTIKA",
     {Role.LEARNER, Role.UNIT_HEAD}),
    ("hr@demo.test", "Dewi Lestari, S.Psi.", "198511082010012003",
     "Analis SDM Aparatur Ahli Muda", "Fungsional", "III/d", "BKD", {Role.LEARNER, Role.HR}),
    ("admin@demo.test", "Agus Prasetyo, S.T.", "198702142011011004",
     "Pranata Komputer Ahli Pertama", "Fungsional", "III/b", "DISKOMINFO",
     {Role.LEARNER, Role.ADMIN}),
    ("pemantau@demo.test", "Hendra Kusuma, S.Kom.", "199107112016031008",
     "Pranata Komputer Ahli Muda", "Fungsional", "III/c", "DISKOMINFO",
     {Role.LEARNER, Role.DISKOMINFO}),
    ("pengajar@demo.test", "Dra. Sri Handayani, M.Pd.", "197604182000032005",
     "Widyaiswara Ahli Madya", "Fungsional", "IV/b", "BPSDM", {Role.LEARNER, Role.INSTRUCTOR}),
    ("fajar@demo.test", "Fajar Nugroho, S.Kom.", "199405232019031005",
     "Pranata Komputer Ahli Pertama", "Fungsional", "III/a", "DISKOMINFO-APTIKA", {Role.LEARNER}),
    ("siti@demo.test", "Siti Aminah, A.Md.", "199208172020122006",
     "Pengelola Layanan Operasional", "Pelaksana", "II/d", "DISKOMINFO-APTIKA", {Role.LEARNER}),
    ("yusuf@demo.test", "Yusuf Hidayat, S.Si.", "198906302014021007",
     "Statistisi Ahli Muda", "Fungsional", "III/c", "DISKOMINFO-STATSAN", {Role.LEARNER}),
]  # fmt: skip

HEADS = {"DISKOMINFO-APTIKA": "kepala@demo.test"}
#: The demo instructor teaches these courses (those already synced; a later demo run adds the rest).
TEACHES = {"pengajar@demo.test": ["ai-untuk-pelayanan-publik", "dasar-ai-untuk-asn"]}


def load_demo(password: str | None, reset_passwords: bool = False) -> tuple[str, bool]:
    """Create what is missing; return the password used and whether anything was created."""
    password = password or accounts.generate_password()
    created = False
    units: dict[str, Unit] = {u.code: u for u in db.session.scalars(select(Unit)) if u.code}
    for code, name, short, parent_code in UNITS:
        if code not in units:
            units[code] = create_unit(name, units.get(parent_code), short_name=short, code=code)
            created = True
    for email, name, nip, position, kind, rank, unit_code, roles in PEOPLE:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_user(
                full_name=name,
                email=email,
                nip=nip,
                password=password,
                roles=set(roles),
                position=position,
                position_type=kind,
                rank=rank,
                unit=units[unit_code],
            )
            created = True
        elif reset_passwords:
            user.set_password(password)
            user.must_change_password = False
    for code, email in HEADS.items():
        if units[code].head_id is None:
            set_head(units[code], db.session.scalar(select(User).where(User.email == email)))
    for email, slugs in TEACHES.items():
        teacher = db.session.scalar(select(User).where(User.email == email))
        for course in db.session.scalars(select(Course).where(Course.slug.in_(slugs))):
            created = teaching.assign_instructor(course, teacher, None, utcnow()) or created
    created = load_demo_actions(units["DISKOMINFO-APTIKA"]) or created
    created = load_demo_aiuse(units["DISKOMINFO-APTIKA"]) or created
    db.session.commit()
    return password, created


DEMO_PROGRAM = "Jatim Retret 2025"

# title, owner, co-owners, start (days from today), due (days from today), priority, tags,
# courses, and the story: progress updates (days ago, %, status, note, link) and the review.
DEMO_ACTIONS = [
    {
        "title": "Chatbot FAQ layanan perizinan berbasis AI",
        "description": "Menyediakan chatbot yang menjawab pertanyaan umum pemohon izin di kanal "
        "WhatsApp dan situs layanan, dengan jawaban yang diambil dari SOP resmi.",
        "expected_output": "Chatbot FAQ aktif di kanal WhatsApp dan situs layanan perizinan",
        "target_indicator": "Pertanyaan umum yang terjawab otomatis tanpa dialihkan ke petugas",
        "target_value": "60%",
        "owner": "asn@demo.test", "co_owners": ["fajar@demo.test"],
        "start": -75, "due": 45, "priority": "high",
        "tags": [("asta_cita", 7), ("nawa_bhakti_satya", 7)],
        "courses": ["ai-untuk-pelayanan-publik"],
        "updates": [
            (40, 25, "in_progress", "Daftar 120 pertanyaan umum dari petugas front office sudah "
             "dikumpulkan dan dikelompokkan.", None),
            (12, 60, "in_progress", "Prototipe menjawab 70 pertanyaan; uji coba internal dengan "
             "petugas layanan dimulai pekan depan.", None),
        ],
    },
    {
        "title": "SOP pemanfaatan AI generatif di lingkungan Diskominfo",
        "description": "Menyusun SOP yang mengatur kapan AI generatif boleh dipakai, data apa "
        "yang tidak boleh dimasukkan, dan bagaimana hasilnya diperiksa.",
        "expected_output": "SOP ditetapkan Kepala Dinas",
        "target_indicator": "SOP ditetapkan dan disosialisasikan ke seluruh bidang",
        "target_value": "1 SOP",
        "owner": "asn@demo.test", "co_owners": [],
        "start": -90, "due": -20, "priority": "high",
        "tags": [("asta_cita", 7)], "courses": ["etika-keamanan-data-pdp"],
        "updates": [
            (45, 50, "in_progress", "Draf SOP selesai dibahas dengan Bidang Statistik dan "
             "Persandian.", None),
            (24, 100, "done", "SOP telah ditetapkan dan disosialisasikan dalam rapat dinas.",
             "https://diskominfo.jatimprov.go.id/"),
        ],
        "accepted": 22,
    },
    {
        "title": "Pelatihan prompt untuk operator layanan",
        "description": "Melatih operator layanan menulis perintah (prompt) yang aman dan efektif "
        "untuk menyusun jawaban surat dan pengumuman.",
        "expected_output": "Operator layanan terlatih menulis prompt",
        "target_indicator": "Operator yang lulus kuis pelatihan",
        "target_value": "40 operator",
        "owner": "siti@demo.test", "co_owners": ["asn@demo.test"],
        "start": -60, "due": 10, "priority": "medium",
        "tags": [("asta_cita", 4), ("nawa_bhakti_satya", 7)],
        "courses": ["dasar-ai-untuk-asn"],
        "updates": [
            (30, 50, "in_progress", "Angkatan pertama (20 operator) selesai.", None),
            (3, 100, "done", "Angkatan kedua selesai; 41 operator lulus kuis.", None),
        ],
    },
    {
        "title": "Inventarisasi data layanan publik yang siap dianalisis",
        "description": "Mendata set data layanan publik, pemiliknya, dan kelayakannya untuk "
        "dianalisis dengan tetap melindungi data pribadi.",
        "expected_output": "Daftar set data beserta walidata dan klasifikasinya",
        "target_indicator": "Set data yang terdaftar",
        "target_value": "25 set data",
        "owner": "fajar@demo.test", "co_owners": [],
        "start": -50, "due": 20, "priority": "medium",
        "tags": [("asta_cita", 4)], "courses": [],
        "updates": [
            (8, 30, "blocked", "Menunggu penetapan walidata dari dua OPD pengampu.", None),
        ],
    },
    {
        "title": "Dasbor pemantauan aduan masyarakat",
        "description": "Dasbor yang merangkum aduan SP4N-LAPOR! per kategori dan OPD setiap "
        "pekan untuk rapat pimpinan.",
        "expected_output": "Dasbor aduan mingguan",
        "target_indicator": "Rapat pimpinan memakai dasbor",
        "target_value": "4 rapat berturut-turut",
        "owner": "fajar@demo.test", "co_owners": [],
        "start": -45, "due": -5, "priority": "high",
        "tags": [("nawa_bhakti_satya", 7)], "courses": [],
        "updates": [
            (20, 40, "in_progress", "Sumber data dan kategori aduan sudah disepakati.", None),
        ],
    },
    {
        "title": "Uji coba ringkasan otomatis notulen rapat",
        "description": "Mencoba AI untuk meringkas notulen rapat internal (tanpa data pribadi "
        "warga) dan menilai mutunya.",
        "expected_output": "Laporan hasil uji coba",
        "target_indicator": "Notulen yang diringkas dan dinilai",
        "target_value": "10 notulen",
        "owner": "siti@demo.test", "co_owners": [],
        "start": 10, "due": 75, "priority": "low",
        "tags": [], "courses": ["dasar-ai-untuk-asn"], "updates": [],
    },
]  # fmt: skip


def load_demo_actions(unit: Unit) -> bool:
    """The retreat programme and a plausible plan for ``unit``, dated around today (WIB)."""
    from datetime import timedelta

    from lms.actions import alignment, services
    from lms.actions.models import ActionItem, Program, Tag
    from lms.i18n import utcnow, wib_today

    now = utcnow()
    today = wib_today(now)
    created = alignment.seed_tags() > 0
    program = db.session.scalar(select(Program).where(Program.name == DEMO_PROGRAM))
    if program is None:
        program = Program(
            name=DEMO_PROGRAM,
            description="Tindak lanjut Retret Kepemimpinan Jawa Timur 2025 menuju Indonesia "
            "Emas 2045: aksi nyata setiap unit kerja, termasuk pemanfaatan AI dalam pelayanan "
            "publik.",
            starts_on=today - timedelta(days=90),
            ends_on=today + timedelta(days=270),
        )
        db.session.add(program)
        db.session.flush()
        created = True
    has_items = db.session.scalar(
        select(ActionItem.id).where(ActionItem.unit_id == unit.id).limit(1)
    )
    if has_items:
        return created
    people = {u.email: u for u in db.session.scalars(select(User))}
    tags = {(t.kind, t.position): t for t in db.session.scalars(select(Tag).where(Tag.active))}
    head = unit.head
    for spec in DEMO_ACTIONS:
        planned = now - timedelta(days=100)
        item = services.create_item(
            unit,
            program,
            head,
            planned,
            owner=people[spec["owner"]],
            co_owners=[people[e] for e in spec["co_owners"]],
            title=spec["title"],
            description=spec["description"],
            expected_output=spec["expected_output"],
            target_indicator=spec["target_indicator"],
            target_value=spec["target_value"],
            start_date=today + timedelta(days=spec["start"]),
            due_date=today + timedelta(days=spec["due"]),
            priority=spec["priority"],
            status="draft" if spec["start"] > 0 else "in_progress",
            tags=[tags[t] for t in spec["tags"] if t in tags],
            course_slugs=spec["courses"],
        )
        for days_ago, progress, status, note, link in spec["updates"]:
            services.post_update(
                item,
                item.owner,
                now - timedelta(days=days_ago),
                progress=progress,
                status=status,
                note=note,
                link_url=link,
            )
        if "accepted" in spec and head is not None:
            services.accept(item, head, now - timedelta(days=spec["accepted"]))
    return True
