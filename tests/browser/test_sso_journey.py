"""Masuk dengan SSO in Chromium against the real OpenID provider, and out again from both."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from werkzeug.serving import make_server

from tests.factories import make_unit, make_user
from tests.sso.provider import CLIENT_ID, CLIENT_SECRET, NIP_ANI, free_port, running_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def site(make_app, tmp_path) -> Iterator[str]:
    """Sinau (CSRF on, as in production) on a free port, with a provider that knows it.

    The provider's port is chosen first, so Sinau can be configured before its own port is
    known; the provider starts once Sinau's address is, with exactly that redirect URI.
    """
    provider_port = free_port()
    app = make_app(
        WTF_CSRF_ENABLED=True,
        OIDC_ISSUER=f"http://127.0.0.1:{provider_port}",
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
    )
    with app.app_context():
        from lms.extensions import db

        make_user(unit=make_unit(), nip=NIP_ANI, full_name="Ani Rahayu, S.Kom.")
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with running_provider(tmp_path, base, port=provider_port):
            yield base
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture
def sso_page(browser, site):
    context = browser.new_context(base_url=site, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def provider_login_form(page):
    return page.locator("form input[name='login']")


def test_sso_login_reaches_the_dashboard_and_logout_ends_both_sessions(sso_page, site):
    page = sso_page
    page.goto("/login")
    page.get_by_role("link", name="Masuk dengan SSO").click()

    # The provider's own sign-in and consent pages.
    provider_login_form(page).wait_for()
    assert page.url.startswith("http://127.0.0.1:") and not page.url.startswith(site)
    provider_login_form(page).fill("ani")
    page.locator("form input[name='password']").fill("sandi-apa-saja")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Halo, Ani Rahayu").wait_for()
    assert page.url == f"{site}/"

    page.get_by_role("button", name="Keluar").click()
    # The provider asks to end its session too (RP-initiated logout).
    page.get_by_role("button", name="Yes, sign me out").click()
    page.get_by_role("heading", name="Masuk ke akun Anda").wait_for()
    assert page.url.startswith(f"{site}/login")
    assert "Anda telah keluar" in page.content()

    # Both sessions are over: Sinau shows the login page, the provider asks for the password.
    page.goto("/account")
    page.get_by_role("heading", name="Masuk ke akun Anda").wait_for()
    page.get_by_role("link", name="Masuk dengan SSO").click()
    provider_login_form(page).wait_for()
    assert not page.url.startswith(site)
