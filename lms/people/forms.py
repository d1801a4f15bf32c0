"""Forms of the people import."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SubmitField

from lms.forms import BaseForm
from lms.i18n import lazy_gettext as _l


class ImportForm(BaseForm):
    """Upload a staff list for a preview."""

    file = FileField(
        _l("Berkas daftar pegawai (CSV atau XLSX)"),
        validators=[FileRequired(message=_l("Pilih berkas yang akan diimpor."))],
    )
    full = BooleanField(_l("Impor lengkap: nonaktifkan pegawai yang tidak ada di berkas"))
    submit = SubmitField(_l("Periksa berkas"))


class ConfirmImportForm(BaseForm):
    """Confirm (or cancel) a previewed import; the CSRF token is all it carries."""

    submit = SubmitField(_l("Simpan ke Sinau"))
