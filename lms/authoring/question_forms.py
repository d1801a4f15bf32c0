"""One question of a quiz bank as a form: what a trainer fills in, checked field by field, and the
:class:`~lms.quiz.gift.Question` it stands for.

Every type shares one row layout for its answers (text, correct, weight %, tolerance, pair,
feedback); the page shows the parts a type uses and carries the others along hidden, so changing
the type loses nothing. A question from the bank can be edited here only if the form gives it
back exactly (:func:`representable`); anything else stays GIFT text.
"""

from __future__ import annotations

from decimal import Decimal

from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from lms.authoring.question_rules import CHECKS, clean, percent, shown, typed_number
from lms.forms import BaseForm, max_length, options, required, single_line
from lms.i18n import lazy_gettext as _l
from lms.quiz.gift import BLANK, Answer, NumericAnswer, Pair, Question
from lms.quiz.gift_reader import default_name

TYPE_CHOICES = [
    ("multichoice", _l("Pilihan ganda")),
    ("multiresponse", _l("Pilihan jamak")),
    ("truefalse", _l("Benar/salah")),
    ("shortanswer", _l("Isian singkat")),
    ("numerical", _l("Numerik")),
    ("matching", _l("Menjodohkan")),
    ("essay", _l("Esai")),
]
#: Names of every kind of item a bank holds, for the list of questions.
KIND_NAMES = {
    **dict(TYPE_CHOICES),
    "description": _l("Teks bacaan"),
    "broken": _l("Tidak terbaca"),
}
#: Which parts of an answer row each type uses (the page shows these, hides the rest).
ROW_PARTS = {
    "multichoice": ("text", "correct", "weight", "feedback"),
    "multiresponse": ("text", "correct", "weight", "feedback"),
    "shortanswer": ("text", "correct", "weight", "feedback"),
    "numerical": ("text", "tolerance", "correct", "weight", "feedback"),
    "matching": ("text", "match"),
    "truefalse": (),
    "essay": (),
}
ROWS = 6  # blank rows offered; more appear after saving a full form
MAX_ROWS = 60


class AnswerRow(Form):
    """One answer (or matching pair); the labels the page shows depend on the type."""

    text = StringField(_l("Jawaban"), validators=[max_length(1000), single_line])
    correct = BooleanField(_l("Benar"))
    weight = StringField(_l("Bobot (%)"), validators=[max_length(20), single_line])
    tolerance = StringField(_l("Toleransi (±)"), validators=[max_length(40), single_line])
    match = StringField(_l("Pasangan"), validators=[max_length(1000), single_line])
    feedback = StringField(_l("Umpan balik"), validators=[max_length(2000), single_line])

    def filled(self) -> bool:
        return bool(clean(self.text.data) or clean(self.match.data))


