"""What the complaint, case, penalty and rights-claim services share: input text and the
member lock that serialises grouping, points and strikes per member."""

from __future__ import annotations

from tradepost.errors import InvalidInput, NotFound
from tradepost.members.models import Member
from tradepost.text import clean_text


def text_field(
    value: str, field: str, max_length: int, *, multiline: bool = True, required: bool = True
) -> str:
    """Input text, cleaned (no control characters), bounded, and present when required."""
    label = field.replace("_", " ").capitalize()
    try:
        text = clean_text(value or "", multiline=multiline)
    except ValueError as exc:
        raise InvalidInput(f"{label} {exc}.", fields={field: [str(exc)]}) from None
    if len(text) > max_length:
        raise InvalidInput(
            f"{label} is too long.", fields={field: [f"At most {max_length} characters."]}
        )
    if required and not text:
        raise InvalidInput(f"{label} is required.", fields={field: ["Required."]})
    return text


def known_id(value: object) -> bool:
    """A primary key the database can hold (a larger one would overflow, not just miss)."""
    return isinstance(value, int) and 0 < value < 2**63


def member_locked(member_id: str) -> Member:
    """The member row, locked: it serialises grouping, points and strikes per member."""
    member = Member.objects.select_for_update(of=("self",)).filter(member_id=member_id).first()
    if member is None:
        raise NotFound("Member not found.")
    return member
