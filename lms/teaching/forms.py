"""Forms of teaching: assign an instructor, grade an essay, ask and answer a question."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField, SubmitField, TextAreaField
from wtforms.validators import NumberRange

from lms.forms import BaseForm, input_required, max_length, required
from lms.i18n import lazy_gettext as _l


class InstructorForm(BaseForm):
    """HR or an admin picks one person who holds the instructor role."""

    user_id = SelectField(_l("Pengajar"), coerce=int, validators=[required()])
    submit = SubmitField(_l("Tugaskan sebagai pengajar"))


class EssayGradeForm(BaseForm):
    """A score from 0 to 100 and written feedback for one essay answer."""

    score = IntegerField(
        _l("Nilai (0–100)"),
        validators=[
            input_required(),
            NumberRange(min=0, max=100, message=_l("Nilai harus antara 0 dan 100.")),
        ],
    )
    feedback = TextAreaField(_l("Umpan balik untuk peserta"), validators=[max_length(5000)])
    submit = SubmitField(_l("Simpan nilai"))


class AskForm(BaseForm):
    """A learner's question to the course's instructors, below the lesson (its own ids: the
    lesson's headings take ids from their text)."""

    body = TextAreaField(
        _l("Pertanyaan Anda"), validators=[required(), max_length(3000)], id="tanya-teks"
    )
    private = BooleanField(
        _l("Hanya untuk pengajar (tidak ditampilkan kepada peserta lain)"), id="tanya-pribadi"
    )
    submit = SubmitField(_l("Kirim pertanyaan"))


class AnswerForm(BaseForm):
    """An instructor's answer to a question."""

    body = TextAreaField(_l("Jawaban"), validators=[required(), max_length(5000)])
    submit = SubmitField(_l("Kirim jawaban"))
