"""Two app servers (two gunicorn processes on two ports) against one PostgreSQL, as behind a load
balancer: a person signs in on one and carries on on the other; evidence uploaded through one
is downloaded through the other (LMS_UPLOAD_PATH on shared storage); signing out on one ends
the session on both. Each server has its own instance folder, so nothing rests on local files.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from lms.actions.models import ProgressUpdate
from tests.factories import PASSWORD, make_item, make_unit, make_user

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(database_url: str, uploads: Path, instance: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {
        **os.environ,
        "LMS_ENV": "production",
        "SECRET_KEY": "two-servers-share-this-key",
        "DATABASE_URL": database_url,
        "LMS_UPLOAD_PATH": str(uploads),
        "LMS_INSTANCE_PATH": str(instance),
        "LMS_SECURE_COOKIES": "0",  # plain http on 127.0.0.1 in the test
        "LMS_HSTS_SECONDS": "0",
    }
    log = open(instance / "gunicorn.log", "wb")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "1", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return process, f"http://127.0.0.1:{port}"


def wait_healthy(process: subprocess.Popen, base: str, instance: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail((instance / "gunicorn.log").read_text(errors="replace")[-3000:])
        try:
            if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # still booting
            pass
        time.sleep(0.3)
    pytest.fail(f"{base} did not become healthy")


@pytest.fixture
def servers(app, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("several app servers share a PostgreSQL database (SQLite: one server)")
    uploads = tmp_path / "shared-uploads"
    started = []
    try:
        for name in ("a", "b"):
            instance = tmp_path / f"instance-{name}"
            instance.mkdir()
            process, base = start(database_url, uploads, instance)
            started.append((process, base, instance))
        for process, base, instance in started:
            wait_healthy(process, base, instance)
        yield [base for _, base, _ in started]
    finally:
        for process, _, _ in started:
            process.terminate()
        for process, _, _ in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def csrf_of(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=30)
    assert page.status_code == 200, page.status_code
    return CSRF.search(page.text).group(1)


def test_sign_in_on_one_server_and_carry_on_on_the_other(servers, db, tmp_path):
    unit = make_unit("Bidang Aplikasi Informatika")
    owner = make_user(unit=unit, email="rina@jatimprov.go.id", full_name="Rina Wulandari")
    item = make_item(unit, owner, title="Uji coba chatbot layanan")
    db.session.commit()
    a, b = servers
    browser = requests.Session()

    response = browser.post(
        f"{a}/login",
        data={
            "identifier": "rina@jatimprov.go.id",
            "password": PASSWORD,
            "csrf_token": csrf_of(browser, f"{a}/login"),
        },
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[-500:]
    assert "Rina Wulandari" in browser.get(f"{b}/account", timeout=30).text

    # A form read on one server is accepted by the other (one SECRET_KEY, one session store).
    token = csrf_of(browser, f"{b}/actions/items/{item.id}/update")
    response = browser.post(
        f"{a}/actions/items/{item.id}/update",
        data={"progress": "40", "status": "in_progress", "note": "Uji coba berjalan.",
              "csrf_token": token},
        files={"evidence": ("notulen.pdf", PDF, "application/pdf")},
        allow_redirects=False,
        timeout=30,
    )  # fmt: skip
    assert response.status_code == 302, response.text[-500:]
    db.session.expire_all()
    update = db.session.scalar(select(ProgressUpdate).where(ProgressUpdate.item_id == item.id))
    assert update is not None and update.evidence_key
    assert (tmp_path / "shared-uploads" / "evidence" / update.evidence_key).read_bytes() == PDF

    download = browser.get(f"{b}/actions/evidence/{update.id}", timeout=30)
    assert download.status_code == 200 and download.content == PDF
    assert "attachment" in download.headers["Content-Disposition"]

    browser.post(f"{b}/logout", data={"csrf_token": csrf_of(browser, f"{b}/account")}, timeout=30)
    after = browser.get(f"{a}/account", allow_redirects=False, timeout=30)
    assert after.status_code == 302 and "/login" in after.headers["Location"]
