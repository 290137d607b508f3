"""Promotion Services (clause 2.6): buying Top Ranking keywords, running Sponsored Listing
campaigns, billing their clicks, and stopping both when enforcement says so.

Money moves only through the ledger: the SIMULATED provider charges the fee, then one FEE
transaction moves it from the member's funding account to the platform's fees.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from tradepost import gates
from tradepost.audit.services import audit_record
from tradepost.billing.models.promotions import (
    AdClick,
    ClickOutcome,
    PromotionStatus,
    SponsoredCampaign,
    SponsoredKeyword,
    TopRankingKeyword,
    TopRankingPurchase,
)
from tradepost.billing.rules import promotions as rules
from tradepost.catalog.models import Listing, ListingStatus
from tradepost.catalog.promotions import keyword_normalise
from tradepost.catalog.selectors import listing_for_member
from tradepost.errors import (
    AccountNotActive,
    Conflict,
    FeatureRestricted,
    InvalidInput,
)
from tradepost.members.models import Member, MemberStatus
from tradepost.policy.promotions import PromotionsPolicy, load_promotions_policy
from tradepost.trade.models.ledger import AccountPurpose, TransactionKind
from tradepost.trade.payments import payment_provider
from tradepost.trade.rules.ledger import in_minor_units, minor_unit
from tradepost.trade.services.ledger import Leg, ledger_account, ledger_post
from tradepost.trade.services.orders import PaymentFailed

CLICK_SALT = "tradepost.billing.promotions.click"
PAYMENT_METHOD = "test_card"


def _policy() -> PromotionsPolicy:
    return load_promotions_policy()


def promotion_refusal(member: Member, now: datetime | None = None) -> str:
    """Clause 2.6 and 6.2: why the member's promotions may not run now ("" when they may):
    a member not active, or an action restricting promotions (trust's 24-point step)."""
    if member.status != MemberStatus.ACTIVE:
        return f"member {member.status}"
    decision = gates.feature_allowed(member, "promotions", now)
    if not decision.allowed:
        return f"action {decision.action_id} (clause {decision.clause})"
    return ""


def _guard(member: Member, now: datetime) -> None:
    if member.status != MemberStatus.ACTIVE:
        raise AccountNotActive(_("Your account is not active, so it cannot buy promotions."))
    decision = gates.feature_allowed(member, "promotions", now)
    if not decision.allowed:
        raise FeatureRestricted(
            _("Promotions are restricted on your account for now."),
            extra={"action_id": decision.action_id, "clause": decision.clause},
        )


def _own_published_listing(member: Member, listing_id: Any) -> Listing:
    """Clause 2.6: a member promotes its own published listing (404 alike for someone
    else's and a missing one)."""
    if not isinstance(listing_id, int) or isinstance(listing_id, bool) or listing_id <= 0:
        raise InvalidInput(
            _("Choose one of your listings."), fields={"listing_id": [_("Not a listing id.")]}
        )
    listing = listing_for_member(member=member, listing_id=listing_id)
    if listing.status != ListingStatus.PUBLISHED:
        raise InvalidInput(
            _("Only a published listing can be promoted."),
            code="listing_not_published",
            fields={"listing_id": [_("This listing is not published.")]},
        )
    return listing


def _keyword(text: Any, field: str = "keyword") -> str:
    keyword = keyword_normalise(text) if isinstance(text, str) else ""
    if not keyword:
        raise InvalidInput(
            _("Enter a keyword of letters or digits."), fields={field: [_("Enter a keyword.")]}
        )
    return keyword


def _amount(value: Any, currency: str, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        amount = Decimal("NaN")
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e9"):
        raise InvalidInput(_("Enter an amount above zero."), fields={field: [_("Not an amount.")]})
    if not in_minor_units(amount, currency):
        raise InvalidInput(
            _("The amount has more decimals than the currency allows."),
            fields={field: [_("Too many decimals for %(currency)s.") % {"currency": currency}]},
        )
    return amount


def _charge_fee(
    *, member: Member, amount: Decimal, currency: str, reference: str, what: str, by: Any
) -> str:
    """Charge `amount` with the payment provider, then post one FEE transaction: the member's
    funding account pays the platform's fees. Returns the provider's reference; a refused
    charge raises PaymentFailed and the caller's transaction rolls back."""
    provider = payment_provider()
    result = provider.charge(
        amount=amount, currency=currency, method=PAYMENT_METHOD, reference=f"{reference}:{what}"
    )
    if not result.ok:
        raise PaymentFailed(
            result.message,
            extra={"failure_code": result.failure_code, "provider": provider.name},
        )
    ledger_post(
        kind=TransactionKind.FEE,
        reference=reference,
        dedupe_key=f"{reference}:{what}",
        legs=[
            Leg(
                ledger_account(
                    purpose=AccountPurpose.BUYER_FUNDING, currency=currency, member=member
                ),
                -amount,
            ),
            Leg(ledger_account(purpose=AccountPurpose.PLATFORM_FEES, currency=currency), amount),
        ],
        actor=by,
        memo=f"Promotion fee {reference} ({provider.name})",
        provider_reference=result.reference,
    )
    return result.reference


# --- Top Ranking --------------------------------------------------------------------------


@transaction.atomic
def top_ranking_buy(
    *,
    member: Member,
    listing_id: Any,
    keyword: Any,
    days: Any,
    by: Any,
    bid: Any = None,
    now: datetime | None = None,
) -> TopRankingPurchase:
    """Clause 2.6: the member's listing takes a top slot for searches matching `keyword`
    for `days` days, paid now. The keyword's row is locked first, so two buyers of its last
    slot are served in turn; with every slot taken the answer is 409 `top_ranking_full` and
    nothing is written or charged. With allocation "bid", `bid` (a price per keyword-day at
    least the policy's) orders the slots, highest first; otherwise it is not read."""
    now = now or timezone.now()
    policy = _policy().top_ranking
    _guard(member, now)
    normalised = _keyword(keyword)
    if not isinstance(days, int) or isinstance(days, bool):
        raise InvalidInput(_("Enter a number of days."), fields={"days": [_("Not a number.")]})
    if not policy.min_days <= days <= policy.max_days:
        raise InvalidInput(
            _("Choose between %(min)s and %(max)s days.")
            % {"min": policy.min_days, "max": policy.max_days},
            fields={"days": [_("Out of range.")]},
        )
    listing = _own_published_listing(member, listing_id)
    TopRankingKeyword.objects.get_or_create(keyword=normalised)
    TopRankingKeyword.objects.select_for_update().get(keyword=normalised)
    ends_at = now + timedelta(days=days)
    overlapping = TopRankingPurchase.objects.filter(
        keyword=normalised, status=PromotionStatus.ACTIVE, starts_at__lt=ends_at, ends_at__gt=now
    )
    if overlapping.filter(listing_id=listing.pk).exists():
        raise Conflict(
            _("This listing already holds this keyword for part of that period."),
            code="top_ranking_duplicate",
        )
    taken = list(overlapping.order_by("ends_at").values_list("ends_at", flat=True))
    if len(taken) >= policy.slots_per_keyword:
        raise Conflict(
            _("Every top slot for this keyword is taken for that period."),
            code="top_ranking_full",
            extra={"slots": policy.slots_per_keyword, "next_free_at": taken[0].isoformat()},
        )
    currency = policy.price_currency(listing.currency)
    per_day = policy.price_per_keyword_day[currency]
    if policy.allocation == "bid" and bid is not None:
        offered = _amount(bid, currency, "bid")
        if offered < per_day:
            raise InvalidInput(
                _("The bid is below the price of %(min)s %(currency)s a day.")
                % {"min": per_day, "currency": currency},
                code="bid_too_low",
                fields={"bid": [_("Below the price per day.")]},
            )
        per_day = offered
    purchase = TopRankingPurchase.objects.create(
        member=member,
        listing=listing,
        keyword=normalised,
        days=days,
        starts_at=now,
        ends_at=ends_at,
        currency=currency,
        price_per_day=per_day,
        price=per_day * days,
    )
    purchase.payment_reference = _charge_fee(
        member=member,
        amount=purchase.price,
        currency=currency,
        reference=f"top_ranking:{purchase.pk}",
        what="fee",
        by=by,
    )
    purchase.save(update_fields=["payment_reference"])
    audit_record(
        actor=by,
        action="promotion.top_ranking.buy",
        target_type="top_ranking",
        target_id=purchase.pk,
        member_id=member.member_id,
        clause="2.6",
        after={"keyword": normalised, "listing": listing.pk, "days": days, "price": per_day * days},
    )
    return purchase


# --- Sponsored Listing --------------------------------------------------------------------


@transaction.atomic
def sponsored_create(
    *,
    member: Member,
    listing_id: Any,
    keywords: Any,
    bid: Any,
    daily_budget: Any,
    currency: Any,
    by: Any,
    now: datetime | None = None,
) -> SponsoredCampaign:
    """Clause 2.6: a cost-per-click campaign for the member's own published listing: never
    more than `bid` a click (at least the currency's minimum bid) nor `daily_budget` a day."""
    now = now or timezone.now()
    policy = _policy().sponsored
    _guard(member, now)
    listing = _own_published_listing(member, listing_id)
    if not isinstance(currency, str) or currency.strip().upper() not in policy.min_bid:
        raise InvalidInput(
            _("Sponsored Listing is not offered in this currency."),
            fields={"currency": [_("Choose one of: %(c)s.") % {"c": ", ".join(policy.min_bid)}]},
        )
    currency = currency.strip().upper()
    if not isinstance(keywords, list) or not keywords:
        raise InvalidInput(_("Enter at least one keyword."), fields={"keywords": [_("Required.")]})
    normalised: list[str] = []
    for text in keywords:
        keyword = _keyword(text, "keywords")
        if keyword not in normalised:
            normalised.append(keyword)
    if len(normalised) > policy.max_keywords:
        raise InvalidInput(
            _("At most %(n)s keywords.") % {"n": policy.max_keywords},
            fields={"keywords": [_("Too many.")]},
        )
    bid_amount = _amount(bid, currency, "bid")
    if bid_amount < policy.min_bid[currency]:
        raise InvalidInput(
            _("The bid is below the minimum bid of %(min)s %(currency)s.")
            % {"min": policy.min_bid[currency], "currency": currency},
            code="bid_too_low",
            fields={"bid": [_("Below the minimum bid.")]},
        )
    budget = _amount(daily_budget, currency, "daily_budget")
    if budget < bid_amount:
        raise InvalidInput(
            _("The daily budget must cover at least one click at the bid."),
            fields={"daily_budget": [_("Below the bid.")]},
        )
    campaign = SponsoredCampaign.objects.create(
        member=member,
        listing=listing,
        keywords=normalised,
        bid=bid_amount,
        daily_budget=budget,
        currency=currency,
    )
    SponsoredKeyword.objects.bulk_create(
        SponsoredKeyword(campaign=campaign, keyword=keyword) for keyword in normalised
    )
    audit_record(
        actor=by,
        action="promotion.sponsored.create",
        target_type="sponsored_campaign",
        target_id=campaign.pk,
        member_id=member.member_id,
        clause="2.6",
        after={"listing": listing.pk, "keywords": normalised, "bid": bid_amount, "budget": budget},
    )
    return campaign


def click_token(*, campaign_id: int, price: Decimal) -> str:
    """The signed part of an ad's click URL: the auction price of the shown position."""
    return signing.dumps({"c": campaign_id, "p": str(price)}, salt=CLICK_SALT, compress=True)


def _token_price(token: str, campaign_id: int, max_age: timedelta) -> Decimal | None:
    try:
        data = signing.loads(token, salt=CLICK_SALT, max_age=max_age)
        price = Decimal(data["p"])
    except (signing.BadSignature, KeyError, TypeError, InvalidOperation):
        return None
    if data.get("c") != campaign_id or not price.is_finite() or price <= 0:
        return None
    return price


@transaction.atomic
def ad_click_record(
    *,
    campaign_id: int,
    token: str,
    client_key: str,
    device: str,
    now: datetime | None = None,
) -> tuple[AdClick | None, int | None]:
    """Clause 2.6: record a click on a Sponsored ad and bill it at the auction price of the
    position it was shown in (capped at the campaign's bid), once per client per ad per
    window; a burst from one client address or one device, an expired or altered link, a
    spent budget or a stopped campaign is recorded but not billed. The campaign row is locked
    first (on SQLite the IMMEDIATE transaction holds the write lock), so concurrent clicks
    never take the day's spend past the budget. Returns the click and the listing to
    redirect to (None, None for an unknown campaign)."""
    now = now or timezone.now()
    policy = _policy().sponsored
    campaign = (
        SponsoredCampaign.objects.select_for_update(of=("self",))
        .select_related("member")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None:
        return None, None
    today = now.date()
    if campaign.spent_day != today:
        campaign.spent_day, campaign.spent_today = today, Decimal(0)
    click = AdClick(
        campaign=campaign,
        client_key=client_key[:64],
        device=device[:64],
        clicked_at=now,
        day=today,
        outcome=ClickOutcome.BILLED,
    )
    max_age = timedelta(hours=policy.click_billing.link_max_age_hours)
    price = _token_price(token, campaign.pk, max_age)
    refusal = promotion_refusal(campaign.member, now)
    if refusal and campaign.status == PromotionStatus.ACTIVE:
        promotions_stop_for_member(member_pk=campaign.member_id, reason=refusal, now=now)
        campaign.status = PromotionStatus.STOPPED
    history = rules.ClickHistory(
        client_clicks_in_burst=AdClick.objects.filter(
            client_key=click.client_key,
            clicked_at__gt=rules.burst_since(now, policy.click_billing),
        ).count(),
        device_clicks_in_burst=AdClick.objects.filter(
            device=click.device, clicked_at__gt=rules.burst_since(now, policy.click_billing)
        ).count(),
        billed_in_window=AdClick.objects.filter(
            campaign=campaign,
            client_key=click.client_key,
            billed=True,
            clicked_at__gt=rules.window_since(now, policy.click_billing),
        ).exists(),
    )
    decision = rules.click_decision(history, policy=policy.click_billing)
    amount = Decimal(0)
    if campaign.status != PromotionStatus.ACTIVE:
        click.outcome = ClickOutcome.STOPPED
    elif price is None:
        click.outcome = ClickOutcome.BAD_LINK
    elif not decision.bill:
        click.outcome = decision.outcome
    else:
        amount = rules.budget_charge(
            price=min(price, campaign.bid),
            budget=campaign.daily_budget,
            spent=campaign.spent_today,
        ).quantize(minor_unit(campaign.currency))
        click.outcome = ClickOutcome.BILLED if amount > 0 else ClickOutcome.BUDGET
    click.billed = amount > 0
    click.amount = amount
    click.save()
    if click.billed:
        _charge_fee(
            member=campaign.member,
            amount=amount,
            currency=campaign.currency,
            reference=f"sponsored:{campaign.pk}",
            what=f"click:{click.pk}",
            by=None,
        )
        SponsoredCampaign.objects.filter(pk=campaign.pk).update(
            spent_day=today,
            spent_today=campaign.spent_today + amount,
            spent_total=F("spent_total") + amount,
        )
    elif campaign.spent_day == today:
        SponsoredCampaign.objects.filter(pk=campaign.pk).update(
            spent_day=today, spent_today=campaign.spent_today
        )
    return click, campaign.listing_id


# --- Enforcement --------------------------------------------------------------------------


def _stop(campaign_or_purchase: Any, *, reason: str, now: datetime) -> None:
    model = type(campaign_or_purchase)
    model.objects.filter(pk=campaign_or_purchase.pk, status=PromotionStatus.ACTIVE).update(
        status=PromotionStatus.STOPPED, stopped_at=now, stop_reason=reason[:200]
    )
    campaign_or_purchase.status = PromotionStatus.STOPPED
    audit_record(
        actor=None,
        action="promotion.stop",
        target_type=model._meta.model_name or "",
        target_id=campaign_or_purchase.pk,
        member_id="",
        reason=reason,
        clause="2.6, 6.2",
    )


@transaction.atomic
def promotions_stop_for_member(*, member_pk: int, reason: str, now: datetime | None = None) -> int:
    """Clause 2.6 and 6.2: enforcement wins. Every running promotion of the member stops at
    once, without charge for the stopped time (a Top Ranking purchase is not refunded here;
    the stop and its reason are recorded). Returns how many stopped."""
    now = now or timezone.now()
    stopped = 0
    for model in (TopRankingPurchase, SponsoredCampaign):
        rows = model.objects.filter(member_id=member_pk, status=PromotionStatus.ACTIVE)
        for row in rows:
            _stop(row, reason=reason, now=now)
            stopped += 1
    return stopped


def promotions_enforce_all(*, now: datetime | None = None) -> int:
    """Clause 2.6 and 6.2: a sweep behind the checks at search and click time, so a
    restricted or suspended member's promotions are recorded as stopped even if nobody
    searched its keywords. Returns how many promotions stopped."""
    now = now or timezone.now()
    member_pks = set(
        TopRankingPurchase.objects.filter(status=PromotionStatus.ACTIVE).values_list(
            "member_id", flat=True
        )
    ) | set(
        SponsoredCampaign.objects.filter(status=PromotionStatus.ACTIVE).values_list(
            "member_id", flat=True
        )
    )
    stopped = 0
    for member in Member.objects.filter(pk__in=member_pks).order_by("pk"):
        reason = promotion_refusal(member, now)
        if reason:
            stopped += promotions_stop_for_member(member_pk=member.pk, reason=reason, now=now)
    return stopped
