"""Signals members sends for the apps above it, which members must not import.

`member_registered(member=, ip=)`: sent inside the registration's transaction, after the
member, its identifiers and (for an approved second account) its duplicate signals exist;
trust records the identity signals of related accounts on it (clauses 4.1, 6.2 (i)), and
compliance screens the member's names against the sanctions lists (clause 5.13).

`member_names_changed(member=)`: sent inside the transaction of a profile edit that changed
the company or contact name, and of adding or removing a business referee; compliance screens
the member again (clause 5.13).
"""

from __future__ import annotations

from django.dispatch import Signal

member_registered = Signal()
member_names_changed = Signal()
