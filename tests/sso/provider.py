"""Run the real OpenID provider (tests/oidc/provider.mjs under Node.js) and walk its pages.

The provider is panva's certified ``oidc-provider`` with its own development login and consent
pages; nothing here imitates it. :func:`walk` plays the person's browser at the provider with
``requests``, following each redirect by hand until the provider sends the person back to Sinau.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from tests.conftest import IN_CI

OIDC_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID = "sinau-uji"
CLIENT_SECRET = "rahasia-klien-uji-0123456789"
NIP_ANI = "198703122010012003"
NIP_BARU = "199205172019031002"
NIP_NONAKTIF = "198001012005011001"
#: The provider's people. Sinau's own accounts are made by each test.
ACCOUNTS = [
    {"sub": "ani", "nip": NIP_ANI, "email": "ani@jatimprov.go.id", "email_verified": True,
     "name": "Ani Rahayu"},
    # No NIP claim: Sinau may match the verified email.
    {"sub": "budi", "email": "budi@jatimprov.go.id", "email_verified": True,
     "name": "Budi Santoso"},
    # An email the provider never verified must not open anyone's account.
    {"sub": "citra", "email": "citra@jatimprov.go.id", "email_verified": False,
     "name": "Citra Lestari"},
    # Known to the provider, not (yet) to Sinau.
    {"sub": "dewi", "nip": NIP_BARU, "email": "dewi@jatimprov.go.id", "email_verified": True,
     "name": "Dewi Anggraini"},
    {"sub": "eko", "nip": NIP_NONAKTIF, "email": "eko@jatimprov.go.id", "email_verified": True,
     "name": "Eko Prasetyo"},
]  # fmt: skip


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET

    def sinau_config(self, base_url: str) -> dict:
        """Sinau's settings for this provider, served at ``base_url``."""
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": self.client_id,
            "OIDC_CLIENT_SECRET": self.client_secret,
            "BASE_URL": base_url,
        }


def require_node() -> str:
    """The path of ``node``; a skip (locally) or a failure (CI) when the provider cannot run."""
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "Node.js is not installed (apt-get install nodejs)"
    elif not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        problem = "the OpenID provider is not installed: npm ci --prefix tests/oidc"
    if problem:
        if IN_CI:
            pytest.fail(f"CI=true: {problem}")
        pytest.skip(problem)
    return node


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_provider(workdir: Path, sinau_base: str, port: int | None = None) -> Iterator[Provider]:
    """Start the provider on 127.0.0.1 with one client for the Sinau at ``sinau_base``."""
    node = require_node()
    port = port or free_port()
    accounts = workdir / "accounts.json"
    accounts.write_text(json.dumps(ACCOUNTS))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": f"{sinau_base}/sso/callback",
        "OIDC_POST_LOGOUT_REDIRECT_URIS": f"{sinau_base}/login",
        "OIDC_ACCOUNTS": str(accounts),
    }
    log_path = workdir / "provider.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [node, str(OIDC_DIR / "provider.mjs"), str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}"
    try:
        _wait_for(issuer, process, log_path)
        yield Provider(issuer)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(issuer: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the OpenID provider exited: {log_path.read_text()}")
        try:
            response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1)
            if response.ok and response.json()["issuer"] == issuer:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    pytest.fail(f"the OpenID provider did not answer in 20 s: {log_path.read_text()}")


# -- the person's browser at the provider ---------------------------------------------------------

_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.IGNORECASE)
_LOGOUT_FORM = re.compile(r'<form id="op.logoutForm" method="post" action="([^"]+)"')
_XSRF = re.compile(r'name="xsrf" value="([^"]+)"')


@dataclass
class Walk:
    """Where the provider sent the person back to Sinau, and which of its pages they saw."""

    back_to: str
    pages: list[str]


def walk(http: requests.Session, url: str, sinau_base: str, login: str = "ani") -> Walk:
    """Follow the provider from ``url``: sign in as ``login`` and consent when asked, until it
    redirects back to ``sinau_base``. ``pages`` names the forms shown ("login", "consent")."""
    pages: list[str] = []
    for _ in range(20):
        if url.startswith(sinau_base):
            return Walk(url, pages)
        response = http.get(url, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            continue
        assert response.status_code == 200, (response.status_code, response.text[:500])
        action = urljoin(url, unescape(_FORM.search(response.text).group(1)))
        if 'name="prompt" value="login"' in response.text:
            pages.append("login")
            data = {"prompt": "login", "login": login, "password": "sandi-apa-saja"}
        elif 'name="prompt" value="consent"' in response.text:
            pages.append("consent")
            data = {"prompt": "consent"}
        else:
            raise AssertionError(f"unexpected provider page: {response.text[:500]}")
        response = http.post(action, data=data, allow_redirects=False, timeout=10)
        assert response.is_redirect, (response.status_code, response.text[:500])
        url = urljoin(action, response.headers["Location"])
    raise AssertionError("the provider never sent the person back to Sinau")


def confirm_logout(http: requests.Session, url: str) -> str:
    """Open the provider's end-session URL, answer "Yes, sign me out"; return where it sends
    the person next."""
    page = http.get(url, allow_redirects=False, timeout=10)
    assert page.status_code == 200, (page.status_code, page.text[:500])
    action = urljoin(url, unescape(_LOGOUT_FORM.search(page.text).group(1)))
    xsrf = _XSRF.search(page.text).group(1)
    response = http.post(
        action, data={"xsrf": xsrf, "logout": "yes"}, allow_redirects=False, timeout=10
    )
    assert response.is_redirect, (response.status_code, response.text[:500])
    return urljoin(action, response.headers["Location"])
