"""Plain factory functions with sensible defaults; override any field by keyword."""

from __future__ import annotations

import functools
import itertools
from datetime import date

from sqlalchemy import event

from lms.accounts.models import User
from lms.accounts.passwords import hash_password
from lms.accounts.services import create_user
from lms.extensions import db
from lms.notice.services import current_version
from lms.org.models import Unit
from lms.org.services import create_unit

PASSWORD = "Belajar-AI-2025"
_seq = itertools.count(1)


def valid_nip(n: int | None = None, gender: int = 1) -> str:
    """A structurally valid PNS NIP, different for each ``n``."""
    n = next(_seq) if n is None else n
    return f"1985{(n % 12) + 1:02d}{(n % 28) + 1:02d}201001{gender}{n % 1000:03d}"


def make_unit(name: str | None = None, parent: Unit | None = None, **fields) -> Unit:
    n = next(_seq)
    return create_unit(name or f"Unit Uji {n}", parent, **fields)


def make_user(
    unit: Unit | None = None, roles=("learner",), password: str = PASSWORD, **fields
) -> User:
    n = next(_seq)
    fields.setdefault("full_name", f"Pegawai Uji {n}")
    fields.setdefault("email", f"pegawai{n}@uji.test")
    fields.setdefault("nip", valid_nip(n))
    # Everyone made here has read the privacy notice (tests/notice makes people who have not).
    fields.setdefault("privacy_version", current_version())
    user = create_user(roles=set(roles), unit=unit, **fields)
    # Argon2id is slow on purpose; hash the shared test password once per session.
    user.password_hash = _hash(password)
    db.session.flush()
    return user


def make_session(user: User, method: str = "password", **fields) -> str:
    """A live server-side session for ``user``; returns the key its cookies would carry."""
    import hashlib
    import secrets

    from lms.accounts.models import UserSession

    key = secrets.token_urlsafe(16)
    db.session.add(
        UserSession(
            user_id=user.id,
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            user_version=user.session_version,
            method=method,
            **fields,
        )
    )
    db.session.flush()
    return key


def login_id(user: User) -> str:
    """What Flask-Login keeps in the session for ``user`` signed in on a new device."""
    key = make_session(user)
    db.session.commit()
    return f"{user.id}:{key}"


@functools.cache
def _hash(password: str) -> str:
    return hash_password(password)


QUIZ_GIFT = """// Kuis uji
$CATEGORY: uji

::Q1 Pilihan:: Apa kepanjangan JP? {
  =Jam pelajaran#Benar.
  ~Jumlah peserta#Bukan, JP adalah satuan waktu belajar.
  ~Jadwal pelatihan
}

::Q2 Benar salah:: Data pribadi warga boleh ditempel ke chatbot publik. {F#Tidak boleh.#Tepat.}

::Q3 Banyak jawaban:: Mana yang termasuk data pribadi spesifik? {
  ~%50%Data kesehatan
  ~%50%Data biometrik
  ~%-100%Nama dinas
}

::Q4 Isian:: Satu JP sama dengan berapa menit? {#45}

::Q5 Singkat:: Singkatan Aparatur Sipil Negara adalah ... {=ASN =A.S.N.}

::Q6 Jodohkan:: Jodohkan istilah dengan artinya. {
  =NIP -> nomor induk pegawai
  =JP -> jam pelajaran
  =OPD -> perangkat daerah
}
"""


def write_course(root, slug="kursus-uji", lessons=3, gift=QUIZ_GIFT, quiz_toml="", **toml):
    """Write a course folder under ``root`` and return its path."""
    folder = root / slug
    folder.mkdir(parents=True, exist_ok=True)
    values = {
        "title": "Kursus Uji",
        "summary": "Kursus untuk pengujian.",
        "level": "dasar",
        "jp": 2,
        "minutes": 90,
        "version": "1",
    }
    values.update(toml)
    lines = []
    for key, value in values.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, int | date):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f'{key} = "{value}"')
    text = "\n".join(lines) + "\n"
    if gift is not None:
        text += "\n[quiz]\n" + (quiz_toml or "pass_mark = 70\n")
        (folder / "quiz.gift").write_text(gift, encoding="utf-8")
    (folder / "course.toml").write_text(text, encoding="utf-8")
    for n in range(1, lessons + 1):
        (folder / f"{n:02d}-materi-{n}.md").write_text(
            f"# Materi {n}\n\nIsi materi ke-{n} tentang pemanfaatan AI yang bijak.\n",
            encoding="utf-8",
        )
    return folder


