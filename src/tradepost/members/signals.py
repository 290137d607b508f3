"""Signals members sends for the apps above it, which members must not import.

`member_registered(member=, ip=)`: sent inside the registration's transaction, after the
member, its identifiers and (for an approved second account) its duplicate signals exist;
trust records the identity signals of related accounts on it (clauses 4.1, 6.2 (i)).
"""

from __future__ import annotations

from django.dispatch import Signal

member_registered = Signal()
