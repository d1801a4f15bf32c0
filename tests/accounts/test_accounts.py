"""Own password, account management by HR and admin, and language choice."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import User
from tests.factories import PASSWORD, make_unit, make_user


def test_change_own_password(client, login_as, db):
    user = login_as("learner")
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "new": "Rahasia-Baru-77", "confirm": "Rahasia-Baru-77"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("Rahasia-Baru-77")


def test_weak_new_password_is_refused(client, login_as, db):
    user = login_as("learner")
    for weak, message in [
        ("pendek1", "minimal 10 karakter"),
        ("hanyahurufsaja", "huruf dan angka"),
        ("password123", "mudah ditebak"),
    ]:
        response = client.post(
            "/account/password", data={"current": PASSWORD, "new": weak, "confirm": weak}
        )
        assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_password_containing_nip_is_refused(client, login_as):
    user = login_as("learner")
    new = f"x{user.nip}"
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": new, "confirm": new}
    )
    assert "tidak boleh memuat NIP" in response.get_data(as_text=True)


def test_wrong_current_password_is_refused(client, login_as):
    login_as("learner")
    response = client.post(
        "/account/password",
        data={"current": "bukan-ini-123", "new": "Rahasia-Baru-77", "confirm": "Rahasia-Baru-77"},
    )
    assert "Kata sandi saat ini salah." in response.get_data(as_text=True)


def _user_form(unit_id, **overrides):
    data = {
        "full_name": "Budi Santoso, S.E.",
        "employment": "PNS",
        "nip": "198801012012011001",
        "email": "budi@jatimprov.go.id",
        "position": "Analis Kebijakan",
        "position_type": "Fungsional",
        "rank": "III/c",
        "unit_id": str(unit_id),
        "roles": ["learner"],
    }
    data.update(overrides)
    return data


def test_hr_creates_account_and_sees_temporary_password_once(client, login_as, db):
    login_as("hr")
    unit = make_unit("Dinas Kesehatan")
    db.session.commit()
    response = client.post("/admin/users/new", data=_user_form(unit.id))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    password = page.split("<code>")[1].split("</code>")[0]
    created = db.session.scalar(select(User).where(User.email == "budi@jatimprov.go.id"))
    assert created.unit_id == unit.id and created.must_change_password
    assert created.check_password(password)
    with client.session_transaction() as session:
        assert password not in str(dict(session))


def test_new_account_must_change_password_first(client, db):
    user = make_user(unit=make_unit())
    user.must_change_password = True
    db.session.commit()
    client.post("/login", data={"identifier": user.email, "password": PASSWORD})
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password"


def test_malformed_nip_and_duplicate_email_write_nothing(client, login_as, db):
    hr = login_as("hr")
    unit = make_unit()
    db.session.commit()
    before = db.session.scalar(select(func.count(User.id)))
    bad_nip = client.post("/admin/users/new", data=_user_form(unit.id, nip="12345"))
    assert "NIP harus terdiri dari 18 digit angka." in bad_nip.get_data(as_text=True)
    duplicate = client.post("/admin/users/new", data=_user_form(unit.id, email=hr.email.upper()))
    assert "Email ini sudah dipakai akun lain." in duplicate.get_data(as_text=True)
    duplicate_nip = client.post("/admin/users/new", data=_user_form(unit.id, nip=hr.nip))
    assert "NIP ini sudah terdaftar" in duplicate_nip.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == before


def test_hr_cannot_grant_admin_role(client, login_as, db):
    login_as("hr")
    unit = make_unit()
    db.session.commit()
    response = client.post("/admin/users/new", data=_user_form(unit.id, roles=["learner", "admin"]))
    assert "Hanya administrator" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "budi@jatimprov.go.id")) is None


def test_hr_cannot_touch_an_admin_account(client, login_as, db):
    login_as("hr")
    admin = make_user(roles={"admin"})
    db.session.commit()
    assert client.post(f"/admin/users/{admin.id}/reset-password").status_code == 403
    assert client.post(f"/admin/users/{admin.id}/active", data={"active": "0"}).status_code == 403


def test_deactivated_person_is_logged_out_and_cannot_log_in(app, client, login_as, db):
    login_as("admin")
    target = make_user(unit=make_unit())
    db.session.commit()
    other = app.test_client()
    other.post("/login", data={"identifier": target.email, "password": PASSWORD})
    assert other.get("/account").status_code == 200
    response = client.post(f"/admin/users/{target.id}/active", data={"active": "0"})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.active is False
    assert other.get("/account").status_code == 302  # the old session no longer works
    again = other.post("/login", data={"identifier": target.email, "password": PASSWORD})
    assert "tidak aktif" in again.get_data(as_text=True)


def test_reset_password_ends_old_sessions(app, client, login_as, db):
    login_as("hr")
    target = make_user(unit=make_unit())
    db.session.commit()
    other = app.test_client()
    other.post("/login", data={"identifier": target.email, "password": PASSWORD})
    response = client.post(f"/admin/users/{target.id}/reset-password")
    assert response.status_code == 200
    assert other.get("/account").status_code == 302
    db.session.refresh(target)
    assert not target.check_password(PASSWORD)


def test_admin_cannot_deactivate_self(client, login_as, db):
    admin = login_as("admin")
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    db.session.refresh(admin)
    assert admin.active


def test_user_search_by_nip_name_and_email(client, login_as, db):
    login_as("hr")
    make_user(full_name="Sri Wahyuni", email="sri@jatimprov.go.id", nip="199101012015012001")
    make_user(full_name="Joko Susilo")
    db.session.commit()
    for q in ["wahyuni", "sri@jatim", "19910101"]:
        response = client.post("/admin/users", data={"q": q, "status": "active"})
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "Sri Wahyuni" in page and "Joko Susilo" not in page


def test_language_switch_for_visitor_and_member(client, login_as, db):
    client.post("/language", data={"locale": "en"})
    assert "Sign in to your account" in client.get("/").get_data(as_text=True)
    user = login_as("learner")
    client.post("/language", data={"locale": "en", "next": "/account"})
    db.session.refresh(user)
    assert user.locale == "en"
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)
    client.post("/language", data={"locale": "id"})
    assert "Akun saya" in client.get("/account").get_data(as_text=True)


def test_language_switch_ignores_foreign_next(client):
    response = client.post("/language", data={"locale": "en", "next": "https://evil.example"})
    assert response.headers["Location"] == "/"


def test_error_pages_are_indonesian(client, login_as):
    assert "Halaman tidak ditemukan" in client.get("/tidak-ada").get_data(as_text=True)
    login_as("learner")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Akses ditolak" in response.get_data(as_text=True)


def test_times_are_shown_in_wib(app):
    from datetime import datetime

    from lms.i18n import wib

    with app.test_request_context():
        assert wib(datetime(2026, 11, 27, 14, 30)) == "27 November 2026, 21.30 WIB"
        assert wib(datetime(2026, 12, 31, 17, 5)) == "1 Januari 2027, 00.05 WIB"


def test_hr_cannot_manage_another_hr_officer(client, login_as, db):
    login_as("hr")
    other = make_user(unit=make_unit(), roles={"learner", "hr"})
    db.session.commit()
    assert client.get(f"/admin/users/{other.id}").status_code == 403
    assert (
        client.post(f"/admin/users/{other.id}", data=_user_form(other.unit_id)).status_code == 403
    )
    reset = client.post(f"/admin/users/{other.id}/reset-password")
    assert reset.status_code == 403
    assert "<code>" not in reset.get_data(as_text=True)
    assert client.post(f"/admin/users/{other.id}/active", data={"active": "0"}).status_code == 403
    db.session.refresh(other)
    assert other.active and other.check_password(PASSWORD) and not other.must_change_password
    assert other.full_name != "Budi Santoso, S.E."


def test_hr_manages_learners_and_unit_heads(client, login_as, db):
    login_as("hr")
    unit = make_unit()
    learner = make_user(unit=unit)
    head = make_user(unit=unit, roles={"learner", "unit_head"})
    db.session.commit()
    for person in (learner, head):
        assert client.get(f"/admin/users/{person.id}").status_code == 200
        assert client.post(f"/admin/users/{person.id}/reset-password").status_code == 200
        client.post(f"/admin/users/{person.id}/active", data={"active": "0"})
        db.session.refresh(person)
        assert not person.check_password(PASSWORD) and not person.active


def test_admin_manages_hr_officers_and_admins(client, login_as, db):
    login_as("admin")
    officer = make_user(unit=make_unit(), roles={"learner", "hr"})
    other_admin = make_user(roles={"admin"})
    db.session.commit()
    for person in (officer, other_admin):
        assert client.post(f"/admin/users/{person.id}/reset-password").status_code == 200
        db.session.refresh(person)
        assert not person.check_password(PASSWORD)


def test_hr_cannot_grant_the_hr_role(client, login_as, db):
    login_as("hr")
    unit = make_unit()
    learner = make_user(unit=unit)
    db.session.commit()
    created = client.post("/admin/users/new", data=_user_form(unit.id, roles=["learner", "hr"]))
    assert "Hanya administrator" in created.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "budi@jatimprov.go.id")) is None
    form = _user_form(unit.id, nip=learner.nip, email=learner.email, roles=["learner", "hr"])
    edited = client.post(f"/admin/users/{learner.id}", data=form)
    assert "Hanya administrator" in edited.get_data(as_text=True)
    db.session.refresh(learner)
    assert learner.roles == {"learner"}


def test_hr_may_still_make_a_learner_a_unit_head(client, login_as, db):
    login_as("hr")
    unit = make_unit()
    learner = make_user(unit=unit)
    db.session.commit()
    form = _user_form(unit.id, nip=learner.nip, email=learner.email, roles=["learner", "unit_head"])
    assert client.post(f"/admin/users/{learner.id}", data=form).status_code == 302
    db.session.refresh(learner)
    assert learner.roles == {"learner", "unit_head"}


def test_admin_grants_and_removes_the_hr_role(client, login_as, db):
    login_as("admin")
    unit = make_unit()
    person = make_user(unit=unit)
    db.session.commit()
    form = _user_form(unit.id, nip=person.nip, email=person.email, roles=["learner", "hr"])
    assert client.post(f"/admin/users/{person.id}", data=form).status_code == 302
    db.session.refresh(person)
    assert person.roles == {"learner", "hr"}
    form["roles"] = ["learner"]
    assert client.post(f"/admin/users/{person.id}", data=form).status_code == 302
    db.session.refresh(person)
    assert person.roles == {"learner"}


def test_user_list_links_only_the_accounts_hr_may_manage(client, login_as, db):
    login_as("hr")
    learner = make_user(full_name="Sri Wahyuni")
    officer = make_user(full_name="Joko Susilo", roles={"learner", "hr"})
    db.session.commit()
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{learner.id}"' in page
    assert f'href="/admin/users/{officer.id}"' not in page
