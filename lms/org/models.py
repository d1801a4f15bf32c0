"""Work units (unit kerja): OPD > Bidang/Bagian > Seksi, or OPD > UPT."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.i18n import utcnow

if TYPE_CHECKING:
    from lms.accounts.models import User


class Unit(db.Model):
    """A work unit; units nest, and a report on a unit includes its sub-units."""

    __tablename__ = "units"
    __table_args__ = (Index("ix_units_path", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Short name people use, e.g. "Diskominfo", "BKD".
    short_name: Mapped[str | None] = mapped_column(String(50))
    #: Code from SIASN/SIMPEG, when known; imports match on it.
    code: Mapped[str | None] = mapped_column(String(50), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    #: Materialised path of ids, "/1/7/42/": a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(500), default="")
    head_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", use_alter=True, ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.name")
    head: Mapped[User | None] = relationship(foreign_keys=[head_id], post_update=True)

    @property
    def depth(self) -> int:
        """How deep the unit sits: 0 for an OPD."""
        return max(self.path.count("/") - 2, 0)

    def is_within(self, other: Unit) -> bool:
        """Whether this unit is ``other`` or one of its sub-units."""
        return bool(other.path) and self.path.startswith(other.path)

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.name!r}>"
