"""Legal notices to the platform (clause 11.1)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from tradepost.errors import InvalidInput
from tradepost.members.models import Member, User
from tradepost.members.selectors import member_contracting_entity
from tradepost.notices import rules
from tradepost.notices.models import InboundLegalNotice
from tradepost.notices.rules import InboundChannel
from tradepost.notices.services.common import text_field
from tradepost.policy import load_contracting_policy


@transaction.atomic
def inbound_notice_register(
    *,
    sender_name: str,
    sender_address: str,
    addressed_entity: str,
    channel: str,
    received_at: datetime,
    subject: str,
    by: User,
    summary: str = "",
    reference: str = "",
    member: Member | None = None,
) -> InboundLegalNotice:
    """Clause 11.1: register a legal notice or demand received by the platform. It is
    effective when received; one addressed to an entity other than the member's contracting
    entity (2.1) is flagged for legal review."""
    policy = load_contracting_policy()
    if addressed_entity not in policy.entities:
        raise InvalidInput(
            "Unknown addressed entity.",
            fields={"addressed_entity": [f"One of {sorted(policy.entities)}."]},
        )
    if channel not in InboundChannel.values:
        raise InvalidInput(
            "Clause 11.1 notices arrive personally, by courier or by certified mail.",
            fields={"channel": [f"One of {InboundChannel.values}."]},
        )
    if received_at > timezone.now():
        raise InvalidInput(
            "The time of receipt is in the future.", fields={"received_at": ["In the future."]}
        )
    check = rules.inbound_addressing(
        addressed=policy.entity(addressed_entity),
        member_entity=member_contracting_entity(member) if member is not None else None,
    )
    return InboundLegalNotice.objects.create(
        sender_name=text_field(sender_name, "sender_name", 200, required=True),
        sender_address=text_field(sender_address, "sender_address", 2000, multiline=True),
        member=member,
        addressed_entity=addressed_entity,
        channel=channel,
        reference=text_field(reference, "reference", 100),
        subject=text_field(subject, "subject", 200, required=True),
        summary=text_field(summary, "summary", 50_000, multiline=True),
        received_at=received_at,
        effective_at=received_at,
        flagged_wrong_entity=check.flagged,
        flag_rule=check.rule_id,
        flag_clause=check.clause,
        flag_reason=check.reason,
        registered_by=by,
    )
