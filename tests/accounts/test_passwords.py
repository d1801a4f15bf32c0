"""Argon2id at OWASP's strength; scrypt hashes from before still sign in and are re-hashed."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from werkzeug.security import generate_password_hash

from lms.accounts.models import User
from lms.accounts.passwords import MEMORY_KIB, TIME_COST, needs_rehash, verify_password
from tests.factories import PASSWORD, make_unit, make_user

EMAIL = "rina@jatimprov.go.id"


@pytest.fixture
def person(db):
    user = make_user(unit=make_unit(), email=EMAIL, nip="199003152015032002")
    db.session.commit()
    return user


def login(client, password=PASSWORD):
    return client.post("/login", data={"identifier": EMAIL, "password": password})


def stored_hash(db, person) -> str:
    db.session.expire_all()
    return db.session.get(User, person.id).password_hash


def test_a_new_password_is_argon2id_at_owasp_strength_or_above(person):
    person.set_password("Kopi-Tubruk-Pagi-2026")
    head, algorithm, version, params, _salt, _digest = person.password_hash.split("$")
    assert (head, algorithm, version) == ("", "argon2id", "v=19")
    values = dict(pair.split("=") for pair in params.split(","))
    memory, passes, lanes = int(values["m"]), int(values["t"]), int(values["p"])
    # At or above one of OWASP's equal floors (m=46 MiB t=1 ... m=7 MiB t=5, one lane).
    floors = ((47104, 1), (19456, 2), (12288, 3), (9216, 4), (7168, 5))
    assert lanes >= 1 and any(memory >= m and passes >= t for m, t in floors)
    assert (memory, passes) == (MEMORY_KIB, TIME_COST) and (MEMORY_KIB, TIME_COST) in floors
    assert person.check_password("Kopi-Tubruk-Pagi-2026")
    assert not person.check_password("kopi-tubruk-pagi-2026")


def test_the_factory_password_is_argon2id_too(person):
    assert person.password_hash.startswith("$argon2id$")
    assert not needs_rehash(person.password_hash)


def test_an_scrypt_hash_signs_in_and_is_replaced_by_argon2id(client, db, person):
    person.password_hash = generate_password_hash(PASSWORD, method="scrypt")
    db.session.commit()
    response = login(client)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    rehashed = stored_hash(db, person)
    assert rehashed.startswith("$argon2id$") and verify_password(rehashed, PASSWORD)
    client.post("/logout")
    again = login(client)  # the new hash opens the same account
    assert again.status_code == 302 and stored_hash(db, person) == rehashed


def test_a_wrong_password_leaves_the_scrypt_hash_alone(client, db, person):
    legacy = generate_password_hash(PASSWORD, method="scrypt")
    person.password_hash = legacy
    db.session.commit()
    response = login(client, password="bukan-sandinya-1")
    assert response.status_code == 200 and "kata sandi salah" in response.get_data(as_text=True)
    assert stored_hash(db, person) == legacy


def test_a_weaker_argon2id_hash_is_raised_at_the_next_sign_in(client, db, person):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    person.password_hash = weak
    db.session.commit()
    assert needs_rehash(weak)
    assert login(client).status_code == 302
    assert not needs_rehash(stored_hash(db, person))


def test_a_hash_at_the_earlier_parameters_moves_to_the_current_ones(client, db, person):
    """Sinau first hashed at m=19 MiB t=2: equally strong, dearer to check here."""
    earlier = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1).hash(PASSWORD)
    person.password_hash = earlier
    db.session.commit()
    assert needs_rehash(earlier)
    assert login(client).status_code == 302
    current = stored_hash(db, person)
    assert f"$m={MEMORY_KIB},t={TIME_COST},p=1$" in current and not needs_rehash(current)


def test_a_deactivated_account_is_not_rehashed(client, db, person):
    legacy = generate_password_hash(PASSWORD, method="scrypt")
    person.password_hash, person.active = legacy, False
    db.session.commit()
    assert "tidak aktif" in login(client).get_data(as_text=True)
    assert stored_hash(db, person) == legacy


@pytest.mark.parametrize("stored", ["", "garbage", "md5:1$salt$abc", "$argon2id$v=19$m=1$broken"])
def test_an_unreadable_hash_never_matches(stored):
    assert verify_password(stored, PASSWORD) is False
