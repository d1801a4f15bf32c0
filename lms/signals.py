"""Signals features send and others subscribe to, so no feature reaches into another.

Indico's modules work this way: the sender says what happened, receivers decide what it means for
them. Receivers connect in their own feature (at import of its views or ``init_app``).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A person signed in. Sender: the ``User``; keyword arguments ``method`` ("password", "sso",
#: "activation", "reset") and ``now`` (UTC).
signed_in = _signals.signal("signed-in")

#: People were placed: created, moved to another unit or position, reactivated, or imported.
#: Sender: ``None``; keyword arguments ``user_ids`` (the people placed) and ``now`` (UTC). Sent
#: after a flush, inside the transaction that placed them, so receivers' work commits with it.
people_placed = _signals.signal("people-placed")

#: A unit moved under another parent, its sub-units and their people with it. Sender: the
#: ``Unit`` (paths already rewritten, flushed); keyword argument ``now`` (UTC).
unit_moved = _signals.signal("unit-moved")

#: A course written in the browser went live for the first time. Sender: the ``Course``
#: (flushed); keyword arguments ``author_id`` (who created its draft, or None), ``by`` (the
#: ``User`` who published, or None) and ``now`` (UTC). Sent inside the publishing transaction.
course_created = _signals.signal("course-created")