class QuestionForm(BaseForm):
    """A question of any type a learner answers, or an essay."""

    title = StringField(_l("Judul soal (boleh kosong)"), validators=[max_length(255), single_line])
    text = TextAreaField(_l("Teks soal"), validators=[required(), max_length(20_000)])
    type = SelectField(_l("Jenis soal"), choices=options(TYPE_CHOICES), default="multichoice")
    change = SubmitField(_l("Ganti jenis"))
    answers = FieldList(FormField(AnswerRow), min_entries=ROWS, max_entries=MAX_ROWS)
    truth = RadioField(
        _l("Pernyataan ini"),
        choices=options([("true", _l("Benar")), ("false", _l("Salah"))]),
        validate_choice=False,
    )
    feedback_true = StringField(
        _l("Umpan balik bila peserta menjawab Benar"), validators=[max_length(2000)]
    )
    feedback_false = StringField(
        _l("Umpan balik bila peserta menjawab Salah"), validators=[max_length(2000)]
    )
    general_feedback = TextAreaField(
        _l("Umpan balik umum (ditampilkan setelah menjawab)"), validators=[max_length(20_000)]
    )
    #: Fingerprint of the item the form was opened on (an edit is refused if it changed since).
    origin = HiddenField()
    save = SubmitField(_l("Simpan soal"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        #: Errors about the answers as a whole (how many are right, the weights' sum).
        self.answer_errors: list[str] = []

    # -- checking -----------------------------------------------------------------------------

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.answer_errors = []
        kind = self.type.data
        text = clean(self.text.data)
        if text.count(BLANK) > 1:
            self.text.errors.append(_l("Pakai tanda _____ paling banyak satu kali."))
        elif BLANK in text and not text.split(BLANK, 1)[1].strip():
            self.text.errors.append(
                _l("Tanda _____ (isian rumpang) harus diikuti teks; tulis sisa kalimatnya.")
            )
        if kind in CHECKS:
            CHECKS[kind](self)
        fields_bad = any(f.errors for name, f in self._fields.items() if name != "answers")
        rows_bad = any(entry.form.errors for entry in self.answers)
        return valid and not self.answer_errors and not fields_bad and not rows_bad

    def rows(self) -> list[AnswerRow]:
        return [entry.form for entry in self.answers if entry.form.filled()]

    def problems(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) of every error, for the summary at the top."""
        found = []
        for name in ("title", "text", "type", "truth", "feedback_true", "feedback_false"):
            field = self[name]
            found += [(field.id, str(field.label.text), str(e)) for e in field.errors]
        found += [("jawaban", str(_l("Jawaban")), str(e)) for e in self.answer_errors]
        for n, entry in enumerate(self.answers, start=1):
            for field in entry.form:
                label = f"{_l('Jawaban')} {n} · {field.label.text}"
                found += [(field.id, label, str(e)) for e in field.errors]
        return found

    # -- to and from a question ---------------------------------------------------------------

    def fill(self, q: Question) -> None:
        """Show ``q`` (nothing is posted)."""
        self.type.data = q.type
        self.title.data = "" if q.name == default_name(q.text, q.format) else q.name
        self.text.data = q.text
        self.general_feedback.data = q.general_feedback
        rows: list[dict] = []
        if q.type == "truefalse":
            self.truth.data = "true" if q.answer else "false"
            self.feedback_true.data = q.feedback_true
            self.feedback_false.data = q.feedback_false
        elif q.type == "matching":
            rows = [{"text": p.left, "match": p.right} for p in q.pairs]
        elif q.type == "numerical":
            rows = [_numeric_row(a) for a in q.answers if isinstance(a, NumericAnswer)]
        else:
            rows = [_choice_row(q.type, a) for a in q.answers if isinstance(a, Answer)]
        while len(self.answers.entries):
            self.answers.pop_entry()
        for row in rows:
            self.answers.append_entry(row)
        for _ in range(max(ROWS - len(rows), 2)):
            self.answers.append_entry()

    def question(self, fmt: str = "moodle") -> Question:
        """The question the (valid) form stands for, in the question's own text format."""
        kind = self.type.data
        text = clean(self.text.data)
        q = Question(
            type=kind,
            name=clean(self.title.data) or default_name(text, fmt),
            text=text,
            line=1,
            format=fmt,
            general_feedback=clean(self.general_feedback.data),
        )
        if BLANK in text:
            before, _, after = text.partition(BLANK)
            q.text_before, q.text_after = before.rstrip(), after.lstrip()
        rows = self.rows()
        if kind == "truefalse":
            q.answer = self.truth.data == "true"
            q.feedback_true = clean(self.feedback_true.data)
            q.feedback_false = clean(self.feedback_false.data)
        elif kind == "matching":
            q.pairs = [Pair(clean(r.text.data), clean(r.match.data)) for r in rows]
        elif kind == "numerical":
            q.answers = [_numeric_answer(r) for r in rows]
        elif kind == "multiresponse":
            q.answers = _weighted_answers(rows)
        elif kind != "essay":
            q.answers = [
                Answer(clean(r.text.data), _fraction(r), clean(r.feedback.data)) for r in rows
            ]
        return q


def _fraction(r: AnswerRow) -> float:
    """A ticked answer's credit is 1; another's its weight (as the GIFT reader computes it)."""
    return 1.0 if r.correct.data else float((percent(r.weight.data) or Decimal(0)) / 100)


def _fraction_text(fraction: float) -> str:
    return shown(Decimal(repr(fraction)) * 100)


def _choice_row(kind: str, a: Answer) -> dict:
    if kind == "multiresponse":
        correct, weight = a.fraction > 0, a.fraction != 0
    else:
        correct, weight = a.fraction == 1, a.fraction not in (0, 1)
    return {
        "text": a.text,
        "correct": correct,
        "weight": _fraction_text(a.fraction) if weight else "",
        "feedback": a.feedback,
    }


def _numeric_row(a: NumericAnswer) -> dict:
    row = {"correct": a.fraction == 1, "feedback": a.feedback}
    row["weight"] = _fraction_text(a.fraction) if a.fraction not in (0, 1) else ""
    if a.min is None or a.max is None:
        return {**row, "text": "*"}
    low, high = Decimal(repr(a.min)), Decimal(repr(a.max))
    tolerance = (high - low) / 2
    row["text"] = shown((low + high) / 2)
    row["tolerance"] = shown(tolerance) if tolerance else ""
    return row


def _numeric_answer(r: AnswerRow) -> NumericAnswer:
    fraction, feedback = _fraction(r), clean(r.feedback.data)
    if clean(r.text.data) == "*":
        return NumericAnswer(None, None, fraction, feedback)
    value = typed_number(r.text.data) or Decimal(0)
    tolerance = typed_number(r.tolerance.data) or Decimal(0)
    return NumericAnswer(float(value - tolerance), float(value + tolerance), fraction, feedback)


def _weighted_answers(rows: list[AnswerRow]) -> list[Answer]:
    """Multiple response: correct answers without weights share 100 % equally."""
    correct = [r for r in rows if r.correct.data]
    share = (Decimal(100) / len(correct)).quantize(Decimal("0.00001")) if correct else Decimal(0)
    answers = []
    for r in rows:
        weight = percent(r.weight.data)
        if weight is None:
            weight = share if r.correct.data else Decimal(0)
        answers.append(Answer(clean(r.text.data), float(weight / 100), clean(r.feedback.data)))
    return answers


def representable(q: Question) -> bool:
    """Whether the form shows ``q`` and gives it back unchanged (else: edit it as GIFT text)."""
    if q.type not in ROW_PARTS:
        return False
    form = QuestionForm(formdata=None, meta={"csrf": False})
    form.fill(q)
    return form.validate() and same(form.question(q.format), q)


def same(a: Question, b: Question) -> bool:
    """Same question, wherever it stands in the file and whatever its category."""
    skip = ("line", "category")
    return {k: v for k, v in a.to_dict().items() if k not in skip} == {
        k: v for k, v in b.to_dict().items() if k not in skip
    }
