"""Pure rules about notices (clauses 11.1, 11.2): decided from plain data, no database.

Every decision names the rule and the clause that made it, so a notice can show why it is
deemed received and an inbound notice why it was flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import models

from tradepost.policy import ContractingEntity


class Channel(models.TextChoices):
    """Clause 11.2: the ways a notice or demand to a member is effective."""

    EMAIL = "email", "Email"
    PUBLIC_POSTING = "public_posting", "Posting on the public notice board"
    PERSONAL = "personal", "Personal delivery"
    COURIER = "courier", "Courier"
    CERTIFIED_MAIL = "certified_mail", "Certified mail"
    FAX = "fax", "Facsimile"


# Sent when staff record the dispatch (a courier's waybill, a posting receipt, a fax report).
PHYSICAL_CHANNELS = frozenset(
    {Channel.PERSONAL, Channel.COURIER, Channel.CERTIFIED_MAIL, Channel.FAX}
)


class InboundChannel(models.TextChoices):
    """Clause 11.1: notices to the platform are made in writing, delivered in one of these ways."""

    PERSONAL = "personal", "Personal delivery"
    COURIER = "courier", "Courier"
    CERTIFIED_MAIL = "certified_mail", "Certified mail"


# --- Deemed receipt (11.2) -------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptRule:
    rule_id: str
    clause: str
    evidence: str


RECEIPT_RULES: dict[str, ReceiptRule] = {
    Channel.EMAIL: ReceiptRule(
        "email-accepted-by-mail-backend",
        "11.2 (a)",
        "The mail backend accepted the message for the member's last-known email address.",
    ),
    Channel.PUBLIC_POSTING: ReceiptRule(
        "public-posting",
        "11.2 (b)",
        "Posted on the public notice board, open to anyone without login or charge.",
    ),
    Channel.PERSONAL: ReceiptRule(
        "personal-delivery-recorded",
        "11.2 (a)",
        "Staff recorded the personal delivery to the member.",
    ),
    Channel.COURIER: ReceiptRule(
        "courier-dispatch-recorded",
        "11.2 (a)",
        "Staff recorded the dispatch by courier to the last-known correspondence address.",
    ),
    Channel.CERTIFIED_MAIL: ReceiptRule(
        "certified-mail-dispatch-recorded",
        "11.2 (a)",
        "Staff recorded the posting by certified mail to the last-known correspondence address.",
    ),
    Channel.FAX: ReceiptRule(
        "fax-transmission-recorded",
        "11.2 (a)",
        "Staff recorded the fax transmission to the last-known fax number.",
    ),
}


@dataclass(frozen=True)
class DeemedReceipt:
    at: datetime
    rule_id: str
    clause: str


def deemed_receipt(*, channel: str, sent_at: datetime | None) -> DeemedReceipt | None:
    """Clause 11.2: deemed received when the platform can demonstrate the notice was sent (a),
    or immediately on posting it on a public page of the Sites (b).

    `sent_at` is the moment the evidence records: the mail backend accepted the message, staff
    recorded the dispatch, or the posting went up. No such record (not sent yet, or every send
    failed) means not deemed received.
    """
    if channel not in RECEIPT_RULES:
        raise ValueError(f"unknown notice channel {channel!r}")
    if sent_at is None:
        return None
    rule = RECEIPT_RULES[channel]
    return DeemedReceipt(at=sent_at, rule_id=rule.rule_id, clause=rule.clause)


def earliest_receipt(*receipts: DeemedReceipt | None) -> DeemedReceipt | None:
    """Clause 11.2 "if and when (a) ... or (b)": the first event that satisfies either limb
    decides, and a later one changes nothing. On a tie the receipt given first stays."""
    found = [r for r in receipts if r is not None]
    return min(found, key=lambda r: r.at) if found else None


def dispatch_problem(
    *, channel: str, dispatched_at: datetime, issued_at: datetime, now: datetime
) -> str | None:
    """Why a recorded physical dispatch cannot stand, or None.

    Only a physical channel is dispatched by hand; a dispatch cannot precede the notice it
    carries nor lie in the future (it is evidence of what happened). Staff enter times to
    the minute, so the minute the notice was issued in counts as not before it.
    """
    if channel not in PHYSICAL_CHANNELS:
        return f"A notice by {Channel(channel).label.lower()} is not dispatched by hand."
    if dispatched_at > now:
        return "The dispatch time is in the future."
    if dispatched_at < issued_at.replace(second=0, microsecond=0):
        return "The dispatch time is before the notice was issued."
    return None


# --- Email retries ---------------------------------------------------------------------------

EMAIL_MAX_ATTEMPTS = 10
EMAIL_RETRY_FIRST_DELAY = timedelta(minutes=1)
EMAIL_RETRY_MAX_DELAY = timedelta(hours=6)


def email_retry_delay(*, failed_attempts: int) -> timedelta | None:
    """How long to wait after the n-th failed attempt: 1, 2, 4 ... minutes, capped at 6 hours.

    None after the last attempt: the delivery is marked failed, stays visible to staff, who can
    re-arm it or use another 11.2 channel. About eight and a half hours pass before that.
    """
    if failed_attempts < 1:
        raise ValueError("failed_attempts counts from 1")
    if failed_attempts >= EMAIL_MAX_ATTEMPTS:
        return None
    return min(EMAIL_RETRY_FIRST_DELAY * 2 ** (failed_attempts - 1), EMAIL_RETRY_MAX_DELAY)


# --- Notices to the platform (11.1) ----------------------------------------------------------


@dataclass(frozen=True)
class AddressingCheck:
    flagged: bool
    rule_id: str
    clause: str
    reason: str


def inbound_addressing(
    *, addressed: ContractingEntity, member_entity: ContractingEntity | None
) -> AddressingCheck:
    """Clause 11.1 with 2.1: a legal notice about a member's contract goes to the entity that
    member contracts with ("as the case may be"); AliExpress Russia has its own address.

    A notice addressed to another entity is flagged for legal review, not refused: 11.1 makes
    a notice effective when received, and whether a misaddressed one is valid is for counsel.
    """
    if member_entity is None:
        return AddressingCheck(
            flagged=False,
            rule_id="no-member-to-compare",
            clause="11.1",
            reason="No member named; the addressed entity cannot be checked against 2.1.",
        )
    if addressed.key == member_entity.key:
        return AddressingCheck(
            flagged=False,
            rule_id="addressed-to-contracting-entity",
            clause="11.1, 2.1",
            reason=f"Addressed to {addressed.name}, the member's contracting entity.",
        )
    return AddressingCheck(
        flagged=True,
        rule_id="addressed-to-other-entity",
        clause="11.1, 2.1",
        reason=(
            f"Addressed to {addressed.name}, but the member contracts with "
            f"{member_entity.name} (clause 2.1), whose notice address is: "
            f"{member_entity.notice_address}."
        ),
    )
