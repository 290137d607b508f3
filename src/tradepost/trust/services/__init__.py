"""Trust & Safety use cases. Each module is one area; the status change is re-exported here
because the console and older callers know it as `trust.services.member_change_status`."""

from tradepost.trust.services.status import (
    member_change_status,
    member_reinstate,
    member_suspend,
    member_terminate,
)

__all__ = ["member_change_status", "member_reinstate", "member_suspend", "member_terminate"]
