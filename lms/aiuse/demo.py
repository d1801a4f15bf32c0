"""The AI register's part of ``flask lms demo``: three realistic entries for the demo unit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lms.accounts.models import User
from lms.actions.models import ActionItem
from lms.aiuse import services
from lms.aiuse.models import AiUse
from lms.extensions import db
from lms.i18n import utcnow, wib_today
from lms.org.models import Unit

# The answers of each entry, its responsible person, review (days from today), DPIA, links.
DEMO_ENTRIES = [
    {
        "name": "Asisten pemilah aduan SP4N-LAPOR!",
        "purpose": "Membaca aduan yang masuk lewat SP4N-LAPOR! lalu mengusulkan kategori dan "
        "perangkat daerah yang menanganinya. Petugas admin memutuskan; AI hanya mengusulkan.",
        "public_service": "Pengaduan masyarakat (SP4N-LAPOR!)",
        "status": "berjalan",
        "tool": "Model bahasa yang dijalankan di pusat data Pemprov Jawa Timur",
        "model": "Llama 3.1 8B",
        "data_location": "indonesia",
        "data_category": "spesifik",
        "decisions": "mendukung",
        "human_oversight": "Petugas admin LAPOR! memeriksa setiap usulan sebelum aduan "
        "diteruskan. Aduan yang menyebut kesehatan atau anak selalu dibaca petugas dari awal. "
        "Akurasi usulan dinilai ulang setiap bulan.",
        "responsible": "kepala@demo.test",
        "review": 90,
        "published": True,
        "dpia": {
            "purpose_necessity": "Aduan menumpuk pada Senin pagi; pemilahan manual memakan dua "
            "hari. Usulan kategori mempercepat penerusan tanpa mengganti keputusan petugas.",
            "minimisation": "Nama, NIK, dan nomor telepon pelapor dihapus sebelum teks aduan "
            "dikirim ke model. Teks tidak disimpan oleh model; log dihapus setelah 30 hari.",
            "risks": "Aduan bisa memuat data kesehatan atau data anak. Usulan yang salah dapat "
            "menunda penanganan aduan mendesak, terutama yang ditulis dalam bahasa Jawa atau "
            "Madura.",
            "safeguards": "Model berjalan di pusat data provinsi; hanya petugas admin yang "
            "mengakses log. Aduan bertanda mendesak tidak menunggu usulan AI. Pelapor dapat "
            "meminta peninjauan ulang melalui kanal LAPOR!.",
        },
        "items": ["Dasbor pemantauan aduan masyarakat"],
        "courses": ["etika-keamanan-data-pdp", "mengevaluasi-sistem-ai"],
    },
    {
        "name": "Peringkas notulen rapat internal",
        "purpose": "Meringkas notulen rapat internal bidang menjadi daftar keputusan dan tindak "
        "lanjut. Notulen diketik ulang tanpa nama peserta dan tanpa data warga sebelum diringkas.",
        "public_service": None,
        "status": "uji_coba",
        "tool": "ChatGPT (OpenAI), akun gratis",
        "model": "GPT-4o mini",
        "data_location": "luar_negeri",
        "data_category": "tidak_ada",
        "decisions": "tidak",
        "human_oversight": "Notulis membaca ulang ringkasan dan membandingkannya dengan notulen; "
        "ringkasan disahkan pimpinan rapat sebelum dibagikan.",
        "responsible": "siti@demo.test",
        "review": 5,
        "published": False,
        "dpia": None,
        "items": ["Uji coba ringkasan otomatis notulen rapat"],
        "courses": ["dasar-ai-untuk-asn"],
    },
    {
        "name": "Chatbot FAQ perizinan",
        "purpose": "Menjawab pertanyaan umum pemohon izin di WhatsApp dan situs layanan dengan "
        "jawaban yang diambil dari SOP resmi. Pertanyaan yang tidak terjawab dialihkan ke petugas.",
        "public_service": "Layanan perizinan",
        "status": "uji_coba",
        "tool": "Penyedia chatbot dalam negeri (server di Jakarta)",
        "model": "Model bahasa penyedia",
        "data_location": "indonesia",
        "data_category": "umum",
        "decisions": "tidak",
        "human_oversight": "Petugas front office memeriksa percakapan yang dialihkan setiap hari "
        "dan memperbaiki jawaban yang keliru dalam basis pengetahuan.",
        "responsible": "asn@demo.test",
        "review": 30,
        "published": True,
        "dpia": None,
        "items": ["Chatbot FAQ layanan perizinan berbasis AI"],
        "courses": ["ai-untuk-pelayanan-publik"],
    },
]  # fmt: skip


def load_demo_aiuse(unit: Unit) -> bool:
    """The three entries for ``unit``, once; the unit head records and signs them off."""
    if db.session.scalar(select(AiUse.id).where(AiUse.unit_id == unit.id).limit(1)):
        return False
    head = unit.head
    if head is None:
        return False
    now = utcnow()
    today = wib_today(now)
    people = {u.email: u for u in db.session.scalars(select(User))}
    items = {
        i.title: i.id
        for i in db.session.scalars(select(ActionItem).where(ActionItem.unit_id == unit.id))
    }
    for spec in DEMO_ENTRIES:
        keys = ("name", "purpose", "public_service", "tool", "model", "data_location",
                "data_category", "decisions", "human_oversight")  # fmt: skip
        values = {k: spec[k] for k in keys}
        values |= {
            "status": "rencana",  # live only after the DPIA, as the register demands
            "responsible_id": people[spec["responsible"]].id,
            "next_review_on": today + timedelta(days=spec["review"]),
        }
        entry = services.save_entry(None, unit, head, now, values)
        if spec["dpia"]:
            services.save_dpia(entry, head, now, spec["dpia"])
            services.sign_off(entry, head, now)
        entry = services.save_entry(entry, unit, head, now, values | {"status": spec["status"]})
        wanted = [items[t] for t in spec["items"] if t in items]
        services.set_links(entry, head, now, wanted, spec["courses"])
        services.set_published(entry, head, now, spec["published"])
    return True
