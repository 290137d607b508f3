"""Screening on member events (clause 5.13), connected in `ComplianceConfig.ready`.

members sends `member_registered` from its registration service and `member_names_changed`
when the company or contact name or a business referee changes (members cannot import
compliance); both arrive inside the member's transaction, so a hold is in force before the
registration or the edit answers.
"""

from __future__ import annotations

from typing import Any

from tradepost.compliance.screening import member_screen
from tradepost.members.models import Member
from tradepost.members.signals import member_names_changed, member_registered


def on_member_screened_data(sender: Any, *, member: Member, **kwargs: Any) -> None:
    member_screen(member=member)


def connect() -> None:
    member_registered.connect(on_member_screened_data, dispatch_uid="compliance.registered")
    member_names_changed.connect(on_member_screened_data, dispatch_uid="compliance.names")
