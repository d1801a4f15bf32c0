"""Pieces shared by the forms of every feature: validators with Indonesian messages."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, StopValidation

from lms.i18n import lazy_gettext as _l

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}$")
#: Line breaks (and the other separators Python's splitlines() honours) in a one-line field.
LINE_BREAK_RE = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


class Required(DataRequired):
    """DataRequired that keeps the field's own complaint about what was typed: "31-02-2026" in
    a date field is "Tanggal tidak valid.", not "Kolom ini wajib diisi." (WTForms' DataRequired
    clears the parse error and says the field is empty)."""

    def __call__(self, form, field) -> None:
        typed = any(str(value).strip() for value in field.raw_data or [])
        if field.process_errors and typed:
            raise StopValidation()  # no new message: the parse error stays the field's error
        super().__call__(form, field)


def required():
    return Required(message=_l("Kolom ini wajib diisi."))


def input_required():
    return InputRequired(message=_l("Kolom ini wajib diisi."))


def max_length(n: int):
    return Length(max=n, message=_l("Paling banyak %(max)d karakter."))


def optional():
    return Optional()


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def email_address(form, field) -> None:
    """A plausible email address (the mail server is the final judge)."""
    value = (field.data or "").strip()
    if value and not EMAIL_RE.match(value):
        raise ValidationError(_l("Alamat email tidak valid."))


def single_line(form, field) -> None:
    """No line break in a one-line field: a title or name may end up in an email header."""
    if isinstance(field.data, str) and LINE_BREAK_RE.search(field.data):
        raise ValidationError(_l("Isian ini harus satu baris, tanpa ganti baris."))


def is_single_line(field) -> bool:
    """A text input of one line: every StringField except text areas (and passwords, which go
    nowhere but the hash)."""
    return isinstance(field, StringField) and not isinstance(field, TextAreaField | PasswordField)


# WTForms ships no Indonesian catalogue: these are its messages a person can meet.
_WTFORMS_ID = {
    "Not a valid choice.": "Pilihan tidak valid.",
    "Not a valid choice": "Pilihan tidak valid.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Pilihan tidak valid.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang valid.",
    "'%(value)s' are not valid choices for this field.": "'%(value)s' bukan pilihan yang valid.",
    "Not a valid integer value.": "Harus berupa bilangan bulat.",
    "Not a valid decimal value.": "Harus berupa angka.",
    "Not a valid float value.": "Harus berupa angka.",
    "Not a valid date value.": "Tanggal tidak valid.",
    "Not a valid datetime value.": "Tanggal dan waktu tidak valid.",
    "Not a valid time value.": "Waktu tidak valid.",
    "This field is required.": "Kolom ini wajib diisi.",
    "Invalid input.": "Isian tidak valid.",
    "Invalid URL.": "Alamat tautan (URL) tidak valid.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
}


class _Translations:
    def gettext(self, string: str) -> str:
        from flask_babel import get_locale

        if str(get_locale() or "id") == "id":
            return _WTFORMS_ID.get(string, string)
        return string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


class BaseForm(FlaskForm):
    """Every Sinau form: CSRF from Flask-WTF, WTForms' own messages in Indonesian, and no line
    break in any one-line field (``single_line``), without each form having to remember it."""

    class Meta:
        def get_translations(self, form):
            return _Translations()

    def validate(self, extra_validators=None) -> bool:
        extra = {name: list(v) for name, v in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if is_single_line(field):
                extra.setdefault(name, []).append(single_line)
        return super().validate(extra_validators=extra)
