"""Forms: choosing a password from an emailed link, "Lupa kata sandi", and HR's invitations."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    ValidationError,
)

from lms.accounts.models import User
from lms.accounts.services import password_problem
from lms.forms import BaseForm, max_length, optional, options, required
from lms.i18n import lazy_gettext as _l


class SetPasswordForm(BaseForm):
    """A new password, twice, under the strength rule (activation and reset)."""

    new = PasswordField(_l("Kata sandi baru"), validators=[required(), max_length(200)])
    confirm = PasswordField(_l("Ulangi kata sandi baru"), validators=[required()])
    submit = SubmitField(_l("Simpan kata sandi dan masuk"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self._user = user

    def validate_new(self, field) -> None:
        problem = password_problem(field.data or "", self._user)
        if problem:
            raise ValidationError(problem)

    def validate_confirm(self, field) -> None:
        if field.data != self.new.data:
            raise ValidationError(_l("Kedua kata sandi baru tidak sama."))


class ForgotForm(BaseForm):
    """Lupa kata sandi: the NIP or email of the account."""

    identifier = StringField(_l("NIP atau email"), validators=[required(), max_length(254)])
    submit = SubmitField(_l("Kirim tautan"))


class InviteForm(BaseForm):
    """Invite a unit (with or without its sub-units) or everyone not yet activated."""

    scope = RadioField(
        _l("Kirim undangan kepada"),
        choices=options(
            [
                ("unit", _l("Pegawai unit kerja tertentu")),
                ("all", _l("Semua pegawai yang belum aktif")),
            ]
        ),
        default="unit",
        validators=[required()],
    )
    unit_id = SelectField(_l("Unit kerja"), coerce=int, validators=[optional()])
    include_subunits = BooleanField(_l("Termasuk sub-unit"), default=True)
    #: Set by the confirmation page: the officer has seen how many people will get an email.
    confirmed = HiddenField()
    submit = SubmitField(_l("Lanjut"))

    def validate_unit_id(self, field) -> None:
        if self.scope.data == "unit" and not field.data:
            raise ValidationError(_l("Pilih unit kerja yang diundang."))
