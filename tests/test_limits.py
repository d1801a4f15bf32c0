"""Abuse limits (Flask-Limiter) behave the same counted in memory and in a real Redis.

Redis is ``LMS_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/0``). Without it the Redis
cases skip, except under ``CI=true``, where they fail. Every app counts under its own key prefix,
so runs never share counters, and its keys are deleted afterwards.
"""

from __future__ import annotations

import io
import logging
import os
import uuid

import pytest
import redis
from flask import Flask

from lms.extensions import db, limiter
from lms.limits import LimitConfigError, limit_login_account, limit_reset_account
from tests.factories import login_id, make_item, make_unit, make_user

REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI", "").lower() == "true"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HOME, AWAY = "192.0.2.10", "198.51.100.20"  # documentation addresses; no traffic is sent
NIP = "199001012015031001"


def _login_probe():
    return "ok"


def _reset_probe():
    return "ok"


# Decorated once: each decoration registers its limit with the shared limiter.
login_probe = limit_login_account(_login_probe)
reset_probe = limit_reset_account(_reset_probe)


def _redis_client() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        if IN_CI:
            pytest.fail(f"CI=true but Redis at {REDIS_URL} is unreachable: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable")
    return client


@pytest.fixture(params=["memory", "redis"])
def storage(request) -> str:
    if request.param == "redis":
        _redis_client()
        return REDIS_URL
    return "memory://"


@pytest.fixture
def limited(make_app, storage):
    """Build apps that count in ``storage`` under a prefix of their own, with small limits."""
    prefixes: list[str] = []

    def build(**overrides) -> Flask:
        prefix = f"test-{uuid.uuid4().hex}"
        prefixes.append(prefix)
        config = {
            "RATELIMIT_STORAGE_URI": storage,
            "RATELIMIT_KEY_PREFIX": prefix,
            "LIMIT_VERIFY": "3 per minute",
            "LIMIT_UPLOAD": "2 per hour",
            "LIMIT_LOGIN_ACCOUNT": "2 per minute",
            "LIMIT_RESET_ACCOUNT": "2 per hour",
        }
        config.update(overrides)
        app = make_app(**config)
        app.add_url_rule("/uji/masuk", "uji_masuk", login_probe, methods=["POST"])
        app.add_url_rule("/uji/lupa", "uji_lupa", reset_probe, methods=["POST"])
        return app

    yield build
    if storage.startswith("redis"):
        client = _redis_client()
        for prefix in prefixes:
            keys = list(client.scan_iter(f"*{prefix}*"))
            if keys:
                client.delete(*keys)


def _keys(app: Flask) -> list[str]:
    """Every key the app's limiter has written, whichever the storage."""
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    if app.config["RATELIMIT_STORAGE_URI"].startswith("redis"):
        return [k.decode() for k in _redis_client().scan_iter(f"*{prefix}*")]
    with app.app_context():
        return [k for k in limiter.storage.storage if prefix in k]


def _verify(client, address: str = HOME):
    return client.get("/verify/TIDAK-ADA", environ_base={"REMOTE_ADDR": address})


def test_verify_past_its_limit_answers_429_in_indonesian_with_retry_after(limited):
    client = limited().test_client()
    assert [_verify(client).status_code for _ in range(3)] == [404, 404, 404]
    response = _verify(client)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Terlalu banyak permintaan. Silakan coba lagi dalam" in page
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_another_address_is_not_affected(limited):
    client = limited().test_client()
    for _ in range(4):
        _verify(client, HOME)
    assert _verify(client, HOME).status_code == 429
    assert _verify(client, AWAY).status_code == 404


def test_each_app_counts_on_its_own(limited):
    first, second = limited().test_client(), limited().test_client()
    for _ in range(4):
        _verify(first)
    assert _verify(first).status_code == 429
    assert _verify(second).status_code == 404


def test_limits_can_be_switched_off(limited):
    client = limited(RATELIMIT_ENABLED=False).test_client()
    assert {_verify(client).status_code for _ in range(6)} == {404}


def _post_update(client, item, with_file: bool):
    form = {"progress": "50", "status": "in_progress", "note": "Uji coba berjalan."}
    if with_file:
        form["evidence"] = (io.BytesIO(PDF), "bukti.pdf")
    return client.post(
        f"/actions/items/{item.id}/update", data=form, content_type="multipart/form-data"
    )