def sync(root):
    """Sync the courses under ``root`` and commit; fail loudly on problems."""
    from lms.courses.services import sync_courses
    from lms.i18n import utcnow

    report = sync_courses(root, utcnow())
    assert not report.problems, report.problems
    db.session.commit()
    return report


def make_program(name: str | None = None, **fields):
    from lms.actions.models import Program

    program = Program(name=name or f"Program Uji {next(_seq)}", **fields)
    db.session.add(program)
    db.session.flush()
    return program


def make_item(unit: Unit, owner: User, program=None, actor: User | None = None, **fields):
    """An action item of ``unit`` owned by ``owner``, due in a month unless told otherwise."""
    from datetime import timedelta

    from lms.actions.services import create_item
    from lms.i18n import utcnow, wib_today

    now = fields.pop("now", None) or utcnow()
    fields.setdefault("title", f"Aksi Uji {next(_seq)}")
    fields.setdefault("due_date", wib_today(now) + timedelta(days=30))
    return create_item(unit, program or make_program(), actor, now, owner=owner, **fields)


#: Answers of a high-risk use of AI (specific personal data): a DPIA is needed before "berjalan".
AI_USE_ANSWERS = {
    "purpose": "Memilah aduan masyarakat dan mengusulkan OPD yang menanganinya.",
    "public_service": "Pengaduan masyarakat",
    "status": "rencana",
    "tool": "Model bahasa di pusat data provinsi",
    "model": "Llama 3.1 8B",
    "data_location": "indonesia",
    "data_category": "spesifik",
    "decisions": "mendukung",
    "human_oversight": "Petugas memeriksa setiap usulan.",
    "next_review_on": None,
}
DPIA_ANSWERS = {
    "purpose_necessity": "Aduan menumpuk; pemilahan manual lambat.",
    "minimisation": "Nama dan NIK dihapus sebelum dikirim.",
    "risks": "Salah pilah menunda aduan mendesak.",
    "safeguards": "Petugas memeriksa setiap usulan.",
}


def make_ai_use(unit: Unit, head: User, dpia: bool = False, now=None, **answers):
    """A use of AI recorded by ``head`` for ``unit`` (high risk unless told otherwise); with
    ``dpia`` its DPIA is filled in and signed off by ``head``."""
    from lms.aiuse import services
    from lms.i18n import utcnow

    now = now or utcnow()
    values = AI_USE_ANSWERS | {"name": f"AI Uji {next(_seq)}", "responsible_id": head.id}
    values |= answers
    status = values.pop("status")
    entry = services.save_entry(None, unit, head, now, values | {"status": "rencana"})
    if dpia:
        services.save_dpia(entry, head, now, DPIA_ANSWERS)
        services.sign_off(entry, head, now)
    if status != "rencana":
        entry = services.save_entry(entry, unit, head, now, values | {"status": status})
    return entry


#: A bank with one question graded by the machine and one essay graded by a person.
ESSAY_GIFT = """::Pilihan:: Apa kepanjangan JP? { =Jam pelajaran ~Jumlah peserta }

::Esai:: Jelaskan satu manfaat AI bagi layanan di unit Anda. {}
"""


def essay_attempt(person, course, text="AI mempercepat jawaban atas pertanyaan warga.", now=None):
    """``person`` enrolled in ``course`` (a bank with an essay), its lessons done, an attempt
    handed in with the machine question right and the essay waiting for a grade."""
    from lms.courses import services as courses
    from lms.i18n import utcnow
    from lms.quiz import services as quiz

    now = now or utcnow()
    enrollment = courses.find_enrollment(person, course) or courses.enroll(person, course, now)
    for lesson in courses.current_lessons(course):
        courses.complete_lesson(enrollment, lesson, now)
    attempt = quiz.start_attempt(enrollment, now)
    answers = {}
    for aq in attempt.questions:
        if aq.question.type == "essay":
            answers[aq.position] = {"text": text}
        else:
            right = max(
                range(len(aq.question.data["answers"])),
                key=lambda i: aq.question.data["answers"][i]["fraction"],
            )
            answers[aq.position] = {"choice": right}
    quiz.submit_attempt(attempt, answers, now)
    return attempt


def page_sql(client, url: str) -> list[str]:
    """The SQL statements a GET of ``url`` runs (a fresh identity map, as a new request has);
    the page must answer 200."""
    db.session.expire_all()
    found: list[str] = []
    listener = lambda *args: found.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return found


def page_statements(client, url: str) -> int:
    """How many SQL statements a GET of ``url`` runs; the page must answer 200."""
    return len(page_sql(client, url))
