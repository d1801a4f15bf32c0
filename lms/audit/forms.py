"""The audit page's filter (sent with GET: it changes nothing, so it carries no CSRF token)."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, StringField, ValidationError
from wtforms.validators import NumberRange, Optional

from lms.forms import max_length
from lms.i18n import lazy_gettext as _l

#: An action as events write it: "reports.unit.export".
ACTION_RE = re.compile(r"[\w.]*")
#: A target as events write it: "user:12", "unit:7", "province", a file name ...
TARGET_RE = re.compile(r"[\w.:/ -]*")


class AuditFilterForm(FlaskForm):
    """Who (the actor's account number), what (action prefix), whom (target), when (WIB days)."""

    class Meta:
        csrf = False

    actor = IntegerField(
        _l("Pelaku (nomor akun)"),
        validators=[Optional(), NumberRange(min=1, message=_l("Nomor akun tidak valid."))],
    )
    action = StringField(_l("Tindakan (awalan)"), validators=[max_length(60)])
    target = StringField(_l("Sasaran, mis. user:12"), validators=[max_length(255)])
    date_from = DateField(_l("Dari tanggal"), validators=[Optional()])
    date_to = DateField(_l("Sampai tanggal"), validators=[Optional()])

    def validate_action(self, field) -> None:
        if field.data and not ACTION_RE.fullmatch(field.data):
            raise ValidationError(_l("Tindakan hanya berisi huruf, angka, garis bawah dan titik."))

    def validate_target(self, field) -> None:
        if field.data and not TARGET_RE.fullmatch(field.data):
            raise ValidationError(_l("Sasaran hanya berisi huruf, angka dan tanda : . / -"))

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Tanggal akhir tidak boleh sebelum tanggal awal."))
