"""GIFT parity with Moodle: its importer's test inputs, its exporter's outputs, its docs.

Each test names the Moodle test (question/format/gift/tests/giftformat_test.php) whose
expected question it checks; the inputs are in tests/quiz/data/moodle_*_tests.gift.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.quiz.gift import GiftError, Question, parse_gift, parse_gift_file, read_gift
from lms.quiz.grading import (
    grade_multiresponse,
    grade_numerical,
    grade_shortanswer,
    shortanswer_matches,
)

DATA = Path(__file__).parent / "data"
IMPORTS = DATA / "moodle_import_tests.gift"
EXPORTS = DATA / "moodle_export_tests.gift"
DOCS = DATA / "docs_essay_description.gift"


def choices(q: Question) -> list[tuple[str, float, str]]:
    return [(a.text, a.fraction, a.feedback) for a in q.answers]


@pytest.fixture(scope="module")
def imported() -> list[Question]:
    return read_gift(IMPORTS.read_text(encoding="utf-8"), IMPORTS.name)


def test_every_import_case_is_read(imported: list[Question]) -> None:
    assert [q.type for q in imported] == [
        "essay",
        "matching",
        "multichoice",
        "multiresponse",
        "multiresponse",
        "numerical",
        "shortanswer",
        "shortanswer",
        "truefalse",
        "truefalse",
        "truefalse",
        "essay",
        "essay",
        "essay",
    ]


def test_import_essay(imported: list[Question]) -> None:
    q = imported[0]
    assert (q.name, q.text, q.format, q.general_feedback) == ("Q8", "How are you?", "moodle", "")


def test_import_match_drops_format_markers_and_keeps_the_extra_choice(
    imported: list[Question],
) -> None:
    q = imported[1]
    assert (q.name, q.format) == ("Moodle activities", "html")
    assert q.text == "Match the <b>activity</b> to the description."
    assert [(p.left, p.right) for p in q.pairs] == [
        ("An activity supporting asynchronous discussions.", "Forum"),
        ("A teacher asks a question and specifies a choice of multiple responses.", "Choice"),
        ("A bank of record entries which participants can add to.", "Database"),
        ("A collection of web pages that anyone can add to or edit.", "Wiki"),
        ("", "Chat"),
    ]


def test_import_multichoice_with_markers_on_answer_and_feedback(imported: list[Question]) -> None:
    q = imported[2]
    assert (q.name, q.type, q.format) == ("Q2", "multichoice", "moodle")
    assert q.text == "What's between orange and green in the spectrum?"
    assert choices(q) == [
        ("yellow", 1.0, "right; good!"),
        ("red", 0.0, "wrong, it's yellow"),
        ("blue", 0.0, "wrong, it's yellow"),
    ]


def test_import_multichoice_multi(imported: list[Question]) -> None:
    q = imported[3]
    assert (q.name, q.type) == ("colours", "multiresponse")  # Moodle: single = 0
    assert choices(q) == [
        ("yellow", 0.5, "right; good!"),
        ("red", -1.0, "wrong"),
        ("off-beige", 0.5, "right; good!"),
        ("blue", -1.0, "wrong"),
    ]
    assert grade_multiresponse(q, [0, 2]) == 1.0
    assert grade_multiresponse(q, [0, 1, 2]) == 0.0


def test_import_multichoice_multi_tricky_yellow_and_red_score_half(
    imported: list[Question],
) -> None:
    q = imported[4]
    assert q.type == "multiresponse"  # Moodle: single = 0, although one answer is 100%
    assert choices(q) == [
        ("yellow", 1.0, "right; good!"),
        ("red", -0.5, "wrong"),
        ("blue", -0.5, "wrong"),
    ]
    assert grade_multiresponse(q, [0, 1]) == 0.5
    assert grade_multiresponse(q, [0]) == 1.0
    assert grade_multiresponse(q, [0, 1, 2]) == 0.0


def test_import_numerical_with_any_other_answer_feedback(imported: list[Question]) -> None:
    q = imported[5]
    assert (q.name, q.text) == ("Q5", "What is a number from 1 to 5?")
    # Moodle: answers ('3', '*'), tolerance (2, ''), fractions (1, 0).
    assert [(a.min, a.max, a.fraction, a.feedback) for a in q.answers] == [
        (1.0, 5.0, 1.0, ""),
        (None, None, 0.0, "Completely wrong"),
    ]
    assert [grade_numerical(q, v) for v in ("1", "5", "5.01", "-3")] == [1.0, 1.0, 0.0, 0.0]


def test_import_shortanswer_with_wildcard(imported: list[Question]) -> None:
    q = imported[6]
    assert choices(q) == [
        ("Frog", 1.0, "Good!"),
        ("Cat", 0.5, "What is it with Moodlers and cats?"),
        ("*", 0.0, "Completely wrong"),
    ]
    assert q.general_feedback == ""
    assert [grade_shortanswer(q, t) for t in ("frog", "CAT", "dog", "Frog!")] == [1, 0.5, 0, 0]


def test_import_shortanswer_with_general_feedback(imported: list[Question]) -> None:
    q = imported[7]
    assert choices(q) == choices(imported[6])
    assert q.general_feedback == "Here is some general feedback!"  # [html] dropped


def test_import_truefalse(imported: list[Question]) -> None:
    q = imported[8]
    assert (q.name, q.answer) == ("Q1", False)
    assert q.text == "42 is the Absolute Answer to everything."
    # Moodle: feedbacktrue is the first text, feedbackfalse the second, for a FALSE answer.
    assert (q.feedback_true, q.feedback_false) == (
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )


def test_import_truefalse_true_answers(imported: list[Question]) -> None:
    for q in imported[9:11]:
        assert (q.name, q.text, q.answer) == ("2-08 TSL", "TSL is blablabla.", True)
        assert (q.feedback_true, q.feedback_false) == ("", "")


def test_import_backslash(imported: list[Question]) -> None:
    q = imported[11]
    assert (q.name, q.text) == ("double backslash", "A \\ B \\\\ C")


def test_import_pre_content(imported: list[Question]) -> None:
    q = imported[12]
    assert (q.name, q.format) == ("Q001", "html")
    # Moodle's expected question text, indentation inside <pre> included.
    assert q.text == (
        "<p>What would running the test method print?</p>\n<pre>\n    public void test() {\n"
        "        method1();\n        method2();\n        method3();\n    }\n</pre>"
    )


def test_import_question_with_tags_in_comments(imported: list[Question]) -> None:
    q = imported[13]
    assert (q.name, q.text, q.type) == ("Question name", "How are you?", "essay")


def test_quiz_banks_refuse_essays_until_people_grade_them() -> None:
    with pytest.raises(GiftError) as caught:
        parse_gift_file(IMPORTS)
    assert caught.value.line == 7
    assert "esai" in caught.value.message
    (essay,) = parse_gift("::Q8:: How are you? {}", essays=True)
    assert essay.type == "essay"


# --- What Moodle's exporter writes reads back to what it exported ----------------------------


@pytest.fixture(scope="module")
def exported() -> list[Question]:
    return read_gift(EXPORTS.read_text(encoding="utf-8"), EXPORTS.name)


def test_moodle_exports_are_read(exported: list[Question]) -> None:
    assert [(q.name, q.type) for q in exported] == [
        ("Q8", "essay"),
        ("Moodle activities", "matching"),
        ("Q8", "multichoice"),
        ("Q8", "multiresponse"),
        ("Q5", "numerical"),
        ("Shortanswer", "shortanswer"),
        ("Shortanswer", "shortanswer"),
        ("Q1", "truefalse"),
        ("backslash", "essay"),
        ("True/false question", "truefalse"),
    ]


def test_moodle_export_match(exported: list[Question]) -> None:
    q = exported[1]
    assert q.pairs[0].left == (
        '<div class="frog">An activity supporting asynchronous discussions.</div>'
    )
    assert [p.right for p in q.pairs] == ["Forum", "Choice", "Database", "Wiki", "Chat"]


def test_moodle_export_multichoice_and_tricky(exported: list[Question]) -> None:
    single, multi = exported[2], exported[3]
    assert choices(single) == [
        ("yellow", 1.0, "right; good!"),
        ("red", 0.0, "wrong, it's yellow"),
        ("blue", 0.0, "wrong, it's yellow"),
    ]
    assert [a.fraction for a in multi.answers] == [1.0, -0.5, -0.5]
    assert grade_multiresponse(multi, [0, 1]) == 0.5


def test_moodle_export_numerical_and_shortanswer(exported: list[Question]) -> None:
    number, short, with_general = exported[4], exported[5], exported[6]
    assert [(a.min, a.max, a.fraction, a.feedback) for a in number.answers] == [
        (1.0, 5.0, 1.0, ""),
        (None, None, 0.0, "Completely wrong"),
    ]
    assert choices(short)[2] == ("*", 0.0, "Completely wrong")
    assert with_general.general_feedback == "Here is some general feedback!"


def test_moodle_export_truefalse_and_backslash(exported: list[Question]) -> None:
    q1, backslash, tagged = exported[7], exported[8], exported[9]
    assert (q1.answer, q1.feedback_true, q1.feedback_false) == (
        True,
        "You gave the right answer.",
        "42 is the Ultimate Answer.",
    )
    assert backslash.text == "A \\ B \\\\ C"
    assert (tagged.format, tagged.text, tagged.general_feedback) == (
        "html",
        "The answer is true.",
        "You should have selected true.",
    )


# --- The documentation's essay and description examples -------------------------------------


def test_docs_essay_and_description() -> None:
    essay, two, note, three = read_gift(DOCS.read_text(encoding="utf-8"))
    assert (essay.type, essay.text) == ("essay", "Write a short biography of Dag Hammarskjöld.")
    assert (note.type, note.line, note.format) == ("description", 10, "moodle")
    assert note.text == "You can use your pencil and paper for these next math questions."
    assert note.name == "You can use your pencil and paper for th"
    assert (two.type, three.type) == ("numerical", "numerical")


def test_description_becomes_the_intro_of_the_next_question() -> None:
    text = DOCS.read_text(encoding="utf-8").split("// Description")[1]
    two, three = parse_gift(text)
    assert (two.intro, two.outro) == ([], [])
    (note,) = three.intro
    assert note.text == "You can use your pencil and paper for these next math questions."
    assert three.to_dict()["intro"][0]["type"] == "description"


# --- Smaller rules from Moodle's importer ---------------------------------------------------


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("{=%reset ~%x%y}", [("%reset", 1.0), ("%x%y", 0.0)]),  # no digits: text
        ("{=%5 stars ~none}", [("%5 stars", 1.0), ("none", 0.0)]),
        ("{=%50% ~b =c}", [("b", 0.0), ("c", 1.0)]),  # a weight and nothing else: dropped
    ],
)
def test_percent_is_a_weight_only_before_digits(
    block: str, expected: list[tuple[str, float]]
) -> None:
    (q,) = parse_gift(f"Pilih {block}")
    assert [(a.text, a.fraction) for a in q.answers] == expected


def test_short_answer_percent_text() -> None:
    (q,) = parse_gift("Perintah untuk mengulang? {=%reset}")
    assert (q.type, [(a.text, a.fraction) for a in q.answers]) == ("shortanswer", [("%reset", 1)])
    assert grade_shortanswer(q, "%RESET") == 1.0


def test_empty_tilde_before_equals_is_the_right_answer() -> None:
    (q,) = parse_gift("Who is right? {~=She's right ~He is #No ~Nobody}")
    assert q.type == "multichoice"
    assert choices(q) == [("She's right", 1.0, ""), ("He is", 0.0, "No"), ("Nobody", 0.0, "")]


def test_numerical_star_answer_and_first_match_order() -> None:
    (q,) = parse_gift("Angka? {#=5 =%20%4 =%50%* }")
    assert [(a.min, a.fraction) for a in q.answers] == [(5.0, 1.0), (4.0, 0.2), (None, 0.5)]
    assert [grade_numerical(q, v) for v in ("5", "4", "9")] == [1.0, 0.2, 0.5]
    assert grade_numerical(q, "lima") == 0.0  # not a number: nothing matches


def test_numerical_other_feedback_takes_everything_after_the_tilde() -> None:
    (q,) = parse_gift("Angka? {#\n=4#pas\n~#Jauh sekali\n####Umum\n}")
    assert [(a.min, a.fraction, a.feedback) for a in q.answers] == [
        (4.0, 1.0, "pas"),
        (None, 0.0, "Jauh sekali"),
    ]
    assert q.general_feedback == "Umum"


@pytest.mark.parametrize(
    ("pattern", "text", "fits"),
    [
        ("*", "apa saja", True),
        ("*", "", True),
        ("kucing*", "Kucing Anggora", True),
        ("kucing*", "si kucing", False),
        ("*ku*ng*", "si kucing", True),
        ("a**b", "axyb", True),
        ("a\\*b", "a*b", True),
        ("a\\*b", "axb", False),
        ("1+1 (dua)", "1+1 (DUA)", True),  # regex characters are literal
        ("1+1 (dua)", "11 dua", False),
        ("jawa  timur", " Jawa Timur ", True),
    ],
)
def test_shortanswer_wildcard(pattern: str, text: str, fits: bool) -> None:
    assert shortanswer_matches(pattern, text) is fits


def test_shortanswer_first_matching_answer_counts() -> None:
    (q,) = parse_gift("Hewan? {=%0%*#Salah =Katak}")
    assert grade_shortanswer(q, "katak") == 0.0  # Moodle stops at the first match, '*'
    (q,) = parse_gift("Hewan? {=Katak =%0%*#Salah}")
    assert (grade_shortanswer(q, "katak"), grade_shortanswer(q, "kucing")) == (1.0, 0.0)


# --- Behaviour that public banks written by others rely on (tests/quiz/data/public/) ----------


def test_question_written_in_its_name_is_read_with_empty_text_as_moodle_does() -> None:
    # es_LGM-Act1_cuestionario.gift: the question is the name, the text is empty, and each
    # feedback sits on its own line below its choice. Moodle imports it; so does Sinau.
    text = (
        "// Nombre: HTML\n"
        "::¿Cuál es el lenguaje de marcas más utilizado?::\n"
        "{=HTML\n~Python\n#Python es un lenguaje de programación.\n~SQL\n}"
    )
    (q,) = parse_gift(text)
    assert (q.name, q.text, q.type) == (
        "¿Cuál es el lenguaje de marcas más utilizado?",
        "",
        "multichoice",
    )
    assert [(a.text, a.fraction, a.feedback) for a in q.answers] == [
        ("HTML", 1.0, ""),
        ("Python", 0.0, "Python es un lenguaje de programación."),
        ("SQL", 0.0, ""),
    ]


def test_name_alone_is_a_description_with_empty_text_as_in_moodle() -> None:
    (item,) = read_gift("::Bagian 2::")
    assert (item.type, item.name, item.text) == ("description", "Bagian 2", "")
    (item,) = read_gift("::::{T}")  # no name and no text: Moodle's fixed default name
    assert (item.type, item.name, item.text) == ("truefalse", "Soal", "")


def test_unescaped_tilde_inside_a_choice_starts_a_new_choice_as_in_moodle() -> None:
    # es_SOM_examen.gift: "~%-25%~/config/config.txt" is, for Moodle, an empty choice worth
    # -25% (dropped when saved) followed by the wrong choice "/config/config.txt" worth 0%.
    (q,) = parse_gift("Ruta? {\n=../config/config.txt\n~%-25%~/config/config.txt\n~%-25%config\n}")
    assert [(a.text, a.fraction) for a in q.answers] == [
        ("../config/config.txt", 1.0),
        ("/config/config.txt", 0.0),
        ("config", -0.25),
    ]


def test_several_equals_make_one_choice_with_several_right_answers_as_in_moodle() -> None:
    # es_grupo4_cuestionario.gift, ru_control-test_example.gift: Moodle keeps radio buttons
    # (single = 1 because '=' is present) and every '=' answer is worth 100%.
    (q,) = parse_gift("Простые? {\n~1\n=2\n=3\n~4\n}")
    assert q.type == "multichoice"
    assert [(a.text, a.fraction) for a in q.answers] == [
        ("1", 0.0),
        ("2", 1.0),
        ("3", 1.0),
        ("4", 0.0),
    ]


def test_a_bank_without_blank_lines_is_refused_where_moodle_reads_one_garbled_question() -> None:
    # fr_GL02_MACHINE_questions.gift: Moodle takes the first {...} as the answers of one question
    # whose text swallows every other question; Sinau names the line instead (on purpose).
    text = "::Q1::Couleur ? {\n=Bleu\n~Rouge\n}\n::Q2::Ronde ? {\nTRUE\n}"
    with pytest.raises(GiftError) as caught:
        parse_gift(text)
    assert caught.value.line == 5  # the second '{'
    assert "lebih dari satu blok jawaban" in caught.value.message
