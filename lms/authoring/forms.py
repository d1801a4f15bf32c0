"""Forms of browser authoring: a course's course.toml, a lesson, the GIFT bank, uploads."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import NumberRange, Optional, ValidationError

from lms.courses.source import LEVELS, SLUG_RE
from lms.forms import BaseForm, max_length, options, required, single_line
from lms.i18n import lazy_gettext as _l
from lms.quiz.forms import SHOW_ANSWER_CHOICES

LEVEL_CHOICES = [
    ("dasar", _l("Dasar")),
    ("menengah", _l("Menengah")),
    ("lanjut", _l("Lanjut")),
]
assert [value for value, _ in LEVEL_CHOICES] == list(LEVELS)


def _range(low: int, high: int):
    return NumberRange(min=low, max=high, message=_l("Isi angka antara %(min)s dan %(max)s."))


class CourseForm(BaseForm):
    """The keys of course.toml and its [quiz] table."""

    title = StringField(_l("Judul"), validators=[required(), max_length(300), single_line])
    summary = TextAreaField(_l("Ringkasan"), validators=[required(), max_length(2000)])
    level = SelectField(_l("Tingkat"), choices=options(LEVEL_CHOICES))
    jp = IntegerField(_l("JP (1 JP = 45 menit)"), validators=[required(), _range(1, 100)])
    minutes = IntegerField(_l("Durasi (menit)"), validators=[required(), _range(1, 100000)])
    mandatory = BooleanField(_l("Kursus wajib"))
    assignment_only = BooleanField(_l("Hanya lewat penugasan (peserta tidak mendaftar sendiri)"))
    deadline = DateField(
        _l("Tenggat kursus wajib (kosongkan bila tidak ada)"),
        validators=[Optional()],
        render_kw={"type": "date"},
    )
    version = StringField(
        _l("Versi (misalnya 2026.1)"), validators=[required(), max_length(50), single_line]
    )
    tags = StringField(
        _l("Label (pisahkan dengan koma)"), validators=[max_length(500), single_line]
    )
    pass_mark = IntegerField(_l("Nilai lulus kuis (%)"), default=70, validators=[_range(0, 100)])
    max_attempts = IntegerField(
        _l("Batas percobaan (0 = tanpa batas)"), default=0, validators=[_range(0, 100)]
    )
    time_limit_minutes = IntegerField(
        _l("Batas waktu kuis (menit, kosongkan bila tanpa batas)"),
        validators=[Optional(), _range(1, 600)],
    )
    draw = IntegerField(
        _l("Jumlah soal acak per percobaan (kosongkan untuk semua soal)"),
        validators=[Optional(), _range(1, 500)],
    )
    shuffle_questions = BooleanField(_l("Acak urutan soal"))
    shuffle_answers = BooleanField(_l("Acak urutan pilihan jawaban"))
    show_answers = SelectField(
        _l("Tampilkan jawaban benar"), choices=options(SHOW_ANSWER_CHOICES), default="after_pass"
    )

    def validate_deadline(self, field) -> None:
        if field.data and not self.mandatory.data:
            raise ValidationError(_l("Tenggat hanya berlaku untuk kursus wajib."))

    def settings(self) -> dict:
        """The course keys of course.toml."""
        tags = [t.strip() for t in (self.tags.data or "").split(",") if t.strip()]
        return {
            "title": self.title.data.strip(),
            "summary": self.summary.data.strip(),
            "level": self.level.data,
            "jp": self.jp.data,
            "minutes": self.minutes.data,
            "mandatory": self.mandatory.data,
            "assignment_only": self.assignment_only.data,
            "deadline": self.deadline.data,
            "version": self.version.data.strip(),
            "tags": tags,
        }

    def quiz(self) -> dict:
        """The [quiz] table."""
        return {
            "pass_mark": self.pass_mark.data,
            "max_attempts": self.max_attempts.data,
            "time_limit_minutes": self.time_limit_minutes.data,
            "shuffle_questions": self.shuffle_questions.data,
            "shuffle_answers": self.shuffle_answers.data,
            "draw": self.draw.data,
            "show_answers": self.show_answers.data,
        }

    def fill(self, settings: dict, quiz: dict) -> None:
        """Show what course.toml holds."""
        for key, value in {**quiz, **settings}.items():
            if key == "tags":
                self.tags.data = ", ".join(value if isinstance(value, list) else [])
            elif key in self._fields:
                self._fields[key].data = value


class NewCourseForm(CourseForm):
    """A new course also chooses its name in addresses (the folder name in courses/)."""

    slug = StringField(
        _l("Nama kursus di alamat (huruf kecil, angka, tanda hubung; tidak dapat diubah)"),
        validators=[required(), max_length(100), single_line],
    )

    def validate_slug(self, field) -> None:
        if not SLUG_RE.match(field.data or ""):
            raise ValidationError(
                _l("Pakai huruf kecil, angka, dan tanda hubung, misalnya etika-ai-dasar.")
            )


class LessonForm(BaseForm):
    """A lesson: title and Markdown body; "Pratinjau" shows it without saving."""

    title = StringField(_l("Judul materi"), validators=[required(), max_length(300), single_line])
    body = TextAreaField(_l("Isi (Markdown)"), validators=[required(), max_length(200_000)])
    preview = SubmitField(_l("Pratinjau"))
    save = SubmitField(_l("Simpan"))


class QuizForm(BaseForm):
    """The question bank as GIFT text (empty: no quiz)."""

    gift = TextAreaField(_l("Bank soal (format GIFT)"), validators=[max_length(500_000)])


class ImageForm(BaseForm):
    image = FileField(
        _l("Gambar (PNG, JPEG, GIF, atau WebP)"),
        validators=[FileRequired(message=_l("Pilih berkas gambar terlebih dahulu."))],
    )


class ImportForm(BaseForm):
    archive = FileField(
        _l("Berkas ZIP folder kursus"),
        validators=[FileRequired(message=_l("Pilih berkas ZIP terlebih dahulu."))],
    )
