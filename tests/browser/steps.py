"""Steps the Chromium journeys share: signing in and out, waiting for a lazy-loaded image."""

from __future__ import annotations

from tests.factories import PASSWORD


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in from the home page's form (the next page is the caller's to wait for)."""
    page.goto("/")
    page.get_by_label("NIP atau email").fill(email)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def sign_out(page) -> None:
    page.get_by_role("button", name="Keluar").click()
    page.get_by_label("NIP atau email").wait_for()


def wait_for_image(image, width: int) -> None:
    """Scroll a lazy-loaded image into view and poll until it is decoded at ``width`` pixels
    (polled from here: wait_for_function would evaluate a string, which the page's CSP
    forbids)."""
    image.scroll_into_view_if_needed()
    for _ in range(100):
        if image.evaluate(f"i => i.complete && i.naturalWidth === {int(width)}"):
            return
        image.page.wait_for_timeout(100)
    raise AssertionError("the image never loaded")
