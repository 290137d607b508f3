"""Helpers the notices services share: input text and the 11.2 earliest-receipt update."""

from __future__ import annotations

from tradepost.errors import InvalidInput
from tradepost.notices import rules
from tradepost.notices.models import Notice
from tradepost.text import clean_text


def text_field(
    value: str, field: str, max_length: int, *, multiline: bool = False, required: bool = False
) -> str:
    label = field.replace("_", " ").capitalize()
    try:
        text = clean_text(value or "", multiline=multiline)
    except ValueError as exc:
        raise InvalidInput(f"{label} {exc}.", fields={field: [str(exc)]}) from None
    if len(text) > max_length:
        problem = f"At most {max_length} characters."
        raise InvalidInput(f"{label} is too long.", fields={field: [problem]})
    if required and not text:
        raise InvalidInput(f"{label} is required.", fields={field: ["Required."]})
    return text


def apply_receipt(notice: Notice, receipt: rules.DeemedReceipt | None) -> None:
    """Set the notice's deemed receipt to the earliest of what it had and `receipt` (11.2)."""
    current = None
    if notice.deemed_received_at is not None:
        current = rules.DeemedReceipt(
            at=notice.deemed_received_at, rule_id=notice.deemed_rule, clause=notice.deemed_clause
        )
    decided = rules.earliest_receipt(current, receipt)
    if decided is not None:
        notice.deemed_received_at = decided.at
        notice.deemed_rule = decided.rule_id
        notice.deemed_clause = decided.clause
