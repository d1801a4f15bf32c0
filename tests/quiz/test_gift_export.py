"""GIFT export: what Sinau writes reads back to the same questions, here and in a course bank."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from lms.courses.models import Course, Enrollment
from lms.i18n import utcnow
from lms.quiz import banks, presenting, services
from lms.quiz.answers import from_form
from lms.quiz.gift import Question, parse_gift, read_gift
from lms.quiz.gift_export import bank_questions, export_bank, unlisted_weights, write_gift
from lms.quiz.models import Attempt
from lms.quiz.models import Question as StoredQuestion
from tests.factories import make_user, sync, write_course

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[2]
FIXTURES = sorted(DATA.glob("*.gift"))
COURSE_BANKS = sorted((ROOT / "courses").glob("*/quiz.gift"))


def dump(questions: list[Question]) -> list[dict[str, Any]]:
    """What a question means, without the line it was read from."""

    def strip(d: dict[str, Any]) -> dict[str, Any]:
        d = {k: v for k, v in d.items() if k != "line"}
        for key in ("intro", "outro"):
            if key in d:
                d[key] = [strip(i) for i in d[key]]
        return d

    return [strip(q.to_dict()) for q in questions]


@pytest.mark.parametrize(
    "path", FIXTURES + COURSE_BANKS, ids=lambda p: p.parent.name + "/" + p.name
)
def test_every_item_reads_back_the_same(path: Path) -> None:
    items = read_gift(path.read_text(encoding="utf-8"))
    assert items
    again = read_gift(write_gift(items))
    assert dump(again) == dump(items)


@pytest.mark.parametrize("path", COURSE_BANKS, ids=lambda p: p.parent.name)
def test_course_banks_read_back_the_same(path: Path) -> None:
    bank = parse_gift(path.read_text(encoding="utf-8"))
    assert dump(parse_gift(write_gift(bank))) == dump(bank)


@pytest.mark.parametrize("path", COURSE_BANKS, ids=lambda p: p.parent.name)
def test_course_banks_use_only_weights_moodle_imports(path: Path) -> None:
    """Moodle's importer refuses a weight outside its grade list (35% is not in it)."""
    assert unlisted_weights(parse_gift(path.read_text(encoding="utf-8"))) == []


def test_unlisted_weights_names_the_ones_moodle_refuses() -> None:
    bank = parse_gift(
        "::A:: Pilih {~%35%satu ~%35%dua ~%30%tiga ~%-50%empat}\n\n"
        "::B:: Pilih {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}"
    )
    assert [(q.name, w) for q, w in unlisted_weights(bank)] == [("A", 35.0), ("A", 35.0)]


def test_cli_export_warns_of_weights_moodle_refuses(app, db, tmp_path: Path) -> None:
    write_course(tmp_path, slug="bobot", lessons=1, gift="::A:: Pilih {~%35%a ~%65%b ~%0%c}")
    sync(tmp_path)
    result = app.test_cli_runner().invoke(args=["lms", "gift", "export", "bobot"])
    assert result.exit_code == 0
    assert "soal 'A' memakai bobot 35%" in result.stderr
    assert "soal 'A' memakai bobot 65%" in result.stderr
    assert "Peringatan" not in result.stdout


TRICKY = r"""
$CATEGORY: $course$/top/Bab 1\: dasar

::Petunjuk\: baca dulu::[markdown]Bacalah **teks** berikut.\n\n    kode menjorok

::Nama \:\: dengan titik dua::[html]<p>Teks</p> {=[plain][html]kata ~%50%%30%
~#umpan saja ~=[html]ya} tersisa.

[plain]Isi:{=%50%\\ garis miring =%0%* #apa pun lainnya =a\*b} ujung

Angka {#=%-25%-5..-1.5#negatif =1e-07:0 =%33.33333%3.14:0.01 ~#lainnya ####umum}

$CATEGORY: Bab 2

Angka tengah {#=%50%* =4}

Benar? {F##Tepat, salah.####Umum}

Benar juga? {TRUE#Keliru}

Pilih {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d \{x\} ~%0%%10% saja}

Jodohkan {=[moodle]// bukan komentar -> 1 =b -> 2 \= dua = -> 3}

::Esai::Ceritakan {####Panduan penilai}

Penutup: \{tanpa jawaban\}
"""


