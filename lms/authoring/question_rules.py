"""The rules each question type must follow in the form (:mod:`lms.authoring.question_forms`),
each reported at the field it concerns, and the reading of the numbers typed there.

They mirror what the GIFT reader accepts (:mod:`lms.quiz.gift_reader`), told in the words of the
form rather than of the file, and a little stricter where the form can be: a single-choice
question has exactly one correct answer.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from lms.i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from lms.authoring.question_forms import AnswerRow, QuestionForm

# -- what was typed ---------------------------------------------------------------------------


def clean(value: str | None) -> str:
    """What was typed, trimmed, with the browser's line breaks made plain."""
    return (value or "").replace("\r\n", "\n").strip()


def typed_number(value: str | None) -> Decimal | None:
    """A number typed with a decimal point or comma; None if empty; raise ValueError if bad."""
    text = clean(value).replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def percent(value: str | None) -> Decimal | None:
    """A weight typed as 50, 33,33333 or 50 %."""
    return typed_number(clean(value).removesuffix("%"))


def shown(value: Decimal) -> str:
    """A number as the form shows it: no exponent, no trailing zeros."""
    return format(value.normalize(), "f")


# -- the rules of each type, reported at the field ----------------------------------------------


def _weights(form: QuestionForm, low: int, high: int) -> dict[int, Decimal | None]:
    """Each filled row's weight (None when empty); a bad one gets its error."""
    found: dict[int, Decimal | None] = {}
    for i, r in enumerate(form.rows()):
        try:
            weight = percent(r.weight.data)
        except ValueError:
            r.weight.errors.append(_l("Isi bobot berupa angka, misalnya 50 atau 33,33333."))
            continue
        if weight is not None and not low <= weight <= high:
            r.weight.errors.append(
                _l("Bobot harus antara %(low)d dan %(high)d.", low=low, high=high)
            )
            continue
        found[i] = weight
    return found


def _texts(form: QuestionForm, at_least: int, message) -> list[AnswerRow]:
    for entry in form.answers:
        r = entry.form
        if not r.filled() and (clean(r.feedback.data) or clean(r.weight.data)):
            r.text.errors.append(_l("Isi teks jawabannya, atau kosongkan baris ini."))
    rows = form.rows()
    if len(rows) < at_least:
        form.answer_errors.append(message)
    return rows


def _correct_is_whole(form: QuestionForm, weights: dict[int, Decimal | None]) -> None:
    """Single choice, short answer, numerical: a correct answer is worth 100 %; others less."""
    for i, r in enumerate(form.rows()):
        weight = weights.get(i)
        if r.correct.data and weight not in (None, Decimal(100)):
            r.weight.errors.append(_l("Jawaban benar bernilai 100 %; kosongkan bobotnya."))
        elif not r.correct.data and weight == Decimal(100):
            r.correct.errors.append(_l("Jawaban bernilai 100 % harus dicentang sebagai benar."))


def _check_multichoice(form: QuestionForm) -> None:
    rows = _texts(form, 2, _l("Pilihan ganda memerlukan paling sedikit dua pilihan jawaban."))
    weights = _weights(form, -100, 100)
    _correct_is_whole(form, weights)
    correct = sum(1 for r in rows if r.correct.data)
    if rows and correct != 1:
        form.answer_errors.append(
            _l("Pilihan ganda harus memiliki tepat satu jawaban benar (sekarang %(n)d).", n=correct)
        )


def _check_multiresponse(form: QuestionForm) -> None:
    rows = _texts(form, 2, _l("Pilihan jamak memerlukan paling sedikit dua pilihan jawaban."))
    weights = _weights(form, -100, 100)
    correct = [i for i, r in enumerate(rows) if r.correct.data]
    if rows and not correct:
        form.answer_errors.append(_l("Centang paling sedikit satu jawaban benar."))
    for i, r in enumerate(rows):
        weight = weights.get(i)
        if r.correct.data and weight is not None and weight <= 0:
            r.weight.errors.append(_l("Jawaban benar harus berbobot lebih dari 0 %."))
        elif not r.correct.data and weight is not None and weight > 0:
            r.weight.errors.append(
                _l("Jawaban salah tidak boleh berbobot positif; isi 0 atau angka negatif.")
            )
    given = [weights[i] for i in correct if i in weights and weights[i] is not None]
    if given and len(given) < len(correct):
        form.answer_errors.append(
            _l("Isi bobot semua jawaban benar, atau kosongkan semuanya agar dibagi rata.")
        )
    elif given and abs(sum(given) - 100) > 1:
        form.answer_errors.append(
            _l(
                "Bobot jawaban benar harus berjumlah 100 %% (sekarang %(total)s %%).",
                total=shown(sum(given)),
            )
        )


def _check_shortanswer(form: QuestionForm) -> None:
    rows = _texts(form, 1, _l("Isi paling sedikit satu jawaban yang diterima."))
    _correct_is_whole(form, _weights(form, -100, 100))
    if rows and not any(r.correct.data for r in rows):
        form.answer_errors.append(_l("Centang paling sedikit satu jawaban sebagai benar."))
    arrow = _l("Tanda -> tidak dapat dipakai di isian singkat (GIFT membacanya sebagai pasangan).")
    for r in rows:
        for field in (r.text, r.feedback):
            if "->" in (field.data or ""):
                field.errors.append(arrow)
    if "->" in (form.general_feedback.data or ""):
        form.general_feedback.errors.append(arrow)


def _check_numerical(form: QuestionForm) -> None:
    rows = _texts(form, 1, _l("Isi paling sedikit satu jawaban berupa angka."))
    _correct_is_whole(form, _weights(form, -100, 100))
    if rows and not any(r.correct.data for r in rows):
        form.answer_errors.append(_l("Centang paling sedikit satu jawaban sebagai benar."))
    for r in rows:
        wildcard = clean(r.text.data) == "*"
        if not wildcard:
            try:
                typed_number(r.text.data)
            except ValueError:
                r.text.errors.append(
                    _l("Isi angka, misalnya 3.14 atau 3,14 (atau * untuk angka apa pun).")
                )
        try:
            tolerance = typed_number(r.tolerance.data)
        except ValueError:
            r.tolerance.errors.append(_l("Isi toleransi berupa angka, misalnya 0,5."))
            continue
        if tolerance is not None and (tolerance < 0 or wildcard):
            r.tolerance.errors.append(
                _l("Toleransi tidak boleh negatif dan tidak berlaku untuk *.")
            )


def _check_matching(form: QuestionForm) -> None:
    rows = _texts(form, 0, "")
    pairs = 0
    for r in rows:
        left, right = clean(r.text.data), clean(r.match.data)
        if not right:
            r.match.errors.append(_l("Isi pasangannya, atau kosongkan baris ini."))
        elif left:
            pairs += 1
        if "->" in left:
            r.text.errors.append(_l("Tanda -> tidak dapat dipakai di butir kiri."))
    if pairs < 2:
        form.answer_errors.append(_l("Soal menjodohkan memerlukan paling sedikit dua pasangan."))


def _check_truefalse(form: QuestionForm) -> None:
    if form.truth.data not in ("true", "false"):
        form.truth.errors.append(_l("Pilih apakah pernyataan ini benar atau salah."))


CHECKS = {
    "multichoice": _check_multichoice,
    "multiresponse": _check_multiresponse,
    "shortanswer": _check_shortanswer,
    "numerical": _check_numerical,
    "matching": _check_matching,
    "truefalse": _check_truefalse,
}
