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