def test_uploads_are_counted_per_person_and_a_report_without_a_file_is_not(limited):
    app = limited()
    client = app.test_client()
    with app.app_context():
        unit = make_unit()
        owner, other = make_user(unit=unit), make_user(unit=unit)
        item, others_item = make_item(unit, owner), make_item(unit, other)
        db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = login_id(owner)
        assert _post_update(client, item, with_file=True).status_code == 302
        assert _post_update(client, item, with_file=False).status_code == 302
        assert _post_update(client, item, with_file=True).status_code == 302
        refused = _post_update(client, item, with_file=True)
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers
        assert _post_update(client, item, with_file=False).status_code == 302

        other_client = app.test_client()
        with other_client.session_transaction() as session:
            session["_user_id"] = login_id(other)
        assert _post_update(other_client, others_item, with_file=True).status_code == 302


def _login(client, identifier: str, address: str = HOME):
    return client.post(
        "/uji/masuk", data={"identifier": identifier}, environ_base={"REMOTE_ADDR": address}
    )


def test_the_account_limit_counts_per_identifier_and_address(limited):
    client = limited().test_client()
    assert _login(client, NIP).status_code == 200
    assert _login(client, "19900101 201503 1 001").status_code == 200  # the same NIP
    assert _login(client, f" {NIP} ").status_code == 429
    assert _login(client, NIP, AWAY).status_code == 200  # the person can still log in elsewhere
    assert _login(client, "rina@jatimprov.go.id").status_code == 200  # another account


def test_the_reset_limit_counts_per_identifier_from_any_address(limited):
    client = limited().test_client()

    def reset(identifier, address):
        return client.post(
            "/uji/lupa", data={"identifier": identifier}, environ_base={"REMOTE_ADDR": address}
        )

    assert reset("Rina@Jatimprov.go.id", HOME).status_code == 200
    assert reset("rina@jatimprov.go.id", AWAY).status_code == 200
    assert reset("RINA@jatimprov.go.id ", "203.0.113.5").status_code == 429
    assert reset("fajar@jatimprov.go.id", HOME).status_code == 200


def test_storage_keys_never_hold_the_identifier_in_clear(limited):
    app = limited()
    client = app.test_client()
    _login(client, NIP)
    _login(client, "Rina.Wulandari@Jatimprov.go.id")
    keys = _keys(app)
    assert len([k for k in keys if "uji_masuk" in k]) == 2
    for key in keys:
        assert NIP not in key
        assert "rina" not in key.lower()
        assert "jatimprov" not in key.lower()


def test_forwarded_addresses_count_only_behind_a_trusted_proxy(limited):
    direct = limited().test_client()
    for n in range(4):  # a client cannot escape by claiming another address
        _verify_from = direct.get(
            "/verify/TIDAK-ADA",
            environ_base={"REMOTE_ADDR": HOME},
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
        )
    assert _verify_from.status_code == 429

    proxied = limited(PROXY_FIX=1).test_client()

    def via_proxy(client_address: str):
        return proxied.get(
            "/verify/TIDAK-ADA",
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
            headers={"X-Forwarded-For": client_address},
        )

    for _ in range(3):
        via_proxy(HOME)
    assert via_proxy(HOME).status_code == 429
    assert via_proxy(AWAY).status_code == 404


def test_an_unreachable_redis_falls_back_to_counting_in_memory(make_app):
    app = make_app(
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0",  # nothing listens on port 1
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
        LIMIT_VERIFY="2 per minute",
    )
    client = app.test_client()
    assert [_verify(client).status_code for _ in range(3)] == [404, 404, 429]


def test_a_limit_that_cannot_be_read_stops_the_app_at_start(make_app):
    with pytest.raises(LimitConfigError, match="LMS_LIMIT_VERIFY"):
        make_app(LIMIT_VERIFY="banyak sekali")


def test_production_warns_when_limits_are_counted_in_one_process(make_app, caplog, monkeypatch):
    # Alembic's fileConfig (migrations/env.py) disables every logger that exists when the
    # migrations of a second database lane run, the app's own among them.
    monkeypatch.setattr(logging.getLogger("lms"), "disabled", False)
    with caplog.at_level(logging.WARNING):
        make_app(LMS_ENV="production")
    assert "LMS_RATELIMIT_STORAGE_URL" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        make_app(LMS_ENV="production", RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    assert "LMS_RATELIMIT_STORAGE_URL" not in caplog.text
