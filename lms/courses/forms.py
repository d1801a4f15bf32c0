"""Forms of the courses feature."""

from __future__ import annotations

from wtforms import StringField

from lms.forms import BaseForm, max_length, required
from lms.i18n import lazy_gettext as _l


class RevokeForm(BaseForm):
    reason = StringField(_l("Alasan pencabutan"), validators=[required(), max_length(500)])
