"""The correction request form (the person) and the decision form (HR)."""

from __future__ import annotations

from wtforms import (
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)

from lms.corrections.services import FIELDS
from lms.forms import BaseForm, max_length, optional, options, required
from lms.i18n import lazy_gettext as _l


class CorrectionForm(BaseForm):
    """Which field is wrong, its correct value, and an optional note for HR."""

    field = SelectField(_l("Data yang keliru"), choices=options(FIELDS.items()))
    # No Optional(): it would stop the chain before validate_value, which decides by field.
    value = StringField(_l("Data yang benar"), validators=[max_length(254)])
    unit_id = SelectField(_l("Unit kerja yang benar"), coerce=int, default=0)
    note = TextAreaField(
        _l("Keterangan untuk pengelola (tidak wajib)"), validators=[optional(), max_length(2000)]
    )
    submit = SubmitField(_l("Kirim permintaan"))

    def validate_value(self, field) -> None:
        if self.field.data != "unit" and not (field.data or "").strip():
            raise ValidationError(_l("Kolom ini wajib diisi."))

    def validate_unit_id(self, field) -> None:
        if self.field.data == "unit" and not field.data:
            raise ValidationError(_l("Pilih unit kerja yang benar."))


class DecisionForm(BaseForm):
    """Accept or refuse; a refusal needs a reason, which the person receives."""

    decision = RadioField(
        _l("Keputusan"),
        choices=options([("accept", _l("Terima dan terapkan perbaikan")), ("refuse", _l("Tolak"))]),
        validators=[required()],
    )
    reason = TextAreaField(
        _l("Alasan penolakan (dikirim kepada pegawai)"), validators=[max_length(2000)]
    )
    submit = SubmitField(_l("Simpan keputusan"))

    def validate_reason(self, field) -> None:
        if self.decision.data == "refuse" and not (field.data or "").strip():
            raise ValidationError(_l("Tuliskan alasan penolakan."))
