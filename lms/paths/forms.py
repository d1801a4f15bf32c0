"""The form HR requires a learning path with."""

from __future__ import annotations

from wtforms import DateField, FieldList, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import ValidationError

from lms.accounts.forms import CheckboxesField
from lms.forms import BaseForm, max_length, optional, required, single_line
from lms.i18n import lazy_gettext as _l
from lms.i18n import wib_today

#: How many steps the form offers; empty ones are skipped.
STEPS = 6


class PathForm(BaseForm):
    """A title, the position types, the courses in order (one select per step), a deadline."""

    title = StringField(
        _l("Nama jalur belajar"), validators=[required(), max_length(200), single_line]
    )
    description = TextAreaField(_l("Keterangan"), validators=[optional(), max_length(2000)])
    position_types = CheckboxesField(_l("Wajib bagi jenis jabatan"))
    steps = FieldList(SelectField(coerce=int, validate_choice=False), min_entries=STEPS)
    deadline = DateField(
        _l("Tenggat seluruh jalur (tanggal terakhir, WIB)"),
        validators=[required()],
        render_kw={"type": "date"},
    )
    submit = SubmitField(_l("Wajibkan jalur belajar"))

    def chosen(self) -> list[int]:
        """The course ids of the filled steps, in order."""
        return [entry.data for entry in self.steps if entry.data]

    def validate_position_types(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Pilih paling sedikit satu jenis jabatan."))

    def validate_steps(self, field) -> None:
        chosen = self.chosen()
        choices = self.steps.entries[0].choices or []  # none set: a form made without its view
        allowed = {choice.value for choice in choices if choice.value}
        if not chosen:
            raise ValidationError(_l("Pilih paling sedikit satu kursus."))
        if len(set(chosen)) != len(chosen):
            raise ValidationError(_l("Setiap kursus hanya boleh muncul sekali dalam satu jalur."))
        if not set(chosen) <= allowed:
            raise ValidationError(_l("Pilih kursus dari daftar."))

    def validate_deadline(self, field) -> None:
        if field.data and field.data < wib_today():
            raise ValidationError(_l("Tenggat tidak boleh sebelum hari ini."))


class CancelPathForm(BaseForm):
    """Withdraw a path (CSRF only)."""

    submit = SubmitField(_l("Batalkan jalur"))
