"""The administrator's confirmation of an erasure."""

from __future__ import annotations

from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from lms.forms import BaseForm
from lms.i18n import lazy_gettext as _l


class ErasureForm(BaseForm):
    confirm = BooleanField(
        _l(
            "Saya telah memeriksa permintaan ini: tidak ada kewajiban hukum yang mengharuskan "
            "data pribadi orang ini tetap disimpan, dan saya mengerti penghapusan tidak dapat "
            "dibatalkan."
        ),
        validators=[DataRequired(_l("Centang pernyataan ini untuk melanjutkan."))],
    )
    submit = SubmitField(_l("Anonimkan sekarang"))
