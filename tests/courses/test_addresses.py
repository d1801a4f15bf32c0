"""The addresses Sinau prints: a page shows the one the person uses; emails and the command line
use LMS_BASE_URL, which ``make run`` sets from PORT unless it is given."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from lms.config import BASE_DIR
from lms.courses import services as courses
from lms.courses.models import Course
from lms.i18n import utcnow
from lms.links import external_url
from tests.factories import make_session, make_user, sync, write_course


@pytest.fixture
def certificate(db, tmp_path):
    write_course(tmp_path, lessons=1, gift=None)
    sync(tmp_path)
    course = db.session.scalar(select(Course))
    enrollment = courses.enroll(make_user(), course, utcnow())
    courses.complete_lesson(enrollment, courses.current_lessons(course)[0], utcnow())
    db.session.commit()
    return enrollment.certificate


def get(client, db, certificate, url: str, host: str):
    """GET ``url`` as the certificate's owner, signed in on ``host`` (cookies go per host)."""
    key = make_session(certificate.enrollment.user)
    db.session.commit()
    with client.session_transaction(headers={"Host": host}) as session:
        session["_user_id"] = f"{certificate.enrollment.user_id}:{key}"
        session["_fresh"] = True
    return client.get(url, headers={"Host": host})


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF (fpdf2 compresses each page's content stream)."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            chunks.append(stream)
    return b"\n".join(chunks).decode("latin-1")


def test_certificate_page_and_pdf_print_the_address_in_use(client, db, certificate):
    assert client.application.config["BASE_URL"] == "http://127.0.0.1:5000"
    expected = f"http://127.0.0.1:5311/verify/{certificate.display_code}"

    here = "127.0.0.1:5311"
    page = get(client, db, certificate, f"/certificates/{certificate.id}", here).get_data(True)
    pdf = get(client, db, certificate, f"/certificates/{certificate.id}/pdf", here).data

    assert expected in page and ":5000" not in page
    assert expected in pdf_text(pdf) and ":5000" not in pdf_text(pdf)


def test_a_proxy_forwarding_http_keeps_the_configured_https(client, db, certificate):
    client.application.config["BASE_URL"] = "https://sinau.example.go.id"
    url = f"/certificates/{certificate.id}"
    page = get(client, db, certificate, url, "sinau.example.go.id").get_data(as_text=True)
    assert f"https://sinau.example.go.id/verify/{certificate.display_code}" in page


def test_another_host_is_never_replaced_by_the_configured_one(client, db, certificate):
    client.application.config["BASE_URL"] = "https://sinau.example.go.id"
    url = f"/certificates/{certificate.id}"
    page = get(client, db, certificate, url, "10.0.0.7:8080").get_data(as_text=True)
    assert f"http://10.0.0.7:8080/verify/{certificate.display_code}" in page
    assert "sinau.example.go.id" not in page


def test_outside_a_request_the_configured_base_url_is_used(app):
    app.config["BASE_URL"] = "https://sinau.example.go.id"
    assert external_url("/verify/ABCD") == "https://sinau.example.go.id/verify/ABCD"


@pytest.mark.skipif(not shutil.which("make"), reason="make is not installed")
@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, "http://127.0.0.1:5311"),
        ("https://sinau.example.go.id", "https://sinau.example.go.id"),
    ],
)
def test_make_run_sets_the_base_url_from_port_unless_given(tmp_path: Path, given, expected):
    """The real Makefile's run recipe, with a stand-in flask that prints what it was given."""
    fake = tmp_path / "flask"
    fake.write_text('#!/bin/sh\necho "flask $* LMS_BASE_URL=$LMS_BASE_URL"\n')
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("LMS_BASE_URL", "PORT", "MAKEFLAGS")}
    if given:
        env["LMS_BASE_URL"] = given
    done = subprocess.run(
        ["make", "--no-print-directory", "run", "PORT=5311", f"BIN={tmp_path}"]
        + [f"--old-file={t}" for t in ("install", "translations", "courses", "demo")],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert f"flask run --host 127.0.0.1 --port 5311 LMS_BASE_URL={expected}" in done.stdout
