"""Personal data stays out of places it does not belong (issue 11, part 6): access logs, URLs,
caches, plain HTTP, and email headers (a line break in a one-line field is refused)."""

from __future__ import annotations

import http.client
import importlib
import inspect
import logging
import os
import pkgutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.serving import make_server

import lms
from lms.accesslog import strip_query
from lms.accounts.models import User
from lms.actions.models import Program
from lms.config import BASE_DIR, from_env
from lms.forms import BaseForm, is_single_line
from tests.factories import make_user

NIP = "199101012015012001"
EMAIL = "sri.wahyuni@jatimprov.go.id"
LINE_BREAK_ERROR = "Isian ini harus satu baris, tanpa ganti baris."
INJECTED = "Rapat\r\nBcc: mata-mata@contoh.id"


# -- access logs and URLs ------------------------------------------------------------------------


def test_strip_query_keeps_only_paths():
    line = f'127.0.0.1 - - [x] "GET /admin/users?q={NIP}&status=all HTTP/1.1" 200 -'
    assert strip_query(line) == '127.0.0.1 - - [x] "GET /admin/users HTTP/1.1" 200 -'
    coloured = f"\x1b[32mGET /login?next=/admin/users%3Fq%3D{EMAIL} HTTP/1.1\x1b[0m"
    assert strip_query(coloured) == "\x1b[32mGET /login HTTP/1.1\x1b[0m"


