"""Forms for work units."""

from __future__ import annotations

from wtforms import SelectField, StringField, SubmitField

from lms.forms import BaseForm, max_length, optional, required
from lms.i18n import lazy_gettext as _l


class UnitForm(BaseForm):
    name = StringField(_l("Nama unit kerja"), validators=[required(), max_length(200)])
    short_name = StringField(_l("Singkatan"), validators=[optional(), max_length(50)])
    code = StringField(_l("Kode (SIASN/SIMPEG)"), validators=[optional(), max_length(50)])
    parent_id = SelectField(_l("Induk unit"), coerce=int, default=0)
    head_id = SelectField(_l("Kepala unit"), coerce=int, default=0)
    submit = SubmitField(_l("Simpan"))
