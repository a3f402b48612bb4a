"""What the elections tell packages above them, without importing them: a blinker signal each.

``committee_seated`` is sent inside ``seat_committee``'s transaction, with the
session as sender and ``community``, ``committee``, ``actor`` and ``now``; a
receiver writes in that same transaction (the preparatory group dissolves).
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

committee_seated = signals.signal("committee-seated")
