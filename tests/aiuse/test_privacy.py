"""The register's part of "Data saya" and of erasure (UU 27/2022 Pasal 7 and 8)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from lms.aiuse import services
from lms.aiuse.models import AiUse, Delegate
from lms.erasure import services as erasure
from lms.privacy.registry import REDACTED
from lms.privacy.services import collect
from tests.factories import DPIA_ANSWERS, make_ai_use, make_unit, make_user

NOW = datetime(2026, 11, 30, 3, 0)


def test_the_person_gets_their_entries_dpias_and_delegations(app, db):
    unit = make_unit("Bidang Aplikasi Informatika")
    head = make_user(unit=unit, roles={"learner", "unit_head"})
    unit.head = head
    ani = make_user(unit=unit, full_name="Ani Rahayu")
    other = make_ai_use(unit, head, now=NOW, name="Bukan milik Ani")
    entry = make_ai_use(unit, head, now=NOW, name="Pemilah aduan", responsible_id=ani.id)
    services.save_dpia(entry, ani, NOW, DPIA_ANSWERS)
    services.add_delegate(unit, ani, head, NOW)
    db.session.commit()
    part = collect(ani)["aiuse"]
    assert [e["name"] for e in part["entries"]] == ["Pemilah aduan"]
    assert part["entries"][0]["role"] == "responsible"
    assert part["dpias"] == [
        {"entry_id": entry.id, "filled_in_by_you": True, "signed_off_by_you": False,
         "signed_off_at": None}
    ]  # fmt: skip
    assert part["delegations"][0]["unit"] == "Bidang Aplikasi Informatika"
    assert other.name not in str(part)


def test_erasure_keeps_the_units_record_without_the_person(app, db):
    unit = make_unit("Bidang Aplikasi Informatika")
    head = make_user(unit=unit, roles={"learner", "unit_head"})
    unit.head = head
    ani = make_user(unit=unit, full_name="Ani Rahayu", email="ani@jatimprov.go.id")
    entry = make_ai_use(
        unit, head, now=NOW, name="Pemilah aduan", responsible_id=ani.id,
        human_oversight="Ani Rahayu memeriksa setiap usulan.",
    )  # fmt: skip
    services.save_dpia(entry, ani, NOW, DPIA_ANSWERS | {"safeguards": "Diperiksa Ani Rahayu."})
    services.add_delegate(unit, ani, head, NOW)
    admin = make_user(roles={"admin"})
    db.session.commit()

    assert erasure.erase(ani, NOW, actor=admin) is not None

    db.session.expire_all()
    entry = db.session.scalar(select(AiUse).where(AiUse.name == "Pemilah aduan"))
    assert entry.human_oversight == f"{REDACTED} memeriksa setiap usulan."
    assert entry.dpia.safeguards == f"Diperiksa {REDACTED}."
    assert entry.responsible_id == ani.id and entry.responsible.full_name != "Ani Rahayu"
    assert db.session.scalar(select(Delegate).where(Delegate.user_id == ani.id)) is None
