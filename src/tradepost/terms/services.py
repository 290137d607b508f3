"""Use cases that change Terms state."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tradepost.terms.models import AcceptanceMethod, TermsAcceptance, TermsVersion


@transaction.atomic
def terms_accept(
    *, member_pk: int, version: TermsVersion, method: AcceptanceMethod, ip: str | None
) -> TermsAcceptance:
    """Clauses 1.1 and 4.4: record that a member accepted this exact text."""
    acceptance, _ = TermsAcceptance.objects.get_or_create(
        member_id=member_pk,
        version=version,
        defaults={
            "accepted_at": timezone.now(),
            "method": method,
            "ip": ip,
            "text_sha256": version.body_sha256,
        },
    )
    return acceptance
