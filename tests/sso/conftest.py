"""The SSO tests run against a real OpenID provider (tests/oidc), started once per session.

Without Node.js or ``npm ci --prefix tests/oidc`` they skip; under CI=true they fail instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from flask import Flask

from tests.sso.provider import Provider, running_provider

#: Where the Flask test client's requests go; the provider's client is registered for it.
SINAU = "http://localhost"


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory) -> Iterator[Provider]:
    with running_provider(tmp_path_factory.mktemp("oidc"), SINAU) as provider:
        yield provider


@pytest.fixture
def app(make_app, oidc_provider: Provider) -> Iterator[Flask]:
    """Sinau with SSO pointed at the running provider, inside an app context."""
    app = make_app(**oidc_provider.sinau_config(SINAU))
    with app.app_context():
        yield app


@pytest.fixture
def http() -> Iterator[requests.Session]:
    """The person's browser at the provider (its own cookies, so its own provider session)."""
    with requests.Session() as session:
        yield session