def _get(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    finally:
        connection.close()


def test_development_server_logs_no_query_string(app, caplog, monkeypatch):
    # The migrations' logging.config.fileConfig() switched off loggers that already existed.
    monkeypatch.setattr(logging.getLogger("werkzeug"), "disabled", False)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with caplog.at_level(logging.INFO, logger="werkzeug"):
        try:
            assert _get(server.server_port, f"/admin/users?q={NIP}") == 302
            assert _get(server.server_port, f"/login?next=/admin/users%3Fq%3D{EMAIL}") == 200
        finally:
            # The server logs a request after answering it: stop it before reading the log.
            server.shutdown()
            thread.join(5)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("GET /admin/users HTTP/1.1" in line for line in lines), lines
    assert any("GET /login HTTP/1.1" in line for line in lines), lines
    assert not any(NIP in line or "sri.wahyuni" in line or "?" in line for line in lines)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_access_log_has_no_query_string(tmp_path):
    """The README's deploy command, with gunicorn.conf.py, writes paths without query strings."""
    port = _free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "LMS_ENV": "development",
        "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'sinau.sqlite'}",
        "SECRET_KEY": "gunicorn-test",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "-c", "gunicorn.conf.py", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", str(log), "wsgi:app"]
    process = subprocess.Popen(command, cwd=BASE_DIR, env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status = _get(port, f"/admin/users?q={NIP}&status=all")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"gunicorn did not start: {process.stderr.read().decode()}")
                time.sleep(0.2)
        assert status == 302
        assert _get(port, f"/login?next=/admin/users%3Fq%3D{EMAIL}") == 200
    finally:
        process.terminate()
        process.wait(10)
        process.stderr.close()
    text = log.read_text()
    assert '"GET /admin/users HTTP/1.1" 302' in text, text
    assert '"GET /login HTTP/1.1" 200' in text, text
    assert NIP not in text and "sri.wahyuni" not in text and "?" not in text, text


def _users(db, n: int = 3) -> list[User]:
    people = [
        make_user(full_name=f"Sri Wahyuni {c}", nip=f"{NIP[:-1]}{i}")
        for i, c in enumerate("ABC"[:n])
    ]
    make_user(full_name="Joko Susilo")
    db.session.commit()
    return people


def test_user_search_is_posted_and_no_url_carries_the_term(app, db, client, login_as):
    app.config["PAGE_SIZE"] = 2
    login_as("hr")
    _users(db)
    response = client.post("/admin/users", data={"q": NIP[:-1], "status": "all"})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert NIP[:-1] not in location and "q=" not in location and "search=1" in location
    first = client.get(location).get_data(as_text=True)
    assert "Sri Wahyuni A" in first and "Sri Wahyuni B" in first
    assert "Joko Susilo" not in first and NIP[:-1] + "&" not in first
    assert f'value="{NIP[:-1]}"' in first  # the box still shows what was searched
    next_link = next(
        part.split('"')[0] for part in first.split('href="')[1:] if 'rel="next"' in part
    )
    next_link = next_link.replace("&amp;", "&")
    assert "page=2" in next_link and "search=1" in next_link and NIP[:-1] not in next_link
    second = client.get(next_link).get_data(as_text=True)
    assert "Sri Wahyuni C" in second and "Joko Susilo" not in second


def test_plain_user_list_forgets_the_search(app, db, client, login_as):
    login_as("hr")
    _users(db, 1)
    client.post("/admin/users", data={"q": "wahyuni", "status": "active"})
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Joko Susilo" in page and "Sri Wahyuni A" in page


def test_empty_search_shows_everyone(app, db, client, login_as):
    login_as("hr")
    _users(db, 1)
    client.post("/admin/users", data={"q": "wahyuni", "status": "active"})
    response = client.post("/admin/users", data={"q": "", "status": "active"})
    assert "search" not in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Joko Susilo" in page


def test_old_link_with_the_term_is_redirected_without_it(app, db, client, login_as):
    login_as("hr")
    _users(db, 1)
    response = client.get(f"/admin/users?q={NIP[:-1]}&status=all&page=9")
    assert response.status_code == 302
    parts = urlsplit(response.headers["Location"])
    assert parts.path == "/admin/users" and sorted(parts.query.split("&")) == [
        "search=1",
        "status=all",
    ]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sri Wahyuni A" in page and "Joko Susilo" not in page


# -- caching and HTTPS ---------------------------------------------------------------------------


def test_pages_and_exports_are_not_stored(app, db, client, login_as):
    assert client.get("/login").headers["Cache-Control"] == "no-store"
    login_as("hr")
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert client.get("/admin/users").headers["Cache-Control"] == "no-store"
    export = client.get("/actions/overview.csv")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"


def test_static_files_keep_their_caching(app, client, login_as):
    login_as("learner")
    response = client.get("/static/css/sinau.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


def test_hsts_in_production_only(make_app):
    production = make_app(LMS_ENV="production")
    response = production.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    development = make_app()
    assert "Strict-Transport-Security" not in development.test_client().get("/login").headers


def test_hsts_settings_come_from_the_environment(make_app):
    settings = from_env({"LMS_HSTS_SECONDS": "600", "LMS_HSTS_INCLUDE_SUBDOMAINS": "no"})
    assert settings["HSTS_SECONDS"] == 600 and settings["HSTS_INCLUDE_SUBDOMAINS"] is False
    app = make_app(LMS_ENV="production", HSTS_SECONDS=600, HSTS_INCLUDE_SUBDOMAINS=False)
    assert app.test_client().get("/login").headers["Strict-Transport-Security"] == "max-age=600"


# -- line breaks in one-line fields --------------------------------------------------------------


def _all_forms() -> list[type[BaseForm]]:
    for module in pkgutil.iter_modules(lms.__path__):
        if module.ispkg and (Path(lms.__path__[0]) / module.name / "forms.py").exists():
            importlib.import_module(f"lms.{module.name}.forms")
    found, todo = [], list(BaseForm.__subclasses__())
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def _build(cls: type[BaseForm], formdata: MultiDict) -> BaseForm:
    # Forms that need a keyword (``user=``, ``user_id=``) get None or a person who is nobody.
    extra = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
            extra[name] = User(full_name="Nobody") if name == "user" else None
    form = cls(formdata=formdata, meta={"csrf": False}, **extra)
    for field in form:
        if getattr(field, "choices", False) is None:
            field.choices = []
    return form


def test_every_one_line_field_of_every_form_refuses_a_line_break(app):
    checked = set()
    with app.test_request_context("/", method="POST"):
        for cls in _all_forms():
            names = [name for name, f in _build(cls, MultiDict())._fields.items()]
            for line_break in ("\r\n", "\n", "\r"):
                form = _build(cls, MultiDict(dict.fromkeys(names, f"Rapat{line_break}Bcc: x@y.id")))
                form.validate()
                for name, field in form._fields.items():
                    if is_single_line(field):
                        assert LINE_BREAK_ERROR in field.errors, (cls.__name__, name)
                        checked.add((cls.__name__, name))
                    elif field.type == "TextAreaField":
                        assert LINE_BREAK_ERROR not in field.errors, (cls.__name__, name)
    expected = {
        ("UserForm", "full_name"),
        ("UserForm", "email"),
        ("UserForm", "position"),
        ("ItemForm", "title"),
        ("ProgramForm", "name"),
        ("UnitForm", "name"),
        ("RevokeForm", "reason"),
        ("LoginForm", "identifier"),
    }
    assert expected <= checked


def test_user_form_refuses_a_name_with_a_line_break(app, db, client, login_as):
    login_as("hr")
    response = client.post("/admin/users/new", data={"full_name": INJECTED})
    assert response.status_code == 200
    assert LINE_BREAK_ERROR in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.full_name == INJECTED)) is None


def test_program_name_with_a_line_break_is_refused_but_its_description_may_have_lines(
    app, db, client, login_as
):
    login_as("admin")
    response = client.post("/actions/programs/new", data={"name": INJECTED, "active": "y"})
    assert response.status_code == 200 and LINE_BREAK_ERROR in response.get_data(as_text=True)
    assert db.session.scalar(select(Program)) is None
    data = {"name": "Program Literasi Digital", "description": "Baris satu\r\nBaris dua"}
    assert client.post("/actions/programs/new", data=data).status_code == 302
    assert db.session.scalar(select(Program)).description == "Baris satu\r\nBaris dua"
