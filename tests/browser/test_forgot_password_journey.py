"""'Lupa kata sandi?' in Chromium: the login page, the NIP, the link from the mailbox, a new
password, and the dashboard."""

from __future__ import annotations

import pytest

from lms.i18n import utcnow
from lms.reminders import outbox
from tests.activation.conftest import link_in
from tests.factories import make_unit, make_user
from tests.reminders.conftest import SmtpServer, free_port

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Lontong-Balap-Wonokromo-31"


@pytest.fixture
def smtp(app):
    """A real SMTP server (aiosmtpd) the app's outbox sends to."""
    server = SmtpServer(free_port())
    server.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_TIMEOUT=5)
    yield server
    server.stop()


@pytest.fixture
def rina(app, db):
    person = make_user(
        unit=make_unit("Dinas Kominfo"), email="rina@jatimprov.go.id", full_name="Rina Wulandari"
    )
    db.session.commit()
    return person


def test_forgotten_password_is_reset_from_the_emailed_link(page, smtp, rina, db):
    page.goto("/")
    page.get_by_role("link", name="Lupa kata sandi?").click()
    page.get_by_role("heading", name="Lupa kata sandi").wait_for()
    page.get_by_label("NIP atau email").fill(rina.nip)
    page.get_by_role("button", name="Kirim tautan").click()
    page.get_by_role("status").wait_for()
    assert "tautan untuk mengatur ulang kata sandi telah dikirim" in page.content()

    db.session.remove()  # read what the server thread wrote
    assert outbox.deliver(utcnow())["sent"] == 1
    (mail,) = smtp.inbox.to("rina@jatimprov.go.id")
    _kind, path = link_in(mail)

    page.goto(path)
    page.get_by_role("heading", name="Atur ulang kata sandi").wait_for()
    page.get_by_label("Kata sandi baru", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Ulangi kata sandi baru").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi dan masuk").click()
    page.get_by_role("heading", name="Halo, Rina Wulandari").wait_for()
    assert "Kata sandi Anda telah diganti" in page.content()

    # The link was for one use only.
    page.goto(path)
    page.get_by_role("heading", name="Tautan tidak dapat digunakan").wait_for()
