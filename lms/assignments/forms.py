"""Forms of course assignments."""

from __future__ import annotations

from wtforms import BooleanField, DateField, RadioField, SelectField, SubmitField
from wtforms.validators import ValidationError

from lms.assignments import services
from lms.forms import BaseForm, optional, options, required
from lms.i18n import lazy_gettext as _l
from lms.i18n import wib_today


class AssignmentForm(BaseForm):
    """Assign a course to everyone, a unit, or a position type, with a deadline."""

    course_id = SelectField(_l("Kursus"), coerce=int, validators=[required()])
    scope = RadioField(
        _l("Ditugaskan kepada"),
        choices=options(
            [
                ("all", _l("Semua pegawai")),
                ("unit", _l("Unit kerja tertentu")),
                ("position_type", _l("Jenis jabatan tertentu")),
            ]
        ),
        default="unit",
        validators=[required()],
    )
    unit_id = SelectField(_l("Unit kerja"), coerce=int, validators=[optional()])
    include_subunits = BooleanField(_l("Termasuk seluruh sub-unit di bawahnya"), default=True)
    position_type = SelectField(_l("Jenis jabatan"), validators=[optional()])
    deadline = DateField(
        _l("Tenggat (tanggal terakhir, WIB)"),
        validators=[required()],
        render_kw={"type": "date"},
    )
    check = SubmitField(_l("Hitung pegawai yang tercakup"))
    submit = SubmitField(_l("Simpan penugasan"))

    def validate_unit_id(self, field) -> None:
        if self.scope.data == "unit" and not field.data:
            raise ValidationError(_l("Pilih unit kerja yang ditugaskan."))

    def validate_position_type(self, field) -> None:
        if self.scope.data == "position_type" and not field.data:
            raise ValidationError(_l("Pilih jenis jabatan yang ditugaskan."))

    def validate_deadline(self, field) -> None:
        if field.data and field.data < wib_today():
            raise ValidationError(_l("Tenggat tidak boleh sebelum hari ini."))
        if self.check.data or not field.data or not self.course_id.data:
            return  # "Hitung" shows the duplicate in its own words (assignments/form.html)
        same = [a for a in self.same_target() if a.deadline == field.data]
        if same:
            raise ValidationError(services.duplicate_message(same[0]))

    def same_target(self) -> list:
        """Live assignments of the chosen course to the people these settings cover."""
        return services.same_target(
            self.course_id.data,
            self.scope.data,
            self.unit_id.data or None,
            self.include_subunits.data,
            self.position_type.data or None,
        )


class CancelForm(BaseForm):
    """Cancel an assignment (CSRF only)."""

    submit = SubmitField(_l("Batalkan penugasan"))
