"""A synthetic province for trying the reports at scale: ``flask lms seed-synthetic``.

A 3-level unit tree with Indonesian names, people with valid NIPs, ranks and positions,
enrolments and progress with a realistic spread (most assigned courses under way or done,
fewer voluntary ones), completions spread over the year so far, quiz attempts for some. Rows are
generated in chunks and bulk-inserted with explicit ids, so 100,000 people take minutes and memory
stays modest. Synthetic people have emails ending in ``@sintetis.invalid``.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select, text

from lms.accounts.models import Role, User, UserRole
from lms.assignments.coverage import apply_assignments
from lms.assignments.models import Assignment
from lms.courses.models import DATABASE_ONLY, Course, Enrollment, Lesson, LessonProgress
from lms.extensions import db
from lms.org.models import Unit
from lms.quiz.models import Attempt

DOMAIN = "sintetis.invalid"
CHUNK = 20_000

FIRST = [
    "Agus",
    "Budi",
    "Dewi",
    "Eko",
    "Fajar",
    "Sri",
    "Rina",
    "Siti",
    "Bambang",
    "Wahyu",
    "Yusuf",
    "Nur",
    "Dian",
    "Ika",
    "Hendra",
    "Lestari",
    "Andi",
    "Rudi",
    "Tri",
    "Endang",
    "Retno",
    "Joko",
    "Sugeng",
    "Wulan",
    "Ayu",
    "Putri",
    "Rizky",
    "Dimas",
    "Galih",
    "Indah",
]
LAST = [
    "Santoso",
    "Wulandari",
    "Prasetyo",
    "Hidayat",
    "Lestari",
    "Nugroho",
    "Setiawan",
    "Kusuma",
    "Rahmawati",
    "Saputra",
    "Susanti",
    "Wibowo",
    "Hartono",
    "Aminah",
    "Purnomo",
    "Handayani",
    "Firmansyah",
    "Utami",
    "Pratama",
    "Suryani",
]
BACK = ["", "", "S.Kom.", "S.E.", "S.H.", "S.Sos.", "M.M.", "M.T.", "A.Md.", "S.Pd.", "S.Kep."]
OPD = [
    "Dinas Kesehatan", "Dinas Pendidikan", "Dinas Komunikasi dan Informatika",
    "Dinas Perhubungan", "Dinas Pertanian dan Ketahanan Pangan", "Dinas Kelautan dan Perikanan",
    "Dinas Sosial", "Dinas Perindustrian dan Perdagangan", "Dinas Koperasi dan UKM",
    "Dinas Lingkungan Hidup", "Dinas Pekerjaan Umum Bina Marga", "Dinas Pariwisata",
    "Dinas Kependudukan", "Dinas Tenaga Kerja", "Dinas Pemuda dan Olahraga",
    "Badan Kepegawaian Daerah", "Badan Pengembangan Sumber Daya Manusia", "Bappeda",
    "Badan Pendapatan Daerah", "Inspektorat", "Sekretariat Daerah", "Satpol PP",
    "RSUD Dr. Soetomo", "RSUD Dr. Saiful Anwar", "RSUD Haji", "Biro Organisasi",
    "Biro Hukum", "Biro Umum", "Badan Penanggulangan Bencana Daerah", "Dinas Perkebunan",
]  # fmt: skip
BIDANG = [
    "Sekretariat",
    "Bidang Perencanaan",
    "Bidang Pelayanan",
    "Bidang Pengembangan",
    "Bidang Pengendalian",
    "Bidang Data dan Informasi",
    "UPT Wilayah Malang",
    "UPT Wilayah Madiun",
    "UPT Wilayah Bojonegoro",
    "Cabang Dinas Wilayah Jember",
    "Bidang Sarana dan Prasarana",
    "Bidang Pembinaan",
]
SEKSI = [
    "Subbagian Umum dan Kepegawaian",
    "Subbagian Keuangan",
    "Seksi Program",
    "Seksi Evaluasi",
    "Seksi Pelayanan",
    "Seksi Teknis",
    "Seksi Data",
    "Seksi Kerja Sama",
]
POSITIONS = [  # (position type, share, positions, ranks)
    ("JPT", 0.005, ["Kepala Dinas", "Kepala Badan"], ["IV/c", "IV/d"]),
    ("Administrator", 0.03, ["Sekretaris", "Kepala Bidang"], ["IV/a", "IV/b"]),
    ("Pengawas", 0.09, ["Kepala Seksi", "Kepala Subbagian"], ["III/d", "IV/a"]),
    ("Fungsional", 0.45, ["Pranata Komputer Ahli Muda", "Analis Kebijakan Ahli Pertama",
                          "Perawat Ahli Pertama", "Guru Ahli Muda", "Statistisi Ahli Muda"],
     ["III/a", "III/b", "III/c", "III/d", "IX", "X"]),
    ("Pelaksana", 0.425, ["Pengadministrasi Umum", "Pengelola Layanan Operasional",
                          "Pengolah Data", "Operator Layanan"], ["II/a", "II/c", "II/d", "III/a"]),
]  # fmt: skip


class SyntheticError(RuntimeError):
    """The database already holds real people; nothing was written."""


def real_people() -> int:
    """People with a NIP who are not synthetic."""
    return db.session.scalar(
        select(func.count(User.id)).where(
            User.nip.is_not(None), ~func.coalesce(User.email, "").like(f"%@{DOMAIN}")
        )
    )


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _fix_sequences() -> None:
    """After inserts with explicit ids, PostgreSQL's sequences must move past them."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in ("units", "users", "enrollments", "attempts", "lesson_progress", "courses",
                  "lessons"):  # fmt: skip
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        )


