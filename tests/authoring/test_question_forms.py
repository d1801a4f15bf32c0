"""The question bank question by question: forms without JavaScript that add, change, delete and
move questions of every type, and leave what they cannot represent as it is written."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.authoring import services
from lms.authoring.models import CourseDraft
from lms.courses.source import QUIZ_FILE
from lms.i18n import utcnow
from lms.quiz.gift import Answer, NumericAnswer, Pair, Question, parse_gift
from tests.authoring.helpers import SETTINGS
from tests.authoring.test_authoring_views import make_course
from tests.factories import sync, write_course
from tests.test_pages import LIMIT, Fields

BASE = "/authoring/etika-ai/questions"
BANK = """// Bank soal etika AI
$CATEGORY: etika

::Pengantar:: Bacalah kasus berikut sebelum menjawab.

::Data:: Bolehkah NIK warga ditempel ke chatbot AI publik? {F#Tidak boleh.#Tepat.}

// soal kedua
::Tanggung jawab:: Siapa yang bertanggung jawab? {
=Pegawai yang memakainya
~Penyedia AI
~Tidak ada
}

::Dua benar:: Pilih satu. {=A =B ~C}
"""


def bank_text() -> str:
    draft = services.find_draft("etika-ai")
    return services.draft_files(draft).get(QUIZ_FILE, b"").decode()


def seeded(client, login_as, text: str = BANK) -> None:
    login_as("hr")
    make_course(client)
    assert client.post("/authoring/etika-ai/quiz", data={"gift": text}).status_code in (200, 302)


def rows(*answers: dict) -> dict:
    """Answer rows as the page posts them (answers-N-part), six at least, blanks included."""
    data = {}
    for n, answer in enumerate([*answers, *[{}] * max(6 - len(answers), 0)]):
        for part in ("text", "weight", "tolerance", "match", "feedback"):
            data[f"answers-{n}-{part}"] = answer.get(part, "")
        if answer.get("correct"):
            data[f"answers-{n}-correct"] = "y"
    return data


def same(a: Question, b: Question) -> bool:
    skip = ("line", "category")
    return {k: v for k, v in a.to_dict().items() if k not in skip} == {
        k: v for k, v in b.to_dict().items() if k not in skip
    }


def q(kind: str, name: str, text: str, **fields) -> Question:
    return Question(kind, name, text, 1, **fields)


# One case per type: what the form posts, and the question the bank must then hold.
CASES = {
    "multichoice": (
        {
            "title": "Prinsip",
            "text": "Siapa yang menanggung hasil kerja {AI}?",
            **rows(
                {"text": "Pegawai = pemakai", "correct": True, "feedback": "Ya #1."},
                {"text": "Penyedia ~ AI", "weight": "-50"},
                {"text": "Tidak ada", "weight": "25", "feedback": "Kurang tepat."},
            ),
            "general_feedback": "Tanggung jawab tidak berpindah.",
        },
        q(
            "multichoice",
            "Prinsip",
            "Siapa yang menanggung hasil kerja {AI}?",
            general_feedback="Tanggung jawab tidak berpindah.",
            answers=[
                Answer("Pegawai = pemakai", 1.0, "Ya #1."),
                Answer("Penyedia ~ AI", -0.5),
                Answer("Tidak ada", 0.25, "Kurang tepat."),
            ],
        ),
    ),
    "multiresponse": (
        {
            "text": "Mana yang data pribadi spesifik?",
            **rows(
                {"text": "Data kesehatan", "correct": True},
                {"text": "Data biometrik", "correct": True},
                {"text": "Data genetika", "correct": True},
                {"text": "Nama dinas", "weight": "-100", "feedback": "Bukan data pribadi."},
            ),
        },
        q(
            "multiresponse",
            "Mana yang data pribadi spesifik?",
            "Mana yang data pribadi spesifik?",
            answers=[
                Answer("Data kesehatan", 0.3333333),
                Answer("Data biometrik", 0.3333333),
                Answer("Data genetika", 0.3333333),
                Answer("Nama dinas", -1.0, "Bukan data pribadi."),
            ],
        ),
    ),
    "truefalse": (
        {
            "title": "NIK",
            "text": "NIK warga boleh ditempel ke chatbot publik.",
            "truth": "false",
            "feedback_true": "Tidak boleh: NIK data pribadi.",
            "feedback_false": "Tepat.",
            **rows(),
        },
        q(
            "truefalse",
            "NIK",
            "NIK warga boleh ditempel ke chatbot publik.",
            answer=False,
            feedback_true="Tidak boleh: NIK data pribadi.",
            feedback_false="Tepat.",
        ),
    ),
    "shortanswer": (
        {
            "title": "Ibu kota",
            "text": "Ibu kota Jawa Timur adalah _____ sejak lama.",
            **rows(
                {"text": "Surabaya*", "correct": True},
                {"text": "Suroboyo", "weight": "50", "feedback": "Ejaan Jawa."},
            ),
        },
        q(
            "shortanswer",
            "Ibu kota",
            "Ibu kota Jawa Timur adalah _____ sejak lama.",
            text_before="Ibu kota Jawa Timur adalah",
            text_after="sejak lama.",
            answers=[Answer("Surabaya*", 1.0), Answer("Suroboyo", 0.5, "Ejaan Jawa.")],
        ),
    ),
    "numerical": (
        {
            "title": "Pi",
            "text": "Berapa nilai pi sampai dua desimal?",
            **rows(
                {"text": "3,14", "tolerance": "0,01", "correct": True},
                {"text": "3", "weight": "50"},
                {"text": "*", "feedback": "Jauh sekali."},
            ),
        },
        q(
            "numerical",
            "Pi",
            "Berapa nilai pi sampai dua desimal?",
            answers=[
                NumericAnswer(3.13, 3.15, 1.0),
                NumericAnswer(3.0, 3.0, 0.5),
                NumericAnswer(None, None, 0.0, "Jauh sekali."),
            ],
        ),
    ),
    "matching": (
        {
            "title": "Singkatan",
            "text": "Jodohkan singkatan dengan artinya.",
            **rows(
                {"text": "NIP", "match": "nomor induk pegawai"},
                {"text": "JP", "match": "jam pelajaran -> 45 menit"},
                {"match": "organisasi perangkat daerah"},
            ),
        },
        q(
            "matching",
            "Singkatan",
            "Jodohkan singkatan dengan artinya.",
            pairs=[
                Pair("NIP", "nomor induk pegawai"),
                Pair("JP", "jam pelajaran -> 45 menit"),
                Pair("", "organisasi perangkat daerah"),
            ],
        ),
    ),
    "essay": (
        {
            "title": "Refleksi",
            "text": "Ceritakan satu pekerjaan yang\nAnda kerjakan dengan AI.",
            "general_feedback": "Dinilai oleh pengajar.",
            **rows(),
        },
        q(
            "essay",
            "Refleksi",
            "Ceritakan satu pekerjaan yang\nAnda kerjakan dengan AI.",
            general_feedback="Dinilai oleh pengajar.",
        ),
    ),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_type_is_added_then_edited_and_reads_back_the_same(client, login_as, kind):
    seeded(client, login_as)
    posted, expected = CASES[kind]
    page = client.get(f"{BASE}/new?jenis={kind}")
    assert page.status_code == 200
    response = client.post(f"{BASE}/new", data={**posted, "type": kind, "save": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == f"{BASE}#soal-5"
    text = bank_text()
    assert text.startswith(BANK.rstrip("\n") + "\n\n")  # what was there is untouched
    stored = parse_gift(text, essays=True)
    assert same(stored[-1], expected), stored[-1].to_dict()
    # Opened again, the form shows it as it was entered; saved unchanged, the bank stays.
    again = client.get(f"{BASE}/5")
    assert again.status_code == 200
    values = FormValues.of(again.get_data(as_text=True))
    assert values["type"] == kind and values.get("title", "") == posted.get("title", "")
    assert client.post(f"{BASE}/5", data=values).status_code == 302
    assert bank_text() == text


def test_a_question_is_changed_in_place_and_the_rest_stays_as_written(client, login_as):
    seeded(client, login_as)
    page = client.get(f"{BASE}/3")
    values = FormValues.of(page.get_data(as_text=True))
    assert values["answers-0-text"] == "Pegawai yang memakainya"
    values["answers-1-text"] = "Penyedia layanan AI"
    values["answers-1-feedback"] = "Bukan: penyedia tidak tahu pekerjaan Anda."
    response = client.post(f"{BASE}/3", data=values)
    assert response.headers["Location"] == f"{BASE}#soal-3"
    text = bank_text()
    head = BANK.partition("::Tanggung jawab::")[0]
    assert text.startswith(head) and text.endswith("\n\n::Dua benar:: Pilih satu. {=A =B ~C}\n")
    assert "// soal kedua\n::Tanggung jawab::" in text  # its comment stays with the place
    changed = next(x for x in parse_gift(text, essays=True) if x.name == "Tanggung jawab")
    assert changed.category == "etika"
    assert changed.answers[1] == Answer(
        "Penyedia layanan AI", 0.0, "Bukan: penyedia tidak tahu pekerjaan Anda."
    )


def test_the_list_shows_every_item_and_keeps_what_the_form_cannot_show(client, login_as):
    seeded(client, login_as, BANK + "\n::Rusak:: {=a ~b\n")
    html = client.get(BASE).get_data(as_text=True)
    for words in ("Teks bacaan", "Benar/salah", "Pilihan ganda", "Tidak terbaca", "Baris 17"):
        assert words in html, words
    assert html.count("Hanya bisa diubah sebagai teks GIFT") == 3  # description, =A =B, broken
    for number in (2, 3):
        assert f'href="{BASE}/{number}"' in html
    for number in (1, 4, 5):
        assert f'href="{BASE}/{number}"' not in html
        answer = client.get(f"{BASE}/{number}")
        assert answer.headers["Location"] == "/authoring/etika-ai/quiz"
    before = bank_text()
    # Adding a question rewrites nothing else, not even the broken block.
    posted, _ = CASES["essay"]
    client.post(f"{BASE}/new", data={**posted, "type": "essay", "save": "1"})
    assert bank_text().startswith(before.rstrip("\n") + "\n\n::Refleksi::")


def test_delete_and_move_work_item_by_item(client, login_as):
    seeded(client, login_as)
    html = client.get(BASE).get_data(as_text=True)
    origins = FormValues.all(html, "origin")
    assert len(origins) == 8  # a move and a delete form per item
    client.post(f"{BASE}/3/move", data={"direction": "up", "origin": origins[4]})
    names = [x.name for x in parse_gift(bank_text(), essays=True)]
    assert names == ["Tanggung jawab", "Data", "Dua benar"]
    assert "$CATEGORY: etika\n\n::Pengantar::" in bank_text()  # the category line stays first
    origins = FormValues.all(client.get(BASE).get_data(as_text=True), "origin")
    client.post(f"{BASE}/2/delete", data={"origin": origins[3]})
    names = [x.name for x in parse_gift(bank_text(), essays=True)]
    assert names == ["Data", "Dua benar"]
    # A button from a list that is no longer current does nothing.
    stale = client.post(f"{BASE}/2/delete", data={"origin": origins[3]}, follow_redirects=True)
    assert "Bank soal telah berubah" in stale.get_data(as_text=True)
    assert [x.name for x in parse_gift(bank_text(), essays=True)] == names


def test_the_first_question_makes_a_quiz_that_can_be_published(client, login_as, db):
    login_as("hr")
    make_course(client)
    client.post(
        "/authoring/etika-ai/lessons/new", data={"title": "Satu", "body": "Isi.", "save": "1"}
    )
    posted = CASES["multichoice"][0]
    client.post(f"{BASE}/new", data={**posted, "type": "multichoice", "save": "1"})
    assert [x.name for x in parse_gift(bank_text())] == ["Prinsip"]
    draft = services.find_draft("etika-ai")
    assert services.check(draft)[1] == []
    assert services.publish(draft, None, utcnow()).number == 1


def test_the_last_question_deleted_leaves_no_quiz(client, login_as):
    seeded(client, login_as, "::Satu:: Ya? {T}\n")
    origins = FormValues.all(client.get(BASE).get_data(as_text=True), "origin")
    client.post(f"{BASE}/1/delete", data={"origin": origins[1]})
    assert QUIZ_FILE not in services.draft_files(services.find_draft("etika-ai"))


INVALID = [
    (
        "multichoice",
        rows({"text": "A", "correct": True}, {"text": "B", "correct": True}),
        "tepat satu jawaban benar (sekarang 2)",
    ),
    (
        "multiresponse",
        rows(
            {"text": "A", "correct": True, "weight": "50"},
            {"text": "B", "correct": True, "weight": "40"},
        ),
        "harus berjumlah 100 % (sekarang 90 %)",
    ),
    ("numerical", rows({"text": "tiga", "correct": True}), "Isi angka, misalnya 3.14"),
    ("matching", rows({"text": "NIP", "match": "nomor"}, {"text": "JP"}), "Isi pasangannya"),
    ("truefalse", rows(), "benar atau salah"),
    (
        "shortanswer",
        rows({"text": "a -> b", "correct": True}),
        "tidak dapat dipakai di isian singkat",
    ),
    (
        "multichoice",
        rows({"text": "A", "correct": True}, {"text": "B", "weight": "x"}),
        "Isi bobot",
    ),
]


@pytest.mark.parametrize(("kind", "answers", "message"), INVALID)
def test_bad_input_is_reported_at_the_field_and_nothing_is_lost(
    client, login_as, kind, answers, message
):
    seeded(client, login_as)
    before = bank_text()
    data = {"title": "Judul tetap", "text": "Teks yang\ntidak hilang", "type": kind, **answers}
    page = client.post(f"{BASE}/new", data={**data, "general_feedback": "Umpan", "save": "1"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and message in html
    assert html.count(message) >= 2  # in the summary and at the field (or answers)
    values = FormValues.of(html)
    for key, value in data.items():
        assert values.get(key, "") == value, key
    assert values["general_feedback"] == "Umpan"
    assert bank_text() == before


def test_changing_the_type_keeps_what_was_typed(client, login_as):
    seeded(client, login_as)
    data = {"text": "Pilih.", "type": "matching", "change": "1"}
    data.update(rows({"text": "A", "correct": True, "feedback": "Bagus"}, {"text": "B"}))
    page = client.post(f"{BASE}/new", data=data)
    html = page.get_data(as_text=True)
    assert "Isi pasangannya" not in html and "Butir kiri" in html
    values = FormValues.of(html)
    assert values["answers-0-feedback"] == "Bagus" and values["answers-0-correct"] == "y"
    data["type"] = "multichoice"
    back = FormValues.of(client.post(f"{BASE}/new", data=data).get_data(as_text=True))
    assert back["answers-0-feedback"] == "Bagus" and back["answers-1-text"] == "B"


def test_an_edit_of_a_question_changed_elsewhere_is_refused(client, login_as):
    seeded(client, login_as)
    values = FormValues.of(client.get(f"{BASE}/3").get_data(as_text=True))
    client.post("/authoring/etika-ai/quiz", data={"gift": BANK.replace("Tidak ada", "Semua")})
    before = bank_text()
    values["text"] = "Teks baru"
    html = client.post(f"{BASE}/3", data=values).get_data(as_text=True)
    assert "telah diubah atau dipindahkan" in html and "Teks baru" in html
    assert bank_text() == before


def test_a_synced_course_stays_read_only(client, login_as, db, tmp_path, app):
    write_course(tmp_path, lessons=1)
    sync(tmp_path)
    app.config["COURSES_PATH"] = str(tmp_path)
    login_as("hr")
    for response in (
        client.get("/authoring/kursus-uji/questions"),
        client.get("/authoring/kursus-uji/questions/1"),
        client.post("/authoring/kursus-uji/questions/1/delete"),
        client.post("/authoring/kursus-uji/questions/new", data={"text": "X", "type": "essay"}),
    ):
        assert response.status_code == 302
        assert response.headers["Location"] == "/authoring/kursus-uji"
    assert db.session.scalar(select(func.count(CourseDraft.id))) == 0
    assert (tmp_path / "kursus-uji" / "quiz.gift").read_text(encoding="utf-8").count("::") == 12


@pytest.mark.parametrize("role", ["learner", "instructor", "unit_head"])
def test_only_those_who_may_edit_the_draft_use_the_forms(client, login_as, role):
    seeded(client, login_as)
    before = bank_text()
    login_as(role)
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}/2").status_code == 403
    posted, _ = CASES["essay"]
    assert client.post(f"{BASE}/new", data={**posted, "type": "essay"}).status_code == 403
    assert client.post(f"{BASE}/2/delete").status_code == 403
    assert bank_text() == before


def test_pages_label_every_field_and_stay_light(client, login_as):
    seeded(client, login_as)
    for path in [BASE, f"{BASE}/2", f"{BASE}/3", *(f"{BASE}/new?jenis={k}" for k in CASES)]:
        page = client.get(path)
        assert page.status_code == 200, path
        assert len(page.data) < LIMIT
        parser = Fields()
        parser.feed(page.get_data(as_text=True))
        for control in parser.controls:
            assert control["_wrapped"] or control.get("id") in parser.labelled, (path, control)


def test_every_question_of_moodles_examples_saves_back_unchanged(client, login_as, db):
    """Opened in the form and saved as shown, each question the form represents keeps its
    meaning: Moodle's documented examples, and the questions of Moodle's exporter tests."""
    data = Path(__file__).resolve().parents[1] / "quiz" / "data"
    login_as("hr")
    for name in ("docs_examples.gift", "moodle_export_tests.gift"):
        text = (data / name).read_text(encoding="utf-8")
        slug = name.split(".")[0].replace("_", "-")
        services.create_draft(slug, SETTINGS, {"pass_mark": 70}, None, utcnow())
        services.save_quiz(services.find_draft(slug), text, utcnow())
        db.session.commit()
        before = [x.to_dict() for x in parse_gift(text, essays=True)]
        html = client.get(f"/authoring/{slug}/questions").get_data(as_text=True)
        editable = [n for n in range(1, 60) if f'href="/authoring/{slug}/questions/{n}"' in html]
        assert len(editable) >= 8
        for number in editable:
            values = FormValues.of(
                client.get(f"/authoring/{slug}/questions/{number}").data.decode()
            )
            response = client.post(f"/authoring/{slug}/questions/{number}", data=values)
            assert response.status_code == 302, (name, number, response.data.decode()[-3000:])
        draft_text = services.draft_files(services.find_draft(slug))[QUIZ_FILE].decode()
        after = [x.to_dict() for x in parse_gift(draft_text, essays=True)]
        for old, new in zip(before, after, strict=True):
            old.pop("line"), new.pop("line")
            assert old == new


class FormValues(HTMLParser):
    """What a browser posts for the question form of a page (the "save" button pressed)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.origins: list[str] = []
        self._textarea: str | None = None
        self._select: str | None = None

    @classmethod
    def of(cls, html: str) -> dict[str, str]:
        parser = cls()
        parser.feed(html)
        return {**parser.values, "save": "1"}

    @classmethod
    def all(cls, html: str, name: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.origins

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        name = a.get("name")
        if tag == "input" and name:
            if name == "origin":
                self.origins.append(a.get("value", ""))
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self.values[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            # As browsers do, a line break right after <textarea> is not part of the value.
            value = self.values[self._textarea]
            self.values[self._textarea] = value.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data
