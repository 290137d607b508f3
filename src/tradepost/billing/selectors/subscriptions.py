"""Reads of the service catalogue, subscriptions and invoices (issue 13). Never write."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tradepost.billing.models import Invoice, ServiceChange, Subscription, SubscriptionStatus
from tradepost.billing.rules.subscriptions import Availability, service_availability
from tradepost.catalog.policy import load_membership_tiers
from tradepost.errors import InvalidInput, NotFound
from tradepost.members.models import Member
from tradepost.members.rules import contracting_entity_for
from tradepost.policy import COUNTRY_CODES, SITES
from tradepost.policy.paid_services import PaidService, Plan, load_paid_services_policy

INVOICE_NOT_FOUND = "No such invoice."


@dataclass(frozen=True)
class OfferedService:
    service: PaidService
    benefits: dict[str, str]
    availability: Availability


def country_check(country: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper case; 422 `unknown_country` otherwise."""
    code = (country or "").strip().upper()
    if code not in COUNTRY_CODES:
        raise InvalidInput(
            f"Unknown country {country!r}: give an ISO 3166-1 alpha-2 code.",
            code="unknown_country",
            fields={"country": ["Unknown country code."]},
        )
    return code


def entity_for_country(*, country: str, site: str = "alibaba") -> str:
    """Clause 2.1: the contracting entity a member from `country` would contract with."""
    if site not in SITES:
        site = "alibaba"
    return contracting_entity_for(site=site, country=country, access_country=country).entity.key


def service_benefits(service: PaidService) -> dict[str, str]:
    """Clause 2.4: the service's benefits as they stand now: the latest recorded change
    (`service_change`), else the policy file's."""
    latest = ServiceChange.objects.filter(service_key=service.key).order_by("-at", "-id").first()
    return dict(latest.after) if latest else service.benefits()


def tier_limits(tier: str) -> dict[str, Any]:
    """The limits a membership tier carries (membership_tiers.toml: one source of truth)."""
    tiers = load_membership_tiers().tiers
    t = tiers.get(tier)
    if t is None:
        return {}
    return {
        "listing_cap": t.listing_cap,
        "mailbox_quota_mb": t.mailbox_quota_mb,
        "quote_quota_month": t.quote_quota_month,
    }


def all_tier_limits() -> dict[str, dict[str, Any]]:
    return {key: tier_limits(key) for key in load_membership_tiers().tiers}


def services_offered(*, country: str, entity: str | None = None) -> list[OfferedService]:
    """Clause 2.3: the services offered to a member of `entity` (or, when not given, the
    entity a member from `country` contracts with) from `country`, in the file's order."""
    country = country_check(country)
    entity = entity or entity_for_country(country=country)
    offered = []
    for service in load_paid_services_policy().all():
        decision = service_availability(service, entity=entity, country=country)
        if decision.offered:
            offered.append(OfferedService(service, service_benefits(service), decision))
    return offered


def services_offered_to_member(member: Member) -> list[OfferedService]:
    return services_offered(country=member.country, entity=member.contracting_entity)


def plan_lookup(plan_id: str) -> tuple[PaidService, Plan]:
    """The service and plan of `plan_id`; 422 `unknown_plan` when no plan has that id."""
    found = load_paid_services_policy().plan(str(plan_id))
    if found is None:
        raise InvalidInput(
            "No plan has this id.", code="unknown_plan", fields={"plan_id": ["Unknown plan."]}
        )
    return found


# --- Subscriptions ---------------------------------------------------------------------------


def subscriptions_of(member: Member) -> QuerySet[Subscription]:
    return Subscription.objects.filter(member=member).order_by("-created_at", "-id")


def member_active_subscriptions(member: Member) -> QuerySet[Subscription]:
    return subscriptions_of(member).filter(status=SubscriptionStatus.ACTIVE)


def member_active_plan(member: Member) -> Subscription | None:
    """The member's running paid membership (the subscription whose tier it has), or None."""
    keys = [s.key for s in load_paid_services_policy().all() if s.kind == "membership"]
    return member_active_subscriptions(member).filter(service_key__in=keys).first()


def member_membership_benefits(member: Member) -> dict[str, str]:
    """What the member's membership gives now: `tier`, `badge`, `search_boost` (the
    running paid membership's snapshot, clause 2.4, else the default tier's free one)."""
    active = member_active_plan(member)
    if active is not None:
        return dict(active.benefits)
    default = load_membership_tiers().default_tier
    service = load_paid_services_policy().membership_for_tier(default)
    if service is None:
        return {"tier": default, "badge": "", "search_boost": "1"}
    return service_benefits(service)


def member_has_active_service(member: Member, service_key: str) -> bool:
    """Whether the member has a running subscription to `service_key` (e.g. `verification`)."""
    return member_active_subscriptions(member).filter(service_key=service_key).exists()


# --- Invoices --------------------------------------------------------------------------------


def invoices_of(member: Member) -> QuerySet[Invoice]:
    return Invoice.objects.filter(member=member).order_by("-issued_at", "-id")


def invoice_for_viewer(*, user: Any, invoice_id: int) -> Invoice:
    """The invoice for its member or staff; 404 alike for "not there" and "not yours"."""
    invoice = Invoice.objects.select_related("member", "subscription").filter(pk=invoice_id).first()
    if invoice is None or user is None or not user.is_authenticated:
        raise NotFound(INVOICE_NOT_FOUND)
    if user.is_staff:
        return invoice
    if invoice.member.user_id != user.pk:
        raise NotFound(INVOICE_NOT_FOUND)
    return invoice
