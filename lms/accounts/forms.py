"""Forms for logging in, passwords and managing accounts."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    ValidationError,
    widgets,
)

from lms.accounts.models import POSITION_TYPES, STRUCTURAL, Role
from lms.accounts.nip import NipError, validate_nip
from lms.accounts.services import email_taken, nip_taken
from lms.forms import BaseForm, email_address, max_length, optional, options, required
from lms.i18n import lazy_gettext as _l

ROLE_LABELS = {
    Role.LEARNER: _l("Peserta (ASN)"),
    Role.UNIT_HEAD: _l("Kepala unit"),
    Role.HR: _l("Kepegawaian (BKD/BPSDM)"),
    Role.ADMIN: _l("Administrator"),
    Role.DISKOMINFO: _l("Diskominfo (registri AI, hanya baca)"),
    Role.INSTRUCTOR: _l("Pengajar (menulis kursus, mengajar kursus yang ditugaskan)"),
}


class LoginForm(BaseForm):
    identifier = StringField(_l("NIP atau email"), validators=[required(), max_length(254)])
    password = PasswordField(_l("Kata sandi"), validators=[required(), max_length(200)])
    remember = BooleanField(_l("Ingat saya di perangkat ini"))
    next = HiddenField()
    submit = SubmitField(_l("Masuk"))


class PasswordChangeForm(BaseForm):
    current = PasswordField(_l("Kata sandi saat ini"), validators=[required()])
    new = PasswordField(_l("Kata sandi baru"), validators=[required(), max_length(200)])
    confirm = PasswordField(_l("Ulangi kata sandi baru"), validators=[required()])
    submit = SubmitField(_l("Simpan kata sandi"))

    def validate_confirm(self, field) -> None:
        if field.data != self.new.data:
            raise ValidationError(_l("Kedua kata sandi baru tidak sama."))


class UserSearchForm(BaseForm):
    """The staff's search of accounts: posted, so a NIP or an email never sits in a URL."""

    q = StringField(_l("Cari NIP, nama, atau email"), validators=[optional(), max_length(200)])
    status = SelectField(
        _l("Status"),
        choices=options(
            [("active", _l("Aktif")), ("inactive", _l("Nonaktif")), ("all", _l("Semua"))]
        ),
        default="active",
    )


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class UserForm(BaseForm):
    """Create or edit an account (HR and admin)."""

    full_name = StringField(_l("Nama lengkap"), validators=[required(), max_length(200)])
    employment = SelectField(
        _l("Status kepegawaian"), choices=options([("PNS", "PNS"), ("PPPK", "PPPK")]), default="PNS"
    )
    contract_start = DateField(
        _l("Awal kontrak (PPPK)"), validators=[optional()], render_kw={"type": "date"}
    )
    nip = StringField(_l("NIP"), validators=[optional(), max_length(30)])
    email = StringField(_l("Email"), validators=[optional(), max_length(254), email_address])
    position = StringField(_l("Jabatan"), validators=[optional(), max_length(200)])
    position_type = SelectField(
        _l("Jenis jabatan"),
        choices=options(
            [
                ("", "—"),
                *((p, p) for p in POSITION_TYPES),
                (STRUCTURAL, _l("Struktural (eselon belum diketahui)")),
            ]
        ),
        default="",
    )
    rank = StringField(_l("Golongan/ruang"), validators=[optional(), max_length(10)])
    unit_id = SelectField(_l("Unit kerja"), coerce=int, validators=[required()])
    roles = CheckboxesField(_l("Peran"), choices=options((r.value, ROLE_LABELS[r]) for r in Role))
    submit = SubmitField(_l("Simpan"))

    def __init__(self, *args, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._user_id = user_id

    def validate_nip(self, field) -> None:
        if not field.data:
            return
        try:
            field.data = validate_nip(field.data, self.employment.data)
        except NipError as exc:
            raise ValidationError(str(exc)) from None
        if nip_taken(field.data, self._user_id):
            raise ValidationError(_l("NIP ini sudah terdaftar untuk akun lain."))

    def validate_email(self, field) -> None:
        field.data = (field.data or "").strip().lower() or None
        if field.data and email_taken(field.data, self._user_id):
            raise ValidationError(_l("Email ini sudah dipakai akun lain."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not self.nip.data and not self.email.data:
            self.email.errors.append(_l("Isi NIP atau email agar pegawai dapat masuk."))
            ok = False
        return ok


class ConfirmForm(BaseForm):
    """A bare form for POST actions (deactivate, reset): CSRF is all it carries."""

    submit = SubmitField(_l("Lanjutkan"))
