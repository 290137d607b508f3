"""Reads about Terms versions."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from tradepost.errors import DomainError
from tradepost.terms.models import TermsAcceptance, TermsVersion


class NoTermsInForce(DomainError):
    code = "no_terms_in_force"
    status = 503


def terms_version_in_force(*, site: str, at: datetime | None = None) -> TermsVersion:
    """Clause 1.3: the version with the latest effective date not after `at` binds."""
    day = timezone.localdate(at) if at else timezone.localdate()
    version = (
        TermsVersion.objects.filter(site=site, effective_date__lte=day)
        .order_by("-effective_date")
        .first()
    )
    if version is None:
        raise NoTermsInForce(f"No Terms of Use are in force for the {site} site yet.")
    return version


def acceptances_for_member(*, member_pk: int) -> list[TermsAcceptance]:
    return list(
        TermsAcceptance.objects.filter(member_id=member_pk)
        .select_related("version")
        .order_by("-accepted_at")
    )
