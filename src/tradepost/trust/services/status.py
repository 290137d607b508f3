"""Enforcement use cases (clauses 4.5, 6.2 i): a member status change takes effect everywhere.

A status change is the member's own change (status, status history row, sessions ended, API
tokens revoked: `members.services.member_status_set`) plus its effect in the catalog (a
suspended or terminated supplier's listings leave search, and return on reinstatement), in one
transaction. This layer sits above both, so neither has to import the other.
"""

from __future__ import annotations

from django.db import transaction

from tradepost.audit.services import audit_record
from tradepost.catalog import search
from tradepost.members.models import Member, MemberStatus, User
from tradepost.members.services import member_status_set


@transaction.atomic
def member_change_status(
    *, member: Member, to_status: str, reason: str, by: User, reopen_terminated: bool = False
) -> Member:
    """Staff change a member's status with a required reason (clauses 4.5, 6.2 i).

    `reopen_terminated` only for an appeal that overturned a termination (DSA Art. 20).

    The status history row (`MemberStatusChange`, naming `by`) is the audit row. Suspending or
    terminating ends every live session, revokes every API token and hides the supplier's
    listings from search at once; reinstating shows them again, in their old place.
    """
    before = member.status
    member = member_status_set(
        member=member,
        to_status=to_status,
        reason=reason,
        by=by,
        reopen_terminated=reopen_terminated,
    )
    audit_record(
        actor=by,
        action="member.status_changed",
        target_type="member",
        target_id=member.member_id,
        member_id=member.member_id,
        reason=reason,
        clause="6.2 (i)" if to_status != MemberStatus.ACTIVE else "4.5",
        before={"status": before},
        after={"status": member.status},
    )
    search.supplier_visibility_changed(
        member_pk=member.pk, visible=member.status == MemberStatus.ACTIVE
    )
    return member


def member_suspend(*, member: Member, reason: str, by: User) -> Member:
    """Clause 6.2 (i): suspend the account."""
    return member_change_status(
        member=member, to_status=MemberStatus.SUSPENDED, reason=reason, by=by
    )


def member_terminate(*, member: Member, reason: str, by: User) -> Member:
    """Clause 6.2 (i): terminate the account; final."""
    return member_change_status(
        member=member, to_status=MemberStatus.TERMINATED, reason=reason, by=by
    )


def member_reinstate(*, member: Member, reason: str, by: User) -> Member:
    """Lift a suspension (clause 4.5): the member is active again."""
    return member_change_status(member=member, to_status=MemberStatus.ACTIVE, reason=reason, by=by)
