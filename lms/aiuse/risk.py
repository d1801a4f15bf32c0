"""The risk rules of the AI register: a table of data, read top to bottom, first match wins.

Each rule names the answers it matches (a set of allowed values per question; a question it
does not name matches any answer), the risk level it gives, and why, in words the unit reads
on the entry's page. The rules follow UU 27/2022 (PDP) Pasal 34 ayat (2): processing with a
high potential risk includes automated decisions with legal or significant effect, processing
of specific personal data (Pasal 4), and new technology; and PP 71/2019 on keeping a public
service's data in Indonesia. A location that is not known yet counts as abroad until the unit
finds out. Changing a level here changes every entry at its next save; the README lists the
table, and tests/aiuse/test_risk.py checks every combination of answers.

High risk needs a completed DPIA (signed off by the unit head) before the status "berjalan".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lms.aiuse.models import DataCategory, Decisions, Location, Risk
from lms.i18n import lazy_gettext as _l

ABROAD = {Location.ABROAD, Location.UNKNOWN}
PERSONAL = {DataCategory.GENERAL, DataCategory.SPECIFIC}


@dataclass(frozen=True)
class RiskRule:
    """One row of the table: the answers it matches and the level it gives."""

    level: Risk
    reason: object
    data: frozenset = field(default_factory=frozenset)
    decisions: frozenset = field(default_factory=frozenset)
    location: frozenset = field(default_factory=frozenset)

    def matches(self, data: str, decisions: str, location: str) -> bool:
        return all(
            not allowed or value in allowed
            for allowed, value in (
                (self.data, data),
                (self.decisions, decisions),
                (self.location, location),
            )
        )


def _rule(level: Risk, reason, *, data=(), decisions=(), location=()) -> RiskRule:
    return RiskRule(level, reason, frozenset(data), frozenset(decisions), frozenset(location))


#: The rule table (first match wins). Keep README "Registri Pemanfaatan AI" in step with it.
RULES: list[RiskRule] = [
    _rule(
        Risk.HIGH,
        _l(
            "Keputusan otomatis tentang warga dengan memakai data pribadi (UU 27/2022 Pasal 10 "
            "dan Pasal 34 ayat (2) huruf a)."
        ),
        data=PERSONAL,
        decisions={Decisions.MAKES},
    ),
    _rule(
        Risk.HIGH,
        _l("Memproses data pribadi spesifik (UU 27/2022 Pasal 4 dan Pasal 34 ayat (2) huruf b)."),
        data={DataCategory.SPECIFIC},
    ),
    _rule(
        Risk.MEDIUM,
        _l(
            "Mengambil keputusan tentang warga secara otomatis, walau tanpa data pribadi: "
            "pastikan ada petugas yang memeriksa dan warga dapat mengajukan keberatan."
        ),
        decisions={Decisions.MAKES},
    ),
    _rule(
        Risk.MEDIUM,
        _l(
            "Data pribadi diproses atau disimpan di luar negeri, atau lokasinya belum diketahui "
            "(PP 71/2019: penyelenggara sistem elektronik lingkup publik menyimpan datanya di "
            "Indonesia)."
        ),
        data={DataCategory.GENERAL},
        location=ABROAD,
    ),
    _rule(
        Risk.MEDIUM,
        _l("Data pribadi dipakai untuk mendukung keputusan petugas tentang warga."),
        data={DataCategory.GENERAL},
        decisions={Decisions.SUPPORTS},
    ),
    _rule(
        Risk.LOW,
        _l(
            "Tanpa keputusan otomatis dan tanpa data pribadi spesifik; data pribadi umum, bila "
            "ada, tetap di Indonesia."
        ),
    ),
]


@dataclass(frozen=True)
class Assessment:
    level: Risk
    reason: object


def assess(data: str, decisions: str, location: str) -> Assessment:
    """The risk level of an entry's answers, and the rule's reason."""
    for rule in RULES:
        if rule.matches(data, decisions, location):
            return Assessment(rule.level, rule.reason)
    raise LookupError("the last risk rule must match everything")  # pragma: no cover


def needs_dpia(level: str) -> bool:
    """A DPIA must be completed before the status "berjalan"."""
    return level == Risk.HIGH