def test_tricky_text_reads_back_the_same() -> None:
    items = read_gift(TRICKY)
    assert [q.type for q in items] == [
        "description",
        "multichoice",
        "shortanswer",
        "numerical",
        "numerical",
        "truefalse",
        "truefalse",
        "multiresponse",
        "matching",
        "essay",
        "description",
    ]
    written = write_gift(items)
    assert dump(read_gift(written)) == dump(items)
    # Something that would read as a marker or a weight keeps its meaning.
    assert items[1].answers[0].text == "[html]kata" and items[1].answers[1].text == "%30%"
    assert items[7].answers[-1].text == "%10% saja"
    assert "~%50%%30%" in written and "~%0%%10% saja" in written
    assert items[0].text.endswith("\n\n    kode menjorok")


def test_bank_with_descriptions_reads_back_with_intro_and_outro() -> None:
    bank = parse_gift(TRICKY, essays=True)
    assert [d.type for d in bank[0].intro] == ["description"]
    assert [d.text for d in bank[-1].outro] == ["Penutup: {tanpa jawaban}"]
    written = write_gift(bank)
    assert dump(parse_gift(written, essays=True)) == dump(bank)
    assert dump(read_gift(written)) == dump(read_gift(TRICKY))


def test_export_matches_moodles_own_exporter() -> None:
    """Moodle's exporter tests expect these exact lines for the same questions."""
    moodle = (DATA / "moodle_export_tests.gift").read_text(encoding="utf-8")
    blocks = [b for b in moodle.split("\n\n") if "::" in b]
    tricky = "\n".join(line for line in blocks[3].splitlines() if not line.startswith("//"))
    essay = "\n".join(line for line in blocks[0].splitlines() if not line.startswith("//"))
    backslash = "\n".join(line for line in blocks[8].splitlines() if not line.startswith("//"))
    for expected in (tricky, essay, backslash):
        assert write_gift(read_gift(expected)) == expected + "\n\n"


def test_heading_and_categories() -> None:
    questions = parse_gift("$CATEGORY: A\n\nQ1 {T}\n\nQ2 {F}\n\n$CATEGORY: B\n\nQ3 {T}")
    text = write_gift(questions, "Bank soal\nbaris dua")
    assert text.startswith("// Bank soal\n// baris dua\n\n$CATEGORY: A\n\n::Q1::Q1{TRUE}\n\n")
    assert text.count("$CATEGORY:") == 2


# --- A course's bank in the database ---------------------------------------------------------

BANK = """\
Bacalah kasus berikut: sebuah dinas memakai chatbot untuk menjawab aduan warga.

::Warna:: What's between orange and green in the spectrum? {
    ~%100%yellow # right; good!
    ~%-50%red # wrong
    ~%-50%blue # wrong
}

::Angka:: Berapa menit satu JP? {#45 ~#Satu JP adalah 45 menit.}

::Kucing:: Hewan apa yang mengeong? {=kucing* =%0%*#Bukan}

Selamat mengerjakan.
"""


@pytest.fixture
def course(db, tmp_path) -> Course:
    write_course(tmp_path, lessons=1, gift=BANK)
    write_course(tmp_path, slug="salinan", lessons=1, gift="Soal lama {T}")
    sync(tmp_path)
    return db.session.scalar(select(Course).where(Course.slug == "kursus-uji"))


def test_bank_export_imports_into_another_course_unchanged(db, course: Course) -> None:
    text = export_bank(course.id, "Bank soal uji")
    other = db.session.scalar(select(Course).where(Course.slug == "salinan"))
    banks.replace_bank(other, parse_gift(text), utcnow())

    assert dump(bank_questions(other.id)) == dump(bank_questions(course.id))
    rows = [
        db.session.scalars(
            select(StoredQuestion.text_html)
            .where(StoredQuestion.course_id == c.id, StoredQuestion.retired_at.is_(None))
            .order_by(StoredQuestion.position)
        ).all()
        for c in (course, other)
    ]
    assert rows[0] == rows[1]
    assert '<div class="qintro">Bacalah kasus berikut' in rows[0][0]
    assert rows[0][-1].endswith('<div class="qintro">Selamat mengerjakan.</div>')


