"""Forms of the AI register: an entry, its DPIA, its links, publication and delegates."""

from __future__ import annotations

from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField

from lms.accounts.forms import CheckboxesField
from lms.aiuse.models import (
    DATA_LABELS,
    DECISION_LABELS,
    LOCATION_LABELS,
    STATUS_LABELS,
    DataCategory,
    Decisions,
    Location,
    Status,
)
from lms.forms import BaseForm, max_length, optional, options, required
from lms.i18n import lazy_gettext as _l


def _choices(labels: dict) -> list:
    return options([(key.value, label) for key, label in labels.items()])


class EntryForm(BaseForm):
    """Record or change a use of AI (unit heads and their delegates)."""

    name = StringField(_l("Nama pemanfaatan AI"), validators=[required(), max_length(200)])
    purpose = TextAreaField(
        _l("Tujuan: apa yang dikerjakan AI"), validators=[required(), max_length(3000)]
    )
    public_service = StringField(
        _l("Layanan publik yang tersentuh"), validators=[optional(), max_length(300)]
    )
    status = SelectField(
        _l("Status"), choices=_choices(STATUS_LABELS), default=Status.PLANNED.value
    )
    tool = StringField(_l("Alat atau penyedia"), validators=[required(), max_length(200)])
    model = StringField(_l("Model AI"), validators=[optional(), max_length(200)])
    data_location = SelectField(
        _l("Tempat data diproses dan disimpan"),
        choices=_choices(LOCATION_LABELS),
        default=Location.UNKNOWN.value,
    )
    data_category = SelectField(
        _l("Data pribadi yang diproses"),
        choices=_choices(DATA_LABELS),
        default=DataCategory.NONE.value,
    )
    decisions = SelectField(
        _l("Keputusan tentang warga"),
        choices=_choices(DECISION_LABELS),
        default=Decisions.NONE.value,
    )
    human_oversight = TextAreaField(
        _l("Pengawasan oleh manusia"), validators=[optional(), max_length(3000)]
    )
    responsible_id = SelectField(_l("Penanggung jawab"), coerce=int)
    next_review_on = DateField(_l("Tinjauan berikutnya"), validators=[optional()])
    submit = SubmitField(_l("Simpan"))

    def values(self) -> dict:
        """The answers as the service takes them (empty text as None)."""
        data = {name: getattr(self, name).data for name in (
            "name", "purpose", "public_service", "status", "tool", "model", "data_location",
            "data_category", "decisions", "human_oversight", "responsible_id", "next_review_on",
        )}  # fmt: skip
        return {k: (v.strip() or None) if isinstance(v, str) else v for k, v in data.items()}


class DpiaForm(BaseForm):
    """The data-protection impact assessment (UU 27/2022 Pasal 34)."""

    purpose_necessity = TextAreaField(
        _l("Tujuan dan kebutuhan"), validators=[optional(), max_length(5000)]
    )
    minimisation = TextAreaField(_l("Minimisasi data"), validators=[optional(), max_length(5000)])
    risks = TextAreaField(
        _l("Risiko bagi orang yang datanya diproses"), validators=[optional(), max_length(5000)]
    )
    safeguards = TextAreaField(_l("Langkah pengamanan"), validators=[optional(), max_length(5000)])
    submit = SubmitField(_l("Simpan DPIA"))


class LinksForm(BaseForm):
    """The action items carrying an entry out, and the courses its unit should finish."""

    item_ids = CheckboxesField(_l("Butir rencana aksi"), coerce=int)
    course_slugs = CheckboxesField(_l("Kursus yang perlu diselesaikan pegawai unit"))
    submit = SubmitField(_l("Simpan tautan"))


class ConfirmForm(BaseForm):
    """A button that only needs the CSRF token."""

    submit = SubmitField(_l("Kirim"))


class DelegateForm(BaseForm):
    user_id = SelectField(_l("Pegawai"), coerce=int)
    submit = SubmitField(_l("Jadikan pengelola registri"))
