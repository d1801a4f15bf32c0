"""Demo data: real-looking units and one account per role, created idempotently."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts import services as accounts
from lms.accounts.models import Role, User
from lms.extensions import db
from lms.org.models import Unit
from lms.org.services import create_unit, set_head

UNITS = [
    # code, name, short name, parent code
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "Diskominfo", None),
    ("DISKOMINFO-APTIKA", "Bidang Aplikasi Informatika", "Aptika", "DISKOMINFO"),
    ("DISKOMINFO-STATSAN", "Bidang Statistik dan Persandian", "Statsan", "DISKOMINFO"),
    ("BKD", "Badan Kepegawaian Daerah", "BKD", None),
    ("BPSDM", "Badan Pengembangan Sumber Daya Manusia", "BPSDM", None),
]

PEOPLE = [
    # email, name, NIP, position, type, rank, unit code, roles
    ("asn@demo.test", "Rina Wulandari, S.Kom.", "199003152015032002",
     "Pranata Komputer Ahli Muda", "Fungsional", "III/c", "DISKOMINFO-APTIKA", {Role.LEARNER}),
    ("kepala@demo.test", "Ir. Bambang Sutrisno, M.T.", "197805212003121001",
     "Kepala Bidang Aplikasi Informatika", "Administrator", "IV/a", "DISKOMINFO-APTIKA",
     {Role.LEARNER, Role.UNIT_HEAD}),
    ("hr@demo.test", "Dewi Lestari, S.Psi.", "198511082010012003",
     "Analis SDM Aparatur Ahli Muda", "Fungsional", "III/d", "BKD", {Role.LEARNER, Role.HR}),
    ("admin@demo.test", "Agus Prasetyo, S.T.", "198702142011011004",
     "Pranata Komputer Ahli Pertama", "Fungsional", "III/b", "DISKOMINFO",
     {Role.LEARNER, Role.ADMIN}),
    ("fajar@demo.test", "Fajar Nugroho, S.Kom.", "199405232019031005",
     "Pranata Komputer Ahli Pertama", "Fungsional", "III/a", "DISKOMINFO-APTIKA", {Role.LEARNER}),
    ("siti@demo.test", "Siti Aminah, A.Md.", "199208172020122006",
     "Pengelola Layanan Operasional", "Pelaksana", "II/d", "DISKOMINFO-APTIKA", {Role.LEARNER}),
    ("yusuf@demo.test", "Yusuf Hidayat, S.Si.", "198906302014021007",
     "Statistisi Ahli Muda", "Fungsional", "III/c", "DISKOMINFO-STATSAN", {Role.LEARNER}),
]  # fmt: skip

HEADS = {"DISKOMINFO-APTIKA": "kepala@demo.test"}


def load_demo(password: str | None, reset_passwords: bool = False) -> tuple[str, bool]:
    """Create what is missing; return the password used and whether anything was created."""
    password = password or accounts.generate_password()
    created = False
    units: dict[str, Unit] = {u.code: u for u in db.session.scalars(select(Unit)) if u.code}
    for code, name, short, parent_code in UNITS:
        if code not in units:
            units[code] = create_unit(name, units.get(parent_code), short_name=short, code=code)
            created = True
    for email, name, nip, position, kind, rank, unit_code, roles in PEOPLE:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_user(
                full_name=name,
                email=email,
                nip=nip,
                password=password,
                roles=set(roles),
                position=position,
                position_type=kind,
                rank=rank,
                unit=units[unit_code],
            )
            created = True
        elif reset_passwords:
            user.set_password(password)
            user.must_change_password = False
    for code, email in HEADS.items():
        if units[code].head_id is None:
            set_head(units[code], db.session.scalar(select(User).where(User.email == email)))
    db.session.commit()
    return password, created
