"""After a failed submit (issue 12, point 17): an error summary at the top that takes the focus
and links to each field; the login page marks its fields invalid and ties the message to them;
a malformed date is an invalid date, not a missing one."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask import render_template_string
from wtforms import DateField

from lms.forms import BaseForm, optional, required
from tests.factories import make_program, make_unit, make_user


class DatesForm(BaseForm):
    due = DateField("Tenggat", validators=[required()])
    start = DateField("Mulai", validators=[optional()])


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("31-02-2026", "Tanggal tidak valid."),
        ("2026-02-31", "Tanggal tidak valid."),
        ("besok", "Tanggal tidak valid."),
        ("", "Kolom ini wajib diisi."),
        ("   ", "Kolom ini wajib diisi."),
    ],
)
def test_a_malformed_date_is_invalid_not_missing(app, typed, error):
    with app.test_request_context(method="POST", data={"due": typed, "start": "31/12/2026"}):
        form = DatesForm(meta={"csrf": False})
        assert not form.validate()
        assert form.due.errors == [error]
        assert form.start.errors == ["Tanggal tidak valid."]


def test_a_good_date_passes(app):
    with app.test_request_context(method="POST", data={"due": "2026-12-31"}):
        form = DatesForm(meta={"csrf": False})
        assert form.validate() and form.due.data == date(2026, 12, 31)


def summary_of(page: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_failed_submit_puts_a_focused_summary_first_with_a_link_per_field(db, client, login_as):
    unit = make_unit("Bidang Uji")
    head = login_as("unit_head", unit=unit)
    make_program("Jatim Retret 2025")
    db.session.commit()
    page = client.post(
        f"/actions/units/{unit.id}/new",
        data={"title": "", "due_date": "31-02-2026", "owner_id": str(head.id)},
    ).get_data(as_text=True)
    summary = summary_of(page)
    # First thing in the main area, focusable and focused without JavaScript.
    main = page.split('<main id="isi" class="wrap">', 1)[1].lstrip()
    assert main.startswith('<div class="error-summary"')
    assert 'tabindex="-1" autofocus' in summary and 'role="alert"' in summary
    assert '<a href="#title">Judul aksi: Kolom ini wajib diisi.</a>' in summary
    assert '<a href="#due_date">Tenggat: Tanggal tidak valid.</a>' in summary
    # Each linked field exists, is marked invalid and names its message.
    assert re.search(
        r'<input aria-describedby="title-err" aria-invalid="true"[^>]* id="title"', page
    )
    assert 'id="due_date-err">Tanggal tidak valid.</p>' in page
    assert "Kolom ini wajib diisi." not in page.split('id="due_date-err"', 1)[1][:40]
    # With JavaScript, forms.js moves the focus there too (and to a field from its link).
    assert '<script src="/static/js/forms.js" defer></script>' in page


def test_a_page_without_errors_has_no_summary(db, client, login_as):
    unit = make_unit("Bidang Uji")
    login_as("unit_head", unit=unit)
    make_program("Jatim Retret 2025")
    db.session.commit()
    page = client.get(f"/actions/units/{unit.id}/new").get_data(as_text=True)
    assert "error-summary" not in page and "forms.js" not in page


def test_failed_sign_in_marks_both_fields_invalid_and_ties_the_message_to_them(db, client):
    make_user(email="rina@jatimprov.go.id")
    db.session.commit()
    page = client.post(
        "/login", data={"identifier": "rina@jatimprov.go.id", "password": "salah-sekali-1"}
    ).get_data(as_text=True)
    summary = summary_of(page)
    assert '<li id="galat-formulir">NIP/email atau kata sandi salah.' in summary
    assert 'tabindex="-1" autofocus' in summary
    for name in ("identifier", "password"):
        tag = re.search(rf'<input[^>]* id="{name}"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in tag
        assert re.search(r'aria-describedby="[^"]*\bgalat-formulir\b', tag), tag
    # The hint keeps its place in the description of the NIP field.
    identifier = re.search(r'<input[^>]* id="identifier"[^>]*>', page).group(0)
    assert "identifier-hint" in identifier


def test_an_empty_sign_in_links_each_missing_field(db, client):
    page = client.post("/login", data={"identifier": "", "password": ""}).get_data(as_text=True)
    summary = summary_of(page)
    assert '<a href="#identifier">' in summary and '<a href="#password">' in summary
    assert "galat-formulir" not in page


def test_summary_macro_links_a_checkbox_list_to_its_first_box(app):
    from lms.accounts.forms import CheckboxesField
    from lms.forms import options

    class Pick(BaseForm):
        things = CheckboxesField("Pilihan", choices=options([("a", "A"), ("b", "B")]))

    with app.test_request_context(method="POST", data={"things": "z"}):
        form = Pick(meta={"csrf": False})
        assert not form.validate()
        html = render_template_string(
            '{% from "_macros.html" import error_summary %}{{ error_summary(form) }}', form=form
        )
    assert '<a href="#things-0">Pilihan: ' in html