def test_cli_exports_a_course_bank(app, db, course: Course, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    shown = runner.invoke(args=["lms", "gift", "export", course.slug])
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith(f"// Bank soal kursus {course.slug}: Kursus Uji\n")
    assert dump(parse_gift(shown.output)) == dump(bank_questions(course.id))

    target = tmp_path / "bank.gift"
    written = runner.invoke(args=["lms", "gift", "export", course.slug, "-o", str(target)])
    assert written.exit_code == 0
    assert target.read_text(encoding="utf-8") == shown.output

    missing = runner.invoke(args=["lms", "gift", "export", "tidak-ada"])
    assert missing.exit_code == 1
    assert "Kursus 'tidak-ada' tidak ditemukan." in missing.output


def test_cli_dump_items_shows_what_moodle_reads(app) -> None:
    path = DATA / "docs_essay_description.gift"
    runner = app.test_cli_runner()
    items = runner.invoke(args=["lms", "gift", "dump", "--items", str(path)])
    assert items.exit_code == 0
    assert [line.split('"')[3] for line in items.output.splitlines()] == [
        "essay",
        "numerical",
        "description",
        "numerical",
    ]
    bank = runner.invoke(args=["lms", "gift", "dump", str(path)])
    assert bank.exit_code == 1
    assert "soal esai ({}) tidak didukung" in bank.output


def test_attempt_grades_the_moodle_meaning(db, course: Course) -> None:
    """Yellow and red in Moodle's tricky question score 50%; '*' and '~#' grade as Moodle."""
    course.shuffle_questions = False
    course.shuffle_answers = False
    learner = make_user()
    enrollment = Enrollment(user_id=learner.id, course_id=course.id)
    db.session.add(enrollment)
    db.session.flush()
    now = utcnow()
    attempt = services.start_attempt(enrollment, now)
    positions = {aq.question.name: aq.position for aq in attempt.questions}
    form = MultiDict(
        [
            (f"q{positions['Warna']}", "0"),
            (f"q{positions['Warna']}", "1"),
            (f"q{positions['Angka']}", "44"),
            (f"q{positions['Kucing']}", "Kucing Anggora"),
        ]
    )
    assert services.submit_attempt(attempt, from_form(attempt, form), now)
    fractions = {aq.question.name: aq.fraction for aq in attempt.questions}
    assert fractions == {"Warna": 0.5, "Angka": 0.0, "Kucing": 1.0}
    assert attempt.score == 50.0
    shown = presenting.shown_questions(attempt)
    assert "Bacalah kasus berikut" in shown[0].text


# --- Through the pages ---------------------------------------------------------------------


def test_moodle_export_uploads_as_a_bank_with_its_essays(client, login_as, db, course):
    login_as("hr")
    moodle = (DATA / "moodle_export_tests.gift").read_bytes()
    loaded = client.post(
        f"/courses/{course.slug}/quiz/settings",
        data={"g-file": (BytesIO(moodle), "moodle.gift")},
        content_type="multipart/form-data",
    )
    assert loaded.status_code == 302
    bank = banks.active_questions(course.id)
    assert [(q.key, q.type) for q in bank] == [
        ("Q8", "essay"),  # graded by a person (lms/teaching)
        ("Moodle activities", "matching"),
        ("Q8 #2", "multichoice"),
        ("Q8 #3", "multiresponse"),  # Moodle allows a name twice; the key tells them apart
        ("Q5", "numerical"),
        ("Shortanswer", "shortanswer"),
        ("Shortanswer #2", "shortanswer"),
        ("Q1", "truefalse"),
        ("backslash", "essay"),
        ("True/false question", "truefalse"),
    ]
    assert [q.name for q in bank][:3] == ["Q8", "Moodle activities", "Q8"]


def test_learner_reads_the_description_and_sees_the_any_other_answer_feedback(
    client, login_as, db, course
):
    course.show_answers = "always"
    course.shuffle_questions = False
    db.session.commit()
    learner = login_as("learner")
    client.post(f"/courses/{course.slug}/enroll")
    started = client.post(f"/courses/{course.slug}/quiz/start")
    attempt_url = started.headers["Location"]
    page = client.get(attempt_url).get_data(as_text=True)
    assert '<div class="qintro">Bacalah kasus berikut' in page
    assert page.index("Bacalah kasus berikut") < page.index("between orange and green")
    assert '<div class="qintro">Selamat mengerjakan.</div>' in page

    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.user_id == learner.id
    positions = {aq.question.name: aq.position for aq in attempt.questions}
    form = {
        f"q{positions['Warna']}": "0",
        f"q{positions['Angka']}": "44",
        f"q{positions['Kucing']}": "anjing",
        "confirm": "1",
    }
    submitted = client.post(f"/attempts/{attempt_id}/submit", data=form)
    review = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert '<div class="feedback">Satu JP adalah 45 menit.</div>' in review
    assert '<div class="feedback">Bukan</div>' in review


def test_question_written_in_its_name_shows_the_name(db, tmp_path: Path) -> None:
    write_course(
        tmp_path, slug="nama", lessons=1, gift="::Apa ibu kota Jawa Timur?::{=Surabaya ~Malang}"
    )
    sync(tmp_path)
    course = db.session.scalar(select(Course).where(Course.slug == "nama"))
    (row,) = db.session.scalars(select(StoredQuestion).where(StoredQuestion.course_id == course.id))
    assert "Apa ibu kota Jawa Timur?" in row.text_html
