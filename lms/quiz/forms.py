"""Forms of the quiz feature (admin settings, GIFT upload)."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

from lms.forms import BaseForm, options
from lms.i18n import lazy_gettext as _l

SHOW_ANSWER_CHOICES = [
    ("never", _l("Tidak pernah")),
    ("after_pass", _l("Setelah lulus")),
    ("after_last", _l("Setelah percobaan terakhir")),
    ("always", _l("Selalu, setelah dikumpulkan")),
]


def _range(low: int, high: int):
    return NumberRange(min=low, max=high, message=_l("Isi angka antara %(min)s dan %(max)s."))


class QuizSettingsForm(BaseForm):
    pass_mark = IntegerField(_l("Nilai lulus (%)"), validators=[_range(0, 100)])
    max_attempts = IntegerField(
        _l("Batas percobaan (0 = tanpa batas)"), validators=[_range(0, 100)]
    )
    time_limit_minutes = IntegerField(
        _l("Batas waktu (menit, kosongkan bila tanpa batas)"),
        validators=[Optional(), _range(1, 600)],
    )
    draw = IntegerField(
        _l("Jumlah soal acak per percobaan (kosongkan untuk semua soal)"),
        validators=[Optional(), _range(1, 500)],
    )
    shuffle_questions = BooleanField(_l("Acak urutan soal"))
    shuffle_answers = BooleanField(_l("Acak urutan pilihan jawaban"))
    show_answers = SelectField(_l("Tampilkan jawaban benar"), choices=options(SHOW_ANSWER_CHOICES))


class GiftUploadForm(BaseForm):
    file = FileField(
        _l("Berkas GIFT (.gift atau .txt)"),
        validators=[FileRequired(message=_l("Pilih berkas GIFT terlebih dahulu."))],
    )
