"""GIFT parser: Moodle's documented examples, the rest of the syntax, and error reports."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from lms.quiz.gift import (
    Answer,
    GiftError,
    NumericAnswer,
    Pair,
    Question,
    normalize_short_answer,
    parse_gift,
    parse_gift_file,
    read_gift,
)
from lms.quiz.grading import (
    grade_matching,
    grade_multichoice,
    grade_multiresponse,
    grade_numerical,
    grade_shortanswer,
    grade_truefalse,
    parse_number,
)

DATA = Path(__file__).parent / "data"
DOCS = DATA / "docs_examples.gift"
QUICK = DATA / "docs_quick_examples.gift"


def choices(q: Question) -> list[tuple[str, float, str]]:
    return [(a.text, a.fraction, a.feedback) for a in q.answers]


def ranges(q: Question) -> list[tuple[float, float, float, str]]:
    return [(a.min, a.max, a.fraction, a.feedback) for a in q.answers]


def parse_error(text: str) -> GiftError:
    with pytest.raises(GiftError) as caught:
        parse_gift(text, "quiz.gift")
    return caught.value


@pytest.fixture(scope="module")
def docs() -> list[Question]:
    return parse_gift_file(DOCS)


# --- Moodle documentation: "Format symbols" quick examples ---------------------------------


def test_quick_examples_stop_at_the_essay_question() -> None:
    with pytest.raises(GiftError) as caught:
        parse_gift_file(QUICK)
    assert caught.value.line == 30
    assert str(caught.value) == (
        f"{QUICK}:30: soal esai ({{}}) tidak didukung karena tidak bisa dinilai otomatis"
    )


def test_quick_examples_without_the_essay() -> None:
    text = QUICK.read_text(encoding="utf-8").split("// essay")[0]
    q1, q2, q3, q4, q5, q6, q7 = parse_gift(text)

    assert (q1.type, q1.name, q1.text, q1.line, q1.answer) == ("truefalse", "Q1", "1+1=2", 4, True)

    assert (q2.type, q2.name, q2.line) == ("multichoice", "Q2", 7)
    assert q2.text == "What's between orange and green in the spectrum?"
    assert choices(q2) == [
        ("yellow", 1.0, "right; good!"),
        ("red", 0.0, "wrong, it's yellow"),
        ("blue", 0.0, "wrong, it's yellow"),
    ]

    assert (q3.type, q3.name) == ("shortanswer", "Q3")
    assert q3.text == "Two plus _____ equals four."
    assert (q3.text_before, q3.text_after) == ("Two plus", "equals four.")
    assert choices(q3) == [("two", 1.0, ""), ("2", 1.0, "")]

    assert (q4.type, q4.text) == ("matching", "Which animal eats which food?")
    assert q4.pairs == [Pair("cat", "cat food"), Pair("dog", "dog food")]

    assert (q5.type, q5.name) == ("numerical", "Q5")
    assert ranges(q5) == [(1.0, 5.0, 1.0, "")]
    assert (q6.name, ranges(q6)) == ("Q6", [(1.0, 5.0, 1.0, "")])

    assert (q7.type, q7.name, q7.line) == ("numerical", "Q7", 24)
    assert ranges(q7) == [
        (1822.0, 1822.0, 1.0, "Correct! Full credit."),
        (1820.0, 1824.0, 0.5, "He was born in 1822. Half credit for being close."),
    ]


# --- Moodle documentation: every other example of a supported type -------------------------


def test_docs_file_has_every_supported_example(docs: list[Question]) -> None:
    assert len(docs) == 33
    assert [q.type for q in docs].count("multiresponse") == 3
    json.dumps([q.to_dict() for q in docs])  # everything is JSON-ready


def test_docs_format_symbols_explained(docs: list[Question]) -> None:
    q = docs[0]
    assert (q.type, q.name, q.text, q.line) == ("multichoice", "Question title", "Question", 6)
    assert choices(q) == [
        ("A correct answer", 1.0, ""),
        ("Wrong answer1", 0.0, "A response to wrong answer1"),
        ("Wrong answer2", 0.0, "A response to wrong answer2"),
        ("Wrong answer3", 0.0, "A response to wrong answer3"),
        ("Wrong answer4", 0.0, "A response to wrong answer4"),
    ]


def test_docs_shortest_multiple_choice(docs: list[Question]) -> None:
    q = docs[1]
    assert (q.type, q.name, q.text) == ("multichoice", "Question", "Question")
    assert [a.text for a in q.answers] == [
        "A Correct Answer",
        "Wrong answer1",
        "Wrong answer2",
        "Wrong answer3",
        "Wrong answer4",
    ]
    assert [a.fraction for a in q.answers] == [1.0, 0.0, 0.0, 0.0, 0.0]


def test_docs_multiple_choice(docs: list[Question]) -> None:
    simple, longer = docs[2], docs[3]
    assert (simple.type, simple.name) == ("multichoice", "Who's buried in Grant's tomb?")
    assert [(a.text, a.fraction) for a in simple.answers] == [
        ("Grant", 1.0),
        ("no one", 0.0),
        ("Napoleon", 0.0),
        ("Churchill", 0.0),
        ("Mother Teresa", 0.0),
    ]
    assert (longer.name, longer.line) == ("Grants tomb", 25)
    assert longer.text == "Who is buried in Grant's tomb in New York City?"
    assert choices(longer) == [
        ("Grant", 1.0, ""),
        (
            "No one",
            0.0,
            "Was true for 12 years, but Grant's remains were buried in the tomb in 1897",
        ),
        ("Napoleon", 0.0, "He was buried in France"),
        ("Churchill", 0.0, "He was buried in England"),
        ("Mother Teresa", 0.0, "She was buried in India"),
    ]


def test_docs_multiple_right_answers(docs: list[Question]) -> None:
    q = docs[4]
    assert q.type == "multiresponse"
    assert q.text == "What two people are entombed in Grant's tomb?"
    assert q.name == "What two people are entombed in Grant's"  # first 40 characters
    assert [(a.text, a.fraction) for a in q.answers] == [
        ("No one", -1.0),
        ("Grant", 0.5),
        ("Grant's wife", 0.5),
        ("Grant's father", -1.0),
    ]


def test_docs_true_false(docs: list[Question]) -> None:
    grant, sun = docs[5], docs[6]
    assert (grant.type, grant.name, grant.answer) == (
        "truefalse",
        "TrueStatement about Grant",
        True,
    )
    assert grant.text == "Grant was buried in a tomb in New York City."
    assert (sun.name, sun.text, sun.answer) == (
        "FalseStatement about sun",
        "The sun rises in the West.",
        False,
    )
    assert (sun.feedback_true, sun.feedback_false) == ("", "")


def test_docs_short_answer(docs: list[Question]) -> None:
    grant, two = docs[7], docs[8]
    assert grant.type == "shortanswer"
    assert choices(grant) == [
        ("Grant", 1.0, ""),
        ("Ulysses S. Grant", 1.0, ""),
        ("Ulysses Grant", 1.0, ""),
    ]
    # The block ends the question, so this is not a missing-word question.
    assert (two.type, two.text, two.text_before) == ("shortanswer", "Two plus two equals", None)
    assert choices(two) == [("four", 1.0, ""), ("4", 1.0, "")]


def test_docs_matching(docs: list[Question]) -> None:
    q = docs[9]
    assert q.type == "matching"
    assert q.text == "Match the following countries with their corresponding capitals."
    assert q.pairs == [
        Pair("Canada", "Ottawa"),
        Pair("Italy", "Rome"),
        Pair("Japan", "Tokyo"),
        Pair("India", "New Delhi"),
    ]


def test_docs_missing_word(docs: list[Question]) -> None:
    moodle, gandhi, hastings = docs[10], docs[11], docs[12]
    assert moodle.type == "multichoice"
    assert moodle.text == "Moodle costs _____ to download from moodle.org."
    assert (moodle.text_before, moodle.text_after) == (
        "Moodle costs",
        "to download from moodle.org.",
    )
    assert [(a.text, a.fraction) for a in moodle.answers] == [
        ("lots of money", 0.0),
        ("nothing", 1.0),
        ("a small amount", 0.0),
    ]
    assert gandhi.text == "Mahatma Gandhi's birthday is an Indian holiday on  _____ of October."
    assert [a.text for a in gandhi.answers if a.fraction == 1] == ["2nd"]
    assert hastings.text == (
        'Since _____\nthe town of Hastings England has been "famous with visitors".'
    )
    assert hastings.text_before == "Since"
    assert [a.text for a in hastings.answers] == ["495 AD", "1066 AD", "1215 AD", "43 AD"]


def test_docs_numerical(docs: list[Question]) -> None:
    born, pi_margin, pi_span, born_partial = docs[13:17]
    assert born.type == "numerical"
    assert ranges(born) == [(1817.0, 1827.0, 1.0, "")]
    # "{...}." ends with a full stop, which Moodle reads as a missing-word question.
    assert pi_margin.text == "What is the value of pi (to 3 decimal places)? _____."
    assert ranges(pi_margin) == [(3.14109, 3.14209, 1.0, "")]
    assert ranges(pi_span) == [(3.141, 3.142, 1.0, "")]
    assert ranges(born_partial) == [(1822.0, 1822.0, 1.0, ""), (1820.0, 1824.0, 0.5, "")]


def test_docs_options_comments_and_export(docs: list[Question]) -> None:
    plain, exported = docs[17], docs[18]
    assert (plain.type, plain.name, plain.line) == ("numerical", "What's 2 plus 2?", 96)
    assert ranges(plain) == [(4.0, 4.0, 1.0, "")]
    assert (exported.name, exported.text, exported.line) == (
        "What's 2 plus 2?",
        "What's 2 plus 2?",
        99,
    )
    assert ranges(exported) == [(4.0, 4.0, 1.0, "")]
    # The "//  [id:123] [tag:basic]" comment-only block after it adds no question.
    assert docs[19].name == "Kanji Origins"


def test_docs_question_names(docs: list[Question]) -> None:
    kanji, thanksgiving = docs[19], docs[20]
    assert (kanji.type, kanji.name) == ("shortanswer", "Kanji Origins")
    assert kanji.text == "Japanese characters originally\ncame from what country?"
    assert choices(kanji) == [("China", 1.0, "")]
    assert (thanksgiving.type, thanksgiving.name) == ("multichoice", "Thanksgiving Date")
    assert thanksgiving.text == (
        "The American holiday of Thanksgiving is \ncelebrated on the _____ Thursday of November."
    )
    assert thanksgiving.text_after == "Thursday of November."


def test_docs_feedback(docs: list[Question]) -> None:
    choice, deep_thought, absolute = docs[21], docs[22], docs[23]
    assert choices(choice) == [
        ("wrong answer", 0.0, "feedback comment on the wrong answer"),
        ("another wrong answer", 0.0, "feedback comment on this wrong answer"),
        ("right answer", 1.0, "Very good!"),
    ]
    assert deep_thought.type == "shortanswer"
    assert deep_thought.text_before == 'Deep Thought said "'
    assert deep_thought.text_after == (
        'is the Ultimate Answer to the Ultimate Question of Life, The Universe, and Everything."'
    )
    assert choices(deep_thought) == [
        ("forty two", 1.0, "Correct according to The Hitchhiker's Guide to the Galaxy!"),
        ("42", 1.0, "Correct, as told to Loonquawl and Phouchg"),
        ("forty-two", 1.0, "Correct!"),
    ]
    # "The first is shown if the student gives the wrong answer. The second if the student
    # gives the right answer." The answer is false, so the first goes with "true".
    assert (absolute.type, absolute.answer) == ("truefalse", False)
    assert absolute.text == "42 is the Absolute Answer to everything."
    assert absolute.feedback_true == "42is the Ultimate Answer."
    assert absolute.feedback_false == "You gave the right answer."


def test_docs_percentage_weights(docs: list[Question]) -> None:
    difficult, hometown_choice, hometown_short = docs[24], docs[25], docs[26]
    assert [(a.text, a.fraction) for a in difficult.answers] == [
        ("wrong answer", 0.0),
        ("half credit answer", 0.5),
        ("full credit answer", 1.0),
    ]
    assert (hometown_choice.type, hometown_choice.name) == ("multichoice", "Jesus' hometown")
    assert hometown_choice.text == "Jesus Christ was from _____."
    assert choices(hometown_choice) == [
        ("Jerusalem", 0.0, "This was an important city, but the wrong answer."),
        ("Bethlehem", 0.25, "He was born here, but not raised here."),
        ("Galilee", 0.5, "You need to be more specific."),
        ("Nazareth", 1.0, "Yes! That's right!"),
    ]
    assert (hometown_short.type, hometown_short.name) == ("shortanswer", "Jesus' hometown")
    assert hometown_short.text == "Jesus Christ was from"
    assert choices(hometown_short) == [
        ("Nazareth", 1.0, "Yes! That's right!"),
        ("Nazereth", 0.75, "Right, but misspelled."),
        ("Bethlehem", 0.25, "He was born here, but not raised here."),
    ]


def test_docs_text_format(docs: list[Question]) -> None:
    q = docs[27]
    assert (q.type, q.format) == ("multichoice", "markdown")
    assert q.text == (
        "The *American holiday of Thanksgiving* is celebrated on the _____ Thursday of November."
    )
    assert [a.text for a in q.answers] == ["second", "third", "fourth"]


def test_docs_multiple_answers(docs: list[Question]) -> None:
    unweighted_wrong, negative_wrong = docs[28], docs[29]
    assert unweighted_wrong.type == negative_wrong.type == "multiresponse"
    assert [a.fraction for a in unweighted_wrong.answers] == [0.0, 0.5, 0.5, 0.0]
    assert [a.fraction for a in negative_wrong.answers] == [-0.5, 0.5, 0.5, -0.5]
    assert [a.text for a in negative_wrong.answers] == [
        "No one",
        "Grant",
        "Grant's wife",
        "Grant's father",
    ]


def test_docs_special_characters(docs: list[Question]) -> None:
    equals, control = docs[30], docs[31]
    assert choices(equals) == [("= 2 + 2", 0.0, ""), ("= 2 + 3", 1.0, ""), ("= 2 + 4", 0.0, "")]
    assert control.name == "GIFT Control Characters"
    assert control.text == (
        "Which of the following is NOT a control character for the GIFT import format?"
    )
    assert choices(control) == [
        ("~", 0.0, "~ is a control character."),
        ("=", 0.0, "= is a control character."),
        ("#", 0.0, "# is a control character."),
        ("{", 0.0, "{ is a control character."),
        ("}", 0.0, "} is a control character."),
        (
            "\\",
            1.0,
            "Correct! \\ (backslash) is not a control character. BUT,\n"
            "             it is used to escape the control characters.",  # indented as in the file
        ),
    ]


def test_docs_categories_and_latex(docs: list[Question]) -> None:
    latex = docs[32]
    assert all(q.category is None for q in docs[:32])
    assert (latex.category, latex.name) == ("mycategory", "Odd_Part_Formula")
    assert latex.text == (
        "The odd part of a continuous-time signal \\( x(t) \\), denoted as "
        "\\( \\mathcal{Odd} (x(t)) \\), is given by which formula?"
    )
    assert choices(latex)[0] == ("\\( 0.5 * [x(t) - x(-t)] \\)", 1.0, "")
    assert [a.fraction for a in latex.answers] == [1.0, 0.0, 0.0, 0.0]


def test_docs_essay_is_unsupported() -> None:
    error = parse_error("Write a short biography of Dag Hammarskjöld. {}")
    assert str(error) == (
        "quiz.gift:1: soal esai ({}) tidak didukung karena tidak bisa dinilai otomatis"
    )


def test_docs_description_after_the_last_question_is_its_outro() -> None:
    (q,) = parse_gift(
        "What's 2 plus 2? {#4}\n\nYou can use your pencil and paper for these next math questions."
    )
    (note,) = q.outro
    assert (note.type, note.line, q.intro) == ("description", 3, [])
    assert note.text == "You can use your pencil and paper for these next math questions."


# --- Syntax beyond the documentation examples ----------------------------------------------


def test_question_line_skips_leading_comments() -> None:
    text = "// satu\n\n// dua\n//tiga\n::Nama::\nTeks {T}\n"
    (q,) = parse_gift(text)
    assert (q.line, q.name, q.text) == (5, "Nama", "Teks")


def test_comment_only_blocks_and_blank_files_give_nothing() -> None:
    assert parse_gift("") == []
    assert parse_gift("\n  \n\t\n") == []
    assert parse_gift("// hanya komentar\n// lagi\n") == []


def test_comment_lines_inside_a_question_are_ignored() -> None:
    (q,) = parse_gift("Ibu kota Jawa Timur? {\n=Surabaya\n// bukan Malang\n~Malang\n}")
    assert choices(q) == [("Surabaya", 1.0, ""), ("Malang", 0.0, "")]


def test_default_name_is_first_40_characters() -> None:
    text = "Sebutkan   dasar hukum\npenyelenggaraan pelatihan kepemimpinan nasional {=Perlan}"
    (q,) = parse_gift(text)
    assert q.name == "Sebutkan dasar hukum penyelenggaraan pel"
    assert len(q.name) == 40


def test_default_name_of_html_question_leaves_out_tags() -> None:
    (q,) = parse_gift("[html]<p>Apa <b>ibu kota</b> Indonesia?</p>{=Jakarta}")
    assert q.format == "html"
    assert q.text == "<p>Apa <b>ibu kota</b> Indonesia?</p>"
    assert q.name == "Apa ibu kota Indonesia?"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("", "moodle"),
        ("[moodle]", "moodle"),
        ("[html]", "html"),
        ("[plain]", "plain"),
        ("[markdown]", "markdown"),
        ("[Markdown]", "markdown"),
    ],
)
def test_format_tags(tag: str, expected: str) -> None:
    (q,) = parse_gift(f"::N::{tag}Teks **tebal** {{T}}")
    assert (q.format, q.text) == (expected, "Teks **tebal**")


def test_unknown_format_tag_stays_in_text() -> None:
    (q,) = parse_gift("[latex]Teks {T}")
    assert (q.format, q.text) == ("moodle", "[latex]Teks")


def test_answers_may_repeat_the_question_format() -> None:
    (q,) = parse_gift("[html]Pilih {=[html]<b>ya</b>#[html]<i>benar</i> ~tidak}")
    assert choices(q) == [("<b>ya</b>", 1.0, "<i>benar</i>"), ("tidak", 0.0, "")]


def test_escapes() -> None:
    text = (
        "::Esc\\:ape \\{1\\}::Baris satu\\nbaris dua, \\{kurung\\}, 50\\% dan C:\\\\data "
        "{=a\\=b\\#c#umpan \\~ balik ~d\\~e ~f\\\\}"
    )
    (q,) = parse_gift(text)
    assert q.name == "Esc:ape {1}"
    assert q.text == "Baris satu\nbaris dua, {kurung}, 50\\% dan C:\\data"
    assert choices(q) == [("a=b#c", 1.0, "umpan ~ balik"), ("d~e", 0.0, ""), ("f\\", 0.0, "")]


def test_escaped_backslash_does_not_escape_what_follows() -> None:
    (q,) = parse_gift("Jalur C:\\\\new dan \\\\n bukan baris baru {T}")
    assert q.text == "Jalur C:\\new dan \\n bukan baris baru"


def test_crlf_and_bom_give_the_same_questions() -> None:
    text = DOCS.read_text(encoding="utf-8")
    expected = [q.to_dict() for q in parse_gift(text)]
    windows = "\ufeff" + text.replace("\n", "\r\n")
    assert [q.to_dict() for q in parse_gift(windows)] == expected
    old_mac = text.replace("\n", "\r")
    assert [q.to_dict() for q in parse_gift(old_mac)] == expected


def test_file_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "kuis.gift"
    path.write_bytes("\ufeff// komentar\r\n::A::Benar? {T}\r\n\r\n::B::Salah? {F}\r\n".encode())
    a, b = parse_gift_file(path)
    assert (a.name, a.line, a.answer) == ("A", 2, True)
    assert (b.name, b.line, b.answer) == ("B", 4, False)


def test_category_applies_to_following_questions() -> None:
    text = (
        "Q0 {T}\n"
        "\n"
        "$CATEGORY: Pelatihan/Kepemimpinan\n"
        "\n"
        "Q1 {T}\n"
        "\n"
        "Q2 {F}\n"
        "\n"
        "// kategori berikutnya\n"
        "$CATEGORY: $course$/Lain\n"
        "Q3 {T}\n"
    )
    questions = parse_gift(text)
    assert [(q.text, q.category, q.line) for q in questions] == [
        ("Q0", None, 1),
        ("Q1", "Pelatihan/Kepemimpinan", 5),
        ("Q2", "Pelatihan/Kepemimpinan", 7),
        ("Q3", "$course$/Lain", 11),
    ]


def test_missing_word_keeps_both_sides() -> None:
    (q,) = parse_gift("Kota {~Malang =Surabaya ~Kediri} adalah ibu kota Jawa Timur.")
    assert q.text == "Kota _____ adalah ibu kota Jawa Timur."
    assert (q.text_before, q.text_after) == ("Kota", "adalah ibu kota Jawa Timur.")
    assert q.to_dict()["text_before"] == "Kota"


def test_missing_word_at_the_start() -> None:
    (q,) = parse_gift("{=Surabaya =Kota Pahlawan} adalah ibu kota Jawa Timur.")
    assert (q.text, q.text_before, q.text_after) == (
        "_____ adalah ibu kota Jawa Timur.",
        "",
        "adalah ibu kota Jawa Timur.",
    )


def test_answers_and_feedback_over_several_lines() -> None:
    text = (
        "Apa itu ASN? {\n"
        "=Aparatur Sipil Negara,\n"
        "yaitu PNS dan PPPK\n"
        "#Benar, menurut\n"
        "UU 20/2023\n"
        "~Angkatan Sipil\n"
        "Nasional\n"
        "}"
    )
    (q,) = parse_gift(text)
    assert choices(q) == [
        ("Aparatur Sipil Negara,\nyaitu PNS dan PPPK", 1.0, "Benar, menurut\nUU 20/2023"),
        ("Angkatan Sipil\nNasional", 0.0, ""),
    ]


def test_general_feedback() -> None:
    text = (
        "Pilih {=a#tepat ~b ####Penjelasan: a benar.}\n\n"
        "Benar? {T#salah#benar####Umum}\n\n"
        "Angka? {#4:1####Empat}\n\n"
        "Pasangkan {=a -> 1 =b -> 2 ####Cocokkan semua}\n\n"
        "Isi {=kata ####Kata kunci}"
    )
    choice, truefalse, numeric, matching, short = parse_gift(text)
    assert choice.general_feedback == "Penjelasan: a benar."
    assert choices(choice) == [("a", 1.0, "tepat"), ("b", 0.0, "")]
    assert (truefalse.general_feedback, truefalse.feedback_true) == ("Umum", "benar")
    assert (numeric.general_feedback, ranges(numeric)) == ("Empat", [(3.0, 5.0, 1.0, "")])
    assert matching.general_feedback == "Cocokkan semua"
    assert len(matching.pairs) == 2
    assert (short.general_feedback, choices(short)) == ("Kata kunci", [("kata", 1.0, "")])


@pytest.mark.parametrize(
    ("block", "answer"),
    [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False), ("{ true }", True)],
)
def test_true_false_spellings(block: str, answer: bool) -> None:
    (q,) = parse_gift(f"Pernyataan {block}")
    assert (q.type, q.answer) == ("truefalse", answer)


def test_true_false_feedback_follows_the_learners_answer() -> None:
    true_q, false_q, one = parse_gift(
        "Benar {T#Jawaban salah#Jawaban benar}\n\n"
        "Salah {F#Jawaban salah#Jawaban benar}\n\n"
        "Salah {F#Hanya untuk jawaban salah}"
    )
    assert (true_q.feedback_true, true_q.feedback_false) == ("Jawaban benar", "Jawaban salah")
    assert (false_q.feedback_true, false_q.feedback_false) == ("Jawaban salah", "Jawaban benar")
    assert (one.feedback_true, one.feedback_false) == ("Hanya untuk jawaban salah", "")


def test_short_answer_weights_and_single_answer_without_equals() -> None:
    weighted, bare = parse_gift("Ibu kota? {=%50%Sby =Surabaya}\n\nIbu kota? {Surabaya#Ya}")
    assert choices(weighted) == [("Sby", 0.5, ""), ("Surabaya", 1.0, "")]
    assert (bare.type, choices(bare)) == ("shortanswer", [("Surabaya", 1.0, "Ya")])


def test_normalize_short_answer() -> None:
    assert normalize_short_answer("  Ulysses   S.\tGRANT \n") == "ulysses s. grant"
    assert normalize_short_answer("STRASSE") == normalize_short_answer("straße")
    assert normalize_short_answer("") == ""


def test_choices_without_equals_are_multiple_response_even_with_one_right() -> None:
    (q,) = parse_gift("Pilih {~%100%benar ~salah ~%-50%parah}")
    assert q.type == "multiresponse"
    assert [a.fraction for a in q.answers] == [1.0, 0.0, -0.5]


def test_multiple_response_thirds() -> None:
    (q,) = parse_gift("Pilih tiga {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert q.type == "multiresponse"
    assert [a.fraction for a in q.answers] == [0.3333333, 0.3333333, 0.3333333, -1.0]


def test_multiple_response_within_one_point_of_100() -> None:
    (q,) = parse_gift("Pilih {~%50.5%a ~%50.4%b ~c}")
    assert q.type == "multiresponse"


def test_equals_with_weight_in_multiple_choice() -> None:
    (q,) = parse_gift("Pilih {=a =%50%b ~c}")
    assert (q.type, [a.fraction for a in q.answers]) == ("multichoice", [1.0, 0.5, 0.0])


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("{#3.14:0.01}", [(3.13, 3.15, 1.0, "")]),
        ("{#1..5}", [(1.0, 5.0, 1.0, "")]),
        ("{#-5..-1}", [(-5.0, -1.0, 1.0, "")]),
        ("{#-3.5}", [(-3.5, -3.5, 1.0, "")]),
        ("{#1e3:1}", [(999.0, 1001.0, 1.0, "")]),
        ("{#.5:.25}", [(0.25, 0.75, 1.0, "")]),
        ("{# =1822:0 =%50%1822:2}", [(1822.0, 1822.0, 1.0, ""), (1820.0, 1824.0, 0.5, "")]),
        ("{#=0.1:0.2#dekat =%-50%9#jauh}", [(-0.1, 0.3, 1.0, "dekat"), (9.0, 9.0, -0.5, "jauh")]),
    ],
)
def test_numerical_forms(block: str, expected: list[tuple[float, float, float, str]]) -> None:
    (q,) = parse_gift(f"Angka {block}")
    assert q.type == "numerical"
    assert ranges(q) == expected


def test_matching_extra_choice_with_empty_left() -> None:
    (q,) = parse_gift("Pasangkan {=a -> 1 =b -> 2 = -> 3}")
    assert q.pairs == [Pair("a", "1"), Pair("b", "2"), Pair("", "3")]


# --- to_dict ---------------------------------------------------------------------------------


def test_to_dict_shapes() -> None:
    text = (
        "Pilih {=a#ya ~b}\n\nPilih {~%50%a ~%50%b}\n\nBenar {T#x#y}\n\nIsi {=a}\n\n"
        "Angka {#3.14:0.01}\n\nPasang {=a -> 1 =b -> 2}\n\n$CATEGORY: K\n\n[html]Kota {=x} ini."
    )
    mc, mr, tf, sa, num, match, missing = (q.to_dict() for q in parse_gift(text, "k.gift"))
    common = ["type", "name", "text", "line", "format", "category", "general_feedback"]
    assert list(mc) == [*common, "answers"]
    assert mc["answers"] == [
        {"text": "a", "fraction": 1.0, "feedback": "ya"},
        {"text": "b", "fraction": 0.0, "feedback": ""},
    ]
    assert mr["type"] == "multiresponse"
    assert list(mr) == [*common, "answers"]
    assert list(tf) == [*common, "answer", "feedback_true", "feedback_false"]
    assert (tf["answer"], tf["feedback_true"], tf["feedback_false"]) == (True, "y", "x")
    assert sa["answers"] == [{"text": "a", "fraction": 1.0, "feedback": ""}]
    assert num["answers"] == [{"min": 3.13, "max": 3.15, "fraction": 1.0, "feedback": ""}]
    assert match["pairs"] == [{"left": "a", "right": "1"}, {"left": "b", "right": "2"}]
    assert list(match) == [*common, "pairs"]
    assert list(missing) == [*common, "answers", "text_before", "text_after"]
    assert (missing["format"], missing["category"], missing["line"]) == ("html", "K", 15)
    assert json.loads(json.dumps(missing)) == missing


def test_dataclass_api() -> None:
    q = Question(type="numerical", name="n", text="t", line=1)
    assert (q.format, q.category, q.answers, q.pairs, q.answer) == ("moodle", None, [], [], None)
    assert Answer("a", 1.0).feedback == ""
    assert NumericAnswer(1.0, 2.0, 1.0).feedback == ""


# --- Errors ------------------------------------------------------------------------------------


def test_gift_error_format_and_pickling() -> None:
    error = GiftError("quiz.gift", 12, "kurung kurawal '{' tidak ditutup")
    assert isinstance(error, ValueError)
    assert str(error) == "quiz.gift:12: kurung kurawal '{' tidak ditutup"
    assert (error.filename, error.line, error.message) == (
        "quiz.gift",
        12,
        "kurung kurawal '{' tidak ditutup",
    )
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert (str(copy), copy.line) == (str(error), 12)


def test_default_filename() -> None:
    with pytest.raises(GiftError, match=r"^<gift>:1: "):
        parse_gift("Esai {}")


def test_unclosed_brace_reports_its_line() -> None:
    text = "Q1 {T}\n\n// komentar\nQ2 panjang\nsekali {\n~a\n=b\n\nQ3 {T}"
    error = parse_error(text)
    assert str(error) == "quiz.gift:5: kurung kurawal '{' tidak ditutup"


def test_closing_brace_without_opening() -> None:
    error = parse_error("Q1 {T}\n\nQ2 ada } di sini {T}")
    assert str(error) == "quiz.gift:3: kurung kurawal '}' tanpa '{' pembuka"
    assert parse_error("Q {T} lalu }").message == "kurung kurawal '}' tanpa '{' pembuka"


def test_brace_opened_twice() -> None:
    error = parse_error("Q {\n=a\nQ2 {T}")
    assert error.line == 1
    assert error.message == "kurung kurawal '{' tidak ditutup sebelum '{' di baris 3"


def test_two_questions_without_a_blank_line() -> None:
    error = parse_error("Q1 {T}\nQ2 {F}")
    assert error.line == 2
    assert "lebih dari satu blok jawaban" in error.message
    assert "baris kosong" in error.message


def test_essay_line_is_the_question_line() -> None:
    text = "Q1 {T}\n\n// esai\n::Esai::\nCeritakan pengalaman Anda.\n{\n####umpan balik\n}"
    error = parse_error(text)
    assert str(error) == (
        "quiz.gift:4: soal esai ({}) tidak didukung karena tidak bisa dinilai otomatis"
    )


def test_description_keeps_its_line_and_name() -> None:
    _, note = read_gift("Q1 {T}\n\n\n::Petunjuk::\nGunakan kalkulator.")
    assert (note.type, note.line, note.name, note.text) == (
        "description",
        4,
        "Petunjuk",
        "Gunakan kalkulator.",
    )


def test_multiple_choice_without_correct_answer() -> None:
    text = "Q1 {T}\n\n\n\n\n\n// tanpa jawaban benar\nPilih {\n~a\n~b\n}"
    assert str(parse_error(text)) == "quiz.gift:8: pilihan ganda tidak memiliki jawaban benar (=)"
    no_credit = parse_error("Pilih {~%-50%a ~b}")
    assert no_credit.message == "pilihan ganda tidak memiliki jawaban benar (=)"
    half_equals = parse_error("Pilih {=%50%a ~b}")
    assert half_equals.message == "pilihan ganda tidak memiliki jawaban benar (=)"


def test_multiple_choice_needs_two_choices() -> None:
    error = parse_error("Pilih {~%100%a}")
    assert error.message == "pilihan ganda memerlukan minimal dua pilihan jawaban"


@pytest.mark.parametrize(
    ("answer", "detail"),
    [
        ("~%150%x", "%150% (harus antara -100% dan 100%)"),
        ("~%-101%x", "%-101% (harus antara -100% dan 100%)"),
    ],
)
def test_invalid_weight_reports_the_answer_line(answer: str, detail: str) -> None:
    error = parse_error(f"Pilih {{\n=a\n{answer}\n}}")
    assert error.line == 3
    assert error.message.startswith("bobot persentase tidak valid")
    assert detail in error.message


def test_multiple_response_weights_must_add_up_to_100() -> None:
    error = parse_error("Pilih {~%50%a ~%30%b ~%-100%c}")
    assert (
        error.message == "jumlah bobot positif soal pilihan jawaban ganda harus 100%, sekarang 80%"
    )
    over = parse_error("Pilih {~%60%a ~%50%b}")
    assert over.message.endswith("sekarang 110%")


def test_empty_choices_are_dropped_as_moodle_drops_them() -> None:
    (q,) = parse_gift("Pilih {\n=a\n~\n~#umpan\n~b\n}")
    assert choices(q) == [("a", 1.0, ""), ("b", 0.0, "")]
    error = parse_error("Pilih {\n=a\n~\n}")
    assert (error.line, error.message) == (
        1,
        "pilihan ganda memerlukan minimal dua pilihan jawaban",
    )


def test_text_before_first_choice() -> None:
    error = parse_error("Pilih {\nlupa tanda\n~a =b}")
    assert error.line == 2
    assert "'lupa tanda'" in error.message
    assert "'=' (benar) atau '~' (salah)" in error.message


def test_matching_needs_two_pairs() -> None:
    error = parse_error("Q1 {T}\n\nPasangkan {=a -> 1}")
    assert str(error) == "quiz.gift:3: soal menjodohkan memerlukan minimal dua pasangan"
    only_extra = parse_error("Pasangkan {=a -> 1 = -> 2}")
    assert only_extra.message == "soal menjodohkan memerlukan minimal dua pasangan"


def test_matching_reads_hash_and_percent_as_text_as_moodle_does() -> None:
    (q,) = parse_gift("Pasangkan {\n=Paris -> France#Bonne réponse\n=%50%a -> 1\n}")
    assert q.pairs == [Pair("Paris", "France#Bonne réponse"), Pair("%50%a", "1")]


def test_matching_pair_errors() -> None:
    no_arrow = parse_error("Pasangkan {\n=a -> 1\n=b\n}")
    assert (no_arrow.line, no_arrow.message) == (3, "pasangan 'b' tidak memiliki '->'")
    no_right = parse_error("Pasangkan {=a -> 1 =b ->}")
    assert no_right.message == "pasangan 'b ->' tidak punya jawaban setelah '->'"
    lead = parse_error("Pasangkan {a -> 1 =b -> 2 =c -> 3}")
    assert "setiap pasangan harus diawali '='" in lead.message


def test_short_answer_needs_a_positive_answer() -> None:
    error = parse_error("Isi {=%0%a =%-50%b}")
    assert error.message == "jawaban singkat tidak memiliki jawaban dengan nilai positif"
    (q,) = parse_gift("Isi {=a =#kosong}")  # Moodle drops the empty answer
    assert choices(q) == [("a", 1.0, "")]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("=abc", "jawaban numerik bukan angka: 'abc'"),
        (
            "=3,14",
            "jawaban numerik bukan angka: '3,14' "
            "(gunakan titik sebagai pemisah desimal, misalnya 3.14)",
        ),
        ("=3.14:x", "toleransi numerik bukan angka: 'x'"),
        ("=3.14:-1", "toleransi numerik tidak boleh negatif: -1"),
        ("=5..1", "rentang numerik tidak valid: batas bawah 5 lebih besar dari batas atas 1"),
        ("=1..x", "batas atas rentang bukan angka: 'x'"),
        ("=inf", "jawaban numerik bukan angka: 'inf'"),
        ("=1e999", "jawaban numerik terlalu besar: '1e999'"),
        ("=%50%", "jawaban numerik kosong"),
        ("=%200%4", "bobot persentase tidak valid: %200% (harus antara -100% dan 100%)"),
    ],
)
def test_numerical_errors_report_the_answer_line(answer: str, message: str) -> None:
    error = parse_error(f"Q1 {{T}}\n\nAngka? {{#\n=4\n{answer}\n}}")
    assert (error.line, error.message) == (5, message)


def test_numerical_other_errors() -> None:
    assert parse_error("Angka {#}").message == "soal numerik tidak memiliki jawaban"
    no_credit = parse_error("Angka {#=%0%4}")
    assert no_credit.message == "soal numerik tidak memiliki jawaban dengan nilai positif"
    only_other = parse_error("Angka {#~#Salah}")
    assert only_other.message == "soal numerik tidak memiliki jawaban"


def test_unclosed_name_is_dropped_as_moodle_does() -> None:
    _, q = parse_gift("Q {T}\n\n::Nama tanpa penutup\nTeks {T}")
    assert (q.name, q.text, q.line) == ("Nama tanpa penutup Teks", "Nama tanpa penutup\nTeks", 3)


def test_question_written_in_its_name_has_empty_text_as_in_moodle() -> None:
    # Moodle imports "::Name::{T}" with an empty question text; so does Sinau.
    (q,) = parse_gift("::Nama::{T}")
    assert (q.name, q.text, q.type, q.answer) == ("Nama", "", "truefalse", True)


def test_empty_category() -> None:
    error = parse_error("Q {T}\n\n$CATEGORY:   \n\nQ {F}")
    assert str(error) == "quiz.gift:3: nama kategori kosong setelah '$CATEGORY:'"


def test_format_of_answer_differing_from_question_is_dropped() -> None:
    (q,) = parse_gift("[html]Pilih {\n=<b>a</b>#[plain]ya\n~[markdown]*b*\n####[moodle]umum}")
    assert (q.format, q.general_feedback) == ("html", "umum")
    assert choices(q) == [("<b>a</b>", 1.0, "ya"), ("*b*", 0.0, "")]


def test_reserved_private_use_characters_are_rejected() -> None:
    error = parse_error("Q {T}\n\nTeks \U0010fff0 {T}")
    assert (error.line, error.message) == (3, "karakter U+10FFF0 tidak boleh dipakai")


def test_file_errors(tmp_path: Path) -> None:
    utf16 = tmp_path / "utf16.gift"
    utf16.write_bytes("Q {T}".encode("utf-16"))
    with pytest.raises(GiftError, match="UTF-16") as caught:
        parse_gift_file(utf16)
    assert (caught.value.filename, caught.value.line) == (str(utf16), 1)

    latin1 = tmp_path / "latin1.gift"
    latin1.write_bytes("Q {T}\n\nKöln? {T}".encode("latin-1"))
    with pytest.raises(GiftError) as caught:
        parse_gift_file(latin1)
    assert str(caught.value) == (
        f"{latin1}:3: berkas bukan teks UTF-8 yang valid; simpan ulang sebagai UTF-8"
    )


def test_error_stops_at_the_first_problem() -> None:
    error = parse_error("Q1 {}\n\nQ2 {~a ~b}")
    assert error.line == 1


# --- Grading ---------------------------------------------------------------------------------

BAD_INDICES = [None, -1, 4, 99, True, "3", 3.0, [3]]


def one(text: str) -> Question:
    (q,) = parse_gift(text)
    return q


def test_grade_multichoice_partial_and_negative_credit(docs: list[Question]) -> None:
    hometown = docs[25]  # Jerusalem 0, Bethlehem 25%, Galilee 50%, Nazareth 100%
    assert [grade_multichoice(hometown, i) for i in range(4)] == [0.0, 0.25, 0.5, 1.0]
    negative = one("Pilih {=benar ~%-50%salah sekali ~salah}")
    assert grade_multichoice(negative, 1) == 0.0
    assert grade_multichoice(negative, 0) == 1.0


@pytest.mark.parametrize("index", BAD_INDICES)
def test_grade_multichoice_bad_input(docs: list[Question], index: object) -> None:
    assert grade_multichoice(docs[25], index) == 0.0  # type: ignore[arg-type]


def test_grade_multichoice_wrong_question() -> None:
    assert grade_multichoice(one("Benar? {T}"), 0) == 0.0
    assert grade_multichoice(None, 0) == 0.0  # type: ignore[arg-type]


def test_grade_multiresponse(docs: list[Question]) -> None:
    grant = docs[4]  # No one -100%, Grant 50%, Grant's wife 50%, Grant's father -100%
    assert grade_multiresponse(grant, [1, 2]) == 1.0
    assert grade_multiresponse(grant, {2}) == 0.5
    assert grade_multiresponse(grant, (1, 1)) == 0.5  # a repeated index counts once
    assert grade_multiresponse(grant, [0, 1, 2]) == 0.0
    assert grade_multiresponse(grant, [0]) == 0.0  # negative total floored at 0
    assert grade_multiresponse(grant, [0, 1, 2, 3]) == 0.0
    assert grade_multiresponse(grant, []) == 0.0
    gentle = docs[29]  # -50%, 50%, 50%, -50%
    assert grade_multiresponse(gentle, [0, 1, 2]) == 0.5


def test_grade_multiresponse_is_capped_at_one() -> None:
    q = one("Pilih {~%50.5%a ~%50.4%b ~c}")
    assert grade_multiresponse(q, [0, 1]) == 1.0
    thirds = one("Pilih {~%33.33333%a ~%33.33333%b ~%33.33333%c}")
    assert grade_multiresponse(thirds, [0, 1, 2]) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("chosen", [None, "12", 1, [1, 99], [1, -1], [1, True], [1, "2"], {1: 2}])
def test_grade_multiresponse_bad_input(docs: list[Question], chosen: object) -> None:
    assert grade_multiresponse(docs[4], chosen) == 0.0


def test_grade_multiresponse_wrong_question(docs: list[Question]) -> None:
    assert grade_multiresponse(docs[25], [3]) == 0.0


def test_grade_truefalse(docs: list[Question]) -> None:
    grant, sun = docs[5], docs[6]
    assert (grade_truefalse(grant, True), grade_truefalse(grant, False)) == (1.0, 0.0)
    assert (grade_truefalse(sun, False), grade_truefalse(sun, True)) == (1.0, 0.0)
    for bad in (None, "true", 1, 0):
        assert grade_truefalse(grant, bad) == 0.0  # type: ignore[arg-type]
    assert grade_truefalse(docs[25], True) == 0.0


def test_grade_shortanswer(docs: list[Question]) -> None:
    hometown = docs[26]  # Nazareth 100%, Nazereth 75%, Bethlehem 25%
    assert grade_shortanswer(hometown, "nazareth") == 1.0
    assert grade_shortanswer(hometown, "  NAZERETH ") == 0.75
    assert grade_shortanswer(hometown, "Bethlehem") == 0.25
    assert grade_shortanswer(hometown, "Roma") == 0.0
    grant = docs[7]
    assert grade_shortanswer(grant, "ulysses   s.\tgrant") == 1.0
    assert grade_shortanswer(grant, "Ulysses S Grant") == 0.0


def test_grade_shortanswer_best_match_and_negative_credit() -> None:
    q = one("Isi {=%50%dua =%-50%tiga =2 =%25%DUA}")
    assert grade_shortanswer(q, "dua") == 0.5
    assert grade_shortanswer(q, "tiga") == 0.0
    assert grade_shortanswer(q, "2") == 1.0


@pytest.mark.parametrize("text", [None, "", "   ", 42, ["Nazareth"]])
def test_grade_shortanswer_bad_input(docs: list[Question], text: object) -> None:
    assert grade_shortanswer(docs[26], text) == 0.0  # type: ignore[arg-type]


def test_grade_numerical(docs: list[Question]) -> None:
    born = docs[16]  # 1822 exactly for 100%, 1820..1824 for 50%
    assert grade_numerical(born, "1822") == 1.0
    assert grade_numerical(born, " 1822,0 ") == 1.0
    assert grade_numerical(born, "1821") == 0.5
    assert grade_numerical(born, "1824") == 0.5
    assert grade_numerical(born, "1825") == 0.0
    assert grade_numerical(born, 1822) == 1.0
    pi = docs[14]  # 3.14159 plus or minus 0.0005
    # The documentation: "3.141 is not counted as correct and 3.142 is considered in the range".
    assert grade_numerical(pi, "3.141") == 0.0
    assert grade_numerical(pi, "3.142") == 1.0
    assert grade_numerical(pi, "3,142") == 1.0
    assert grade_numerical(pi, 3.1416) == 1.0


def test_grade_numerical_tolerance_bounds_are_exact() -> None:
    q = one("Pi? {#3.14:0.01}")
    assert [grade_numerical(q, v) for v in ("3,13", "3.15", "3.1299", "3.1501")] == [
        1.0,
        1.0,
        0.0,
        0.0,
    ]


def test_grade_numerical_negative_values_and_credit() -> None:
    q = one("Suhu? {#=-5..-1 =%-50%0}")
    assert grade_numerical(q, "\u22123") == 1.0  # typographic minus sign
    assert grade_numerical(q, "-1,5") == 1.0
    assert grade_numerical(q, "0") == 0.0


@pytest.mark.parametrize(
    "value", [None, "", "abc", "3,1,4", "1.822,5", "nan", "inf", "1e999", True, float("nan"), []]
)
def test_grade_numerical_bad_input(docs: list[Question], value: object) -> None:
    assert grade_numerical(docs[16], value) == 0.0  # type: ignore[arg-type]


def test_grade_numerical_wrong_question(docs: list[Question]) -> None:
    assert grade_numerical(docs[25], "1") == 0.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3,14", 3.14),
        ("3.14", 3.14),
        ("-0,5", -0.5),
        ("+2", 2.0),
        ("1e3", 1000.0),
        (".5", 0.5),
        (7, 7.0),
        ("1.234,5", None),
        ("1,234,5", None),
        ("3 14", None),
        (None, None),
        (False, None),
    ],
)
def test_parse_number(value: object, expected: float | None) -> None:
    assert parse_number(value) == expected


def test_grade_matching(docs: list[Question]) -> None:
    capitals = docs[9]  # Canada, Italy, Japan, India
    right = {0: "Ottawa", 1: "Rome", 2: "Tokyo", 3: "New Delhi"}
    assert grade_matching(capitals, right) == 1.0
    assert grade_matching(capitals, {**right, 2: "New Delhi", 3: "Tokyo"}) == 0.5
    assert grade_matching(capitals, {0: "Ottawa"}) == 0.25
    assert grade_matching(capitals, {0: " Ottawa ", 9: "Rome", 1: 5}) == 0.25
    assert grade_matching(capitals, {}) == 0.0


def test_grade_matching_ignores_extra_choices() -> None:
    q = one("Pasangkan {=a -> 1 =b -> 2 = -> 3}")
    assert grade_matching(q, {0: "1", 1: "2"}) == 1.0
    assert grade_matching(q, {0: "3", 1: "2", 2: "3"}) == 0.5


@pytest.mark.parametrize("mapping", [None, [], "Ottawa", [(0, "Ottawa")]])
def test_grade_matching_bad_input(docs: list[Question], mapping: object) -> None:
    assert grade_matching(docs[9], mapping) == 0.0  # type: ignore[arg-type]
    assert grade_matching(docs[4], {0: "Ottawa"}) == 0.0