def _bulk(model, rows: Iterator[dict]) -> int:
    batch, n = [], 0
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            db.session.execute(insert(model), batch)
            n += len(batch)
            batch = []
    if batch:
        db.session.execute(insert(model), batch)
        n += len(batch)
    return n


def _units(rng: random.Random, count: int, now: datetime) -> list[tuple[int, str]]:
    """Insert a 3-level tree of about ``count`` units; return (id, path) of every unit."""
    next_id = _next_id(Unit)
    rows: list[dict] = []
    tops = max(count // 25, 1)
    per_top = max((count - tops) // tops, 0)
    for t in range(tops):
        top_id = next_id + len(rows)
        name = OPD[t % len(OPD)] + ("" if t < len(OPD) else f" {t // len(OPD) + 1}")
        rows.append({"id": top_id, "name": name, "parent_id": None, "path": f"/{top_id}/"})
        budget = per_top
        b = 0
        while budget > 0:
            bid = next_id + len(rows)
            bname = BIDANG[b % len(BIDANG)] + ("" if b < len(BIDANG) else f" {b // len(BIDANG)}")
            rows.append(
                {"id": bid, "name": bname, "parent_id": top_id, "path": f"/{top_id}/{bid}/"}
            )
            budget -= 1
            for s in range(min(rng.randint(1, 3), budget)):
                sid = next_id + len(rows)
                rows.append(
                    {
                        "id": sid,
                        "name": SEKSI[(b + s) % len(SEKSI)],
                        "parent_id": bid,
                        "path": f"/{top_id}/{bid}/{sid}/",
                    }
                )
                budget -= 1
            b += 1
    for row in rows:
        row["created_at"] = now
    db.session.execute(insert(Unit), rows)
    return [(r["id"], r["path"]) for r in rows]


def _nip(rng: random.Random, used: set[str]) -> str:
    while True:
        born = date(1965, 1, 1) + timedelta(days=rng.randint(0, 12_000))
        tmt = max(born.year + rng.randint(21, 30), 1990)
        nip = f"{born:%Y%m%d}{min(tmt, 2024)}{rng.randint(1, 12):02d}{rng.randint(1, 2)}"
        nip += f"{rng.randint(1, 999):03d}"
        if nip not in used:
            used.add(nip)
            return nip


def _synthetic_courses(count: int, now: datetime) -> None:
    """Add plain courses (no quiz) until ``count`` live courses exist."""
    have = db.session.scalar(select(func.count(Course.id)).where(Course.retired_at.is_(None)))
    for n in range(have, count):
        course = Course(
            slug=f"sintetis-{n + 1}", title=f"Kursus Sintetis {n + 1}", summary="", level="dasar",
            jp=[2, 3, 4, 6][n % 4], minutes=90, version="1", tags=[], content_hash=DATABASE_ONLY,
            created_at=now, synced_at=now,
        )  # fmt: skip
        db.session.add(course)
        db.session.flush()
        for i in range(1, 5):
            db.session.add(
                Lesson(
                    course_id=course.id,
                    slug=f"materi-{i}",
                    position=i,
                    title=f"Materi {i}",
                    html="<p>Materi sintetis.</p>",
                    updated_at=now,
                )
            )
    db.session.flush()


def seed(people: int, units: int, now: datetime, *, seed_value: int = 2025,
         courses: int = 10, force: bool = False) -> dict:  # fmt: skip
    """Make the synthetic province; flushes, the caller commits."""
    if real_people() and not force:
        raise SyntheticError(
            "Basis data ini sudah berisi data pegawai sungguhan; gunakan --force bila yakin."
        )
    rng = random.Random(seed_value)  # noqa: S311 - made-up data, not secrets
    _synthetic_courses(courses, now)
    course_rows = db.session.execute(
        select(Course.id, Course.jp).where(Course.retired_at.is_(None)).order_by(Course.id)
    ).all()
    from lms.quiz.models import Question

    quiz_courses = set(db.session.scalars(select(Question.course_id).distinct()))
    lessons: dict[int, list[int]] = {}
    for lid, cid in db.session.execute(
        select(Lesson.id, Lesson.course_id)
        .where(Lesson.retired_at.is_(None))
        .order_by(Lesson.position)
    ):
        lessons.setdefault(cid, []).append(lid)
    unit_rows = _units(rng, units, now)
    leaf_ids = [uid for uid, _ in unit_rows]
    year_start = datetime(now.year, 1, 1)
    # Two assignments: the first course to everyone, the second to a third of the OPDs.
    tops = [(uid, path) for uid, path in unit_rows if path.count("/") == 2]
    assigned_all = course_rows[0][0]
    assigned_some = course_rows[1][0] if len(course_rows) > 1 else assigned_all
    chosen_tops = {uid for uid, _ in tops[: max(len(tops) // 3, 1)]}
    deadline = (now + timedelta(days=45)).date()
    db.session.add_all(
        [Assignment(course_id=assigned_all, scope="all", include_subunits=False,
                    deadline=deadline, created_at=year_start + timedelta(days=14))]
        + [Assignment(course_id=assigned_some, scope="unit", unit_id=u, include_subunits=True,
                      deadline=(now - timedelta(days=10)).date(),
                      created_at=year_start + timedelta(days=30)) for u in chosen_tops]
    )  # fmt: skip
    top_of = {uid: int(path.strip("/").split("/")[0]) for uid, path in unit_rows}

    first_user = _next_id(User)
    used: set[str] = set()
    shares = [p[1] for p in POSITIONS]

    def users() -> Iterator[dict]:
        for i in range(people):
            kind, _share, titles, ranks = rng.choices(POSITIONS, weights=shares)[0]
            back = rng.choice(BACK)
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}" + (f", {back}" if back else "")
            yield {
                "id": first_user + i, "nip": _nip(rng, used), "full_name": name,
                "email": f"pegawai{first_user + i}@{DOMAIN}", "employment": "PNS",
                "position": rng.choice(titles), "position_type": kind, "rank": rng.choice(ranks),
                "unit_id": rng.choice(leaf_ids), "active": rng.random() > 0.01,
                "session_version": 1, "must_change_password": False,
                "created_at": now, "updated_at": now,
            }  # fmt: skip

    # Units are kept for enrolments below: person id -> unit id, as a compact list.
    person_unit: list[int] = []

    def remember(rows: Iterator[dict]) -> Iterator[dict]:
        for row in rows:
            person_unit.append(row["unit_id"])
            yield row

    made_people = _bulk(User, remember(users()))
    _bulk(
        UserRole,
        ({"user_id": first_user + i, "role": Role.LEARNER.value} for i in range(people)),
    )

    first_enrolment = _next_id(Enrollment)
    attempts: list[dict] = []
    progress: list[dict] = []
    counter = {"enrolments": 0, "attempts": 0, "progress": 0}
    span = max((now - year_start).total_seconds(), 86400)

    def enrolments() -> Iterator[dict]:
        eid = first_enrolment
        for i in range(people):
            uid = first_user + i
            for cid, jp in course_rows:
                assigned = cid == assigned_all or (
                    cid == assigned_some and top_of[person_unit[i]] in chosen_tops
                )
                r = rng.random()
                if not assigned and r < 0.7:
                    continue  # most voluntary courses are not taken
                state = rng.random()
                done = state < (0.55 if assigned else 0.45)
                started = done or state < 0.8
                at = year_start + timedelta(seconds=rng.random() * span * 0.9)
                row = {
                    "id": eid, "user_id": uid, "course_id": cid,
                    "source": "assigned" if assigned else "self",
                    "enrolled_at": at, "jp_earned": 0, "last_activity_at": None,
                    "completed_at": None, "completed_on": None,
                    "best_score": None, "attempts": 0, "quiz_passed": False,
                }  # fmt: skip
                if started:
                    last = at + timedelta(days=rng.randint(0, 20))
                    row["last_activity_at"] = min(last, now)
                if done:
                    finished = min(at + timedelta(days=rng.randint(1, 40)), now)
                    row.update(
                        completed_at=finished,
                        completed_on=(finished + timedelta(hours=7)).date(),
                        jp_earned=jp,
                    )
                if cid in quiz_courses and (done or (started and rng.random() < 0.3)):
                    tries = rng.choice([1, 1, 1, 2, 2, 3])
                    row.update(attempts=tries, quiz_passed=done, best_score=None)
                    for n in range(1, tries + 1):
                        passed = done and n == tries
                        score = rng.uniform(70, 100) if passed else rng.uniform(20, 69)
                        # What grading stores on the enrolment (lms.quiz.services).
                        row["best_score"] = max(row["best_score"] or 0, round(score, 1))
                        attempts.append(
                            {
                                "enrollment_id": eid,
                                "user_id": uid,
                                "course_id": cid,
                                "number": n,
                                "started_at": at,
                                "submitted_at": at,
                                "score": round(score, 1),
                                "passed": passed,
                                "expired": False,
                            }
                        )
                if started and not done:
                    course_lessons = lessons.get(cid, [])
                    for lid in course_lessons[: rng.randint(1, max(len(course_lessons) - 1, 1))]:
                        progress.append(
                            {"enrollment_id": eid, "lesson_id": lid, "completed_at": at}
                        )
                eid += 1
                yield row

    # Enrolments go in by chunks; their attempts and lesson progress right after each chunk
    # (they reference it), so no list grows with the number of people.
    batch: list[dict] = []
    for row in enrolments():
        batch.append(row)
        if len(batch) >= CHUNK:
            db.session.execute(insert(Enrollment), batch)
            counter["enrolments"] += len(batch)
            batch = []
            _children(attempts, progress, counter)
    if batch:
        db.session.execute(insert(Enrollment), batch)
        counter["enrolments"] += len(batch)
    _children(attempts, progress, counter)
    _fix_sequences()
    db.session.flush()
    # Owed courses nobody took become enrolments, and every owed one gets its deadline.
    counter["assigned_not_started"] = apply_assignments(now)
    return {"people": made_people, "units": len(unit_rows), "courses": len(course_rows), **counter}


def _children(attempts: list[dict], progress: list[dict], counter: dict) -> None:
    if attempts:
        db.session.execute(insert(Attempt), attempts)
        counter["attempts"] += len(attempts)
        attempts.clear()
    if progress:
        db.session.execute(insert(LessonProgress), progress)
        counter["progress"] += len(progress)
        progress.clear()
