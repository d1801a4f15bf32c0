"""Forms for action plans: items, progress updates, review, comments, imports, programmes."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import NumberRange

from lms.accounts.forms import CheckboxesField
from lms.actions.models import PRIORITY_LABELS, STATUS_LABELS, Priority, Status
from lms.actions.services import program_name_taken
from lms.forms import BaseForm, input_required, max_length, optional, options, required
from lms.i18n import lazy_gettext as _l


def _statuses(*statuses: Status):
    return options([(s.value, STATUS_LABELS[s]) for s in statuses])


def http_url(form, field) -> None:
    """An http(s) address, or nothing."""
    value = (field.data or "").strip()
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValidationError(_l("Tautan harus diawali http:// atau https://."))


class ItemForm(BaseForm):
    """Plan or change an action item (unit heads)."""

    title = StringField(_l("Judul aksi"), validators=[required(), max_length(200)])
    description = TextAreaField(_l("Deskripsi"), validators=[optional(), max_length(5000)])
    expected_output = StringField(
        _l("Output yang diharapkan"), validators=[optional(), max_length(500)]
    )
    target_indicator = StringField(_l("Indikator target"), validators=[optional(), max_length(300)])
    target_value = StringField(_l("Nilai target"), validators=[optional(), max_length(100)])
    program_id = SelectField(_l("Program"), coerce=int)
    owner_id = SelectField(_l("Penanggung jawab"), coerce=int)
    co_owner_ids = CheckboxesField(_l("Penanggung jawab pendamping"), coerce=int)
    start_date = DateField(_l("Tanggal mulai"), validators=[optional()])
    due_date = DateField(_l("Tenggat"), validators=[required()])
    priority = SelectField(
        _l("Prioritas"),
        choices=options([(p.value, PRIORITY_LABELS[p]) for p in Priority]),
        default=Priority.MEDIUM.value,
    )
    status = SelectField(_l("Status"), choices=_statuses(*Status), default=Status.DRAFT.value)
    tag_ids = CheckboxesField(_l("Keselarasan"), coerce=int)
    #: Chosen from the course list (the CSV import still takes slugs).
    course_slugs = CheckboxesField(_l("Kursus Sinau pendukung"))
    submit = SubmitField(_l("Simpan"))

    def validate_owner_id(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Penanggung jawab wajib dipilih."))

    def validate_due_date(self, field) -> None:
        if field.data and self.start_date.data and self.start_date.data > field.data:
            raise ValidationError(_l("Tenggat tidak boleh sebelum tanggal mulai."))


class UpdateForm(BaseForm):
    """A progress update by an owner."""

    progress = IntegerField(
        _l("Progres (%)"),
        validators=[
            input_required(),
            NumberRange(0, 100, message=_l("Progres harus antara 0 dan 100.")),
        ],
    )
    status = SelectField(
        _l("Status"),
        choices=_statuses(Status.IN_PROGRESS, Status.DONE, Status.BLOCKED),
        default=Status.IN_PROGRESS.value,
    )
    note = TextAreaField(_l("Catatan progres"), validators=[required(), max_length(5000)])
    link_url = StringField(
        _l("Tautan bukti dukung"), validators=[optional(), max_length(500), http_url]
    )
    evidence = FileField(_l("Berkas bukti dukung"))
    submit = SubmitField(_l("Kirim laporan progres"))


class CommentForm(BaseForm):
    body = TextAreaField(_l("Komentar"), validators=[required(), max_length(2000)])
    submit = SubmitField(_l("Kirim komentar"))


class ReviewForm(BaseForm):
    """Accept a done item, or send it back with a reason."""

    comment = TextAreaField(_l("Alasan pengembalian"), validators=[optional(), max_length(2000)])
    accept = SubmitField(_l("Terima"))
    send_back = SubmitField(_l("Kembalikan untuk diperbaiki"))


class ImportForm(BaseForm):
    """Upload a spreadsheet of action items."""

    file = FileField(_l("Berkas CSV atau XLSX"))
    program_id = SelectField(_l("Program"), coerce=int)
    unit_id = SelectField(_l("Unit kerja bawaan"), coerce=int, default=0)
    submit = SubmitField(_l("Periksa berkas"))


class ImportConfirmForm(BaseForm):
    token = HiddenField(validators=[required()])
    submit = SubmitField(_l("Impor semua butir"))


class ProgramForm(BaseForm):
    name = StringField(_l("Nama program"), validators=[required(), max_length(200)])
    description = TextAreaField(_l("Keterangan"), validators=[optional(), max_length(2000)])
    starts_on = DateField(_l("Mulai"), validators=[optional()])
    ends_on = DateField(_l("Berakhir"), validators=[optional()])
    active = BooleanField(_l("Aktif (butir baru dapat ditambahkan)"), default=True)
    submit = SubmitField(_l("Simpan"))

    def __init__(self, *args, program_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._program_id = program_id  # the programme being edited; None for a new one

    def validate_name(self, field) -> None:
        field.data = (field.data or "").strip()
        if field.data and program_name_taken(field.data, self._program_id):
            raise ValidationError(_l("Nama program ini sudah dipakai."))

    def validate_ends_on(self, field) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Tanggal selesai tidak boleh sebelum tanggal mulai."))
