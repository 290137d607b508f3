"""RFQs and quotations (issue 11, clause 7.1): post an RFQ, quote it, edit a quotation once,
accept one; RFQs past their deadline close when next read. Every state change writes its
audit row; each check that says no raises a domain error and writes nothing.

Who may act: an active member (clauses 4.5, 6.2 (i): a suspended account does nothing) whom
no disciplinary action restricts from messaging (6.2 (iv): an RFQ and a quotation are
messages between buyer and seller on the information platform of 7.1).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pycountry
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from tradepost import gates
from tradepost.audit.services import audit_record
from tradepost.catalog.models import Category
from tradepost.catalog.policy import SLUG_PATTERN, load_membership_tiers
from tradepost.catalog.rules import (
    DESCRIPTION_MAX,
    QTY_MAX,
    TITLE_MAX,
    UNIT_MAX,
    clean_field,
    currency_valid,
    int_field,
    parse_price,
)
from tradepost.errors import (
    AccountNotActive,
    Conflict,
    FeatureRestricted,
    InvalidInput,
    PermissionDeniedError,
    Throttled,
)
from tradepost.members.models import Member, MemberStatus
from tradepost.money import decimal_str
from tradepost.trade.models.rfq import (
    Quotation,
    QuotationStatus,
    Rfq,
    RfqAttachment,
    RfqStatus,
)
from tradepost.trade.rules import rfq as rules
from tradepost.trade.services.orders import LineSpec, order_create, trade_screen_require
from tradepost.trust.selectors.links import cluster_member_pks
from tradepost.trust.services.uploads import CheckedFile, files_check, files_store

ATTACHMENTS_MAX = 5
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


class NotABuyer(PermissionDeniedError):
    code = "not_a_buyer"


class NotASupplier(PermissionDeniedError):
    code = "not_a_supplier"


class QuoteNotAllowed(PermissionDeniedError):
    """The supplier may not quote this RFQ (its own, or a related account's)."""

    code = "quote_not_allowed"


class QuoteQuotaExceeded(Throttled):
    """The membership tier's monthly quote quota is used up; `resets_at` says when it resets."""

    code = "quote_quota_exceeded"


class RfqNotOpen(Conflict):
    code = "rfq_not_open"


class QuotationExists(Conflict):
    code = "quotation_exists"


class QuotationNotEditable(Conflict):
    code = "quotation_not_editable"


class QuotationNotAcceptable(Conflict):
    code = "quotation_not_acceptable"


# --- Who may act -------------------------------------------------------------------------


def trade_member_require(member: Member, *, role: str) -> Member:
    """Clauses 4.5, 6.2 (i): a suspended or terminated account cannot post RFQs or quote (a
    suspension whose end has passed is lifted first, as at login). Clause 6.2 (iv): nor can a
    member an action restricts from messaging. `role` is "buyer" or "supplier"."""
    if member.status == MemberStatus.SUSPENDED and gates.expire_due(member):
        member.refresh_from_db()
    if member.status != MemberStatus.ACTIVE:
        raise AccountNotActive(
            f"Your account is {member.get_status_display().lower()}: "
            "you cannot post RFQs or send quotations.",
            extra={"status": member.status},
        )
    if role == "buyer" and not member.is_buyer:
        raise NotABuyer("Only members with the buyer role can post RFQs.")
    if role == "supplier" and not member.is_supplier:
        raise NotASupplier("Only members with the supplier role can send quotations.")
    decision = gates.feature_allowed(member, "messaging")
    if not decision.allowed:
        raise FeatureRestricted(
            f"A disciplinary action (#{decision.action_id}, clause {decision.clause}) "
            "restricts messaging on your account: you cannot post RFQs or send quotations.",
            extra={
                "feature": "messaging",
                "action_id": decision.action_id,
                "clause": decision.clause,
                "ends_at": decision.ends_at.isoformat() if decision.ends_at else None,
            },
        )
    return member


# --- Input -------------------------------------------------------------------------------


def _aware(value: Any, name: str, errors: dict[str, list[str]]) -> datetime | None:
    if not isinstance(value, datetime):
        errors.setdefault(name, []).append("Give a date and time (ISO 8601).")
        return None
    return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)


def _price(value: Any, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    price = parse_price(value)
    if price is None or price <= 0:
        errors.setdefault(name, []).append(
            'A positive decimal string with at most 4 decimals, e.g. "12.50".'
        )
        return None
    if price >= Decimal(10) ** 10:
        errors.setdefault(name, []).append("At most 9,999,999,999.9999.")
        return None
    return price


def _currency(value: Any, errors: dict[str, list[str]]) -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if not currency_valid(code):
        errors.setdefault("currency", []).append("Give an ISO 4217 currency code, e.g. USD.")
        return ""
    return code


def _rfq_fields(data: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {
        "title": clean_field(data.get("title"), "title", errors, limit=TITLE_MAX, required=True),
        "description": clean_field(
            data.get("description"),
            "description",
            errors,
            limit=DESCRIPTION_MAX,
            required=False,
            multiline=True,
        ),
        "unit": clean_field(data.get("unit"), "unit", errors, limit=UNIT_MAX, required=True),
        "quantity": int_field(
            data.get("quantity"), "quantity", errors, low=1, high=QTY_MAX, required=True
        ),
        "target_unit_price": _price(data.get("target_unit_price"), "target_unit_price", errors),
        "currency": _currency(data.get("currency"), errors),
    }
    slug = data.get("category")
    category = (
        Category.objects.filter(slug=slug, is_active=True).first()
        if isinstance(slug, str) and re.fullmatch(SLUG_PATTERN, slug)
        else None
    )
    if category is None:
        errors.setdefault("category", []).append("Choose a category of the catalog.")
    out["category"] = category
    country = data.get("destination_country")
    code = country.strip().upper() if isinstance(country, str) else ""
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        errors.setdefault("destination_country", []).append(
            "Give an ISO 3166-1 country code, e.g. DE."
        )
    out["destination_country"] = code
    incoterm = data.get("incoterm") or ""
    if not isinstance(incoterm, str) or incoterm.strip().upper() not in ("", *rules.INCOTERMS):
        errors.setdefault("incoterm", []).append(
            "Give an Incoterms 2020 rule: " + ", ".join(rules.INCOTERMS) + "."
        )
        incoterm = ""
    out["incoterm"] = incoterm.strip().upper()
    deadline = _aware(data.get("deadline"), "deadline", errors)
    if deadline is not None and rules.rfq_expired(deadline=deadline, now=now):
        errors.setdefault("deadline", []).append("The deadline must be in the future.")
    out["deadline"] = deadline
    if errors:
        raise InvalidInput("The RFQ is not valid.", fields=errors)
    return out


def _quotation_fields(data: dict[str, Any], *, rfq: Rfq, today: date) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {
        "unit_price": _price(data.get("unit_price"), "unit_price", errors),
        "lead_time_days": int_field(
            data.get("lead_time_days"),
            "lead_time_days",
            errors,
            low=0,
            high=rules.LEAD_TIME_MAX_DAYS,
            required=True,
        ),
        "terms": clean_field(
            data.get("terms"), "terms", errors, limit=rules.TERMS_MAX, required=True, multiline=True
        ),
        "price_tiers": rules.price_tiers_check(data.get("price_tiers"), errors),
    }
    currency = _currency(data.get("currency"), errors)
    if currency and currency != rfq.currency:
        errors.setdefault("currency", []).append(
            f"Quote in the RFQ's currency, {rfq.currency} (this quotation is in {currency})."
        )
    out["currency"] = currency
    valid_until = data.get("valid_until")
    if isinstance(valid_until, datetime) or not isinstance(valid_until, date):
        errors.setdefault("valid_until", []).append("Give a date (YYYY-MM-DD).")
    elif not rules.valid_until_ok(valid_until=valid_until, today=today):
        errors.setdefault("valid_until", []).append(
            "The quotation must be valid until today or later."
        )
    out["valid_until"] = valid_until
    if errors:
        code = "currency_mismatch" if list(errors) == ["currency"] and currency else None
        raise InvalidInput("The quotation is not valid.", fields=errors, code=code)
    return out


def _rfq_snapshot(rfq: Rfq) -> dict[str, Any]:
    return {
        "status": rfq.status,
        "title": rfq.title,
        "category": rfq.category.slug,
        "quantity": rfq.quantity,
        "unit": rfq.unit,
        "target_unit_price": decimal_str(rfq.target_unit_price),
        "currency": rfq.currency,
        "destination_country": rfq.destination_country,
        "incoterm": rfq.incoterm,
        "deadline": rfq.deadline.isoformat(),
    }


def _quotation_snapshot(q: Quotation) -> dict[str, Any]:
    return {
        "status": q.status,
        "unit_price": decimal_str(q.unit_price),
        "price_tiers": q.price_tiers,
        "currency": q.currency,
        "lead_time_days": q.lead_time_days,
        "valid_until": q.valid_until.isoformat(),
        "terms": q.terms,
    }


# --- RFQs --------------------------------------------------------------------------------


@transaction.atomic
def rfq_create(
    *,
    buyer: Member,
    data: dict[str, Any],
    attachments: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Rfq:
    """Clause 7.1: a buyer asks suppliers of a category for quotations until a deadline.
    Attachments are checked (all of them, by their content) before anything is stored."""
    now = now or timezone.now()
    trade_member_require(buyer, role="buyer")
    fields = _rfq_fields(data, now=now)
    trade_screen_require(buyer, None, fields["destination_country"], (fields["category"].pk,))
    checked: list[CheckedFile] = files_check(
        list(attachments),
        field="attachments",
        max_files=ATTACHMENTS_MAX,
        max_bytes=ATTACHMENT_MAX_BYTES,
    )
    rfq = Rfq.objects.create(buyer=buyer, created_at=now, **fields)
    files_store(
        checked,
        lambda item: RfqAttachment(
            rfq=rfq,
            original_name=item.name,
            content_type=item.info.content_type,
            size=len(item.info.data),
            sha256=item.sha256,
            uploaded_at=now,
        ),
    )
    audit_record(
        actor=buyer.user,
        action="rfq.posted",
        target_type="rfq",
        target_id=rfq.pk,
        member_id=buyer.member_id,
        clause="7.1",
        after={**_rfq_snapshot(rfq), "attachments": len(checked)},
    )
    return rfq


def rfqs_expire_due(*, now: datetime | None = None, rfq_ids: Sequence[int] | None = None) -> int:
    """Close the open RFQs whose deadline has passed (all, or those of `rfq_ids`), each with
    its audit row; called before every read, so no job has to run first. A conditional
    update: an RFQ awarded meanwhile is not touched. Returns how many closed."""
    now = now or timezone.now()
    due = Rfq.objects.filter(status=RfqStatus.OPEN, deadline__lte=now)
    if rfq_ids is not None:
        due = due.filter(pk__in=[pk for pk in rfq_ids if 0 < pk < 2**63])
    closed = 0
    for rfq_id, buyer_member_id in due.values_list("pk", "buyer__member_id"):
        with transaction.atomic():
            changed = Rfq.objects.filter(
                pk=rfq_id, status=RfqStatus.OPEN, deadline__lte=now
            ).update(status=rules.rfq_next("open", "expire"), closed_at=now, updated_at=now)
            if changed:
                closed += 1
                audit_record(
                    actor=None,
                    action="rfq.closed",
                    target_type="rfq",
                    target_id=rfq_id,
                    member_id=buyer_member_id,
                    reason="The deadline passed.",
                    clause="7.1",
                    before={"status": RfqStatus.OPEN},
                    after={"status": RfqStatus.CLOSED},
                )
    return closed


# --- Quotations --------------------------------------------------------------------------


def _lock_supplier(supplier: Member) -> None:
    """Serialise one supplier's quotations (the quota count, then the insert): a row lock on
    PostgreSQL; SQLite holds its one write lock for the transaction."""
    Member.objects.select_for_update().filter(pk=supplier.pk).values_list("pk").first()


def quote_quota_for(supplier: Member, *, now: datetime) -> rules.QuotaDecision:
    """The supplier's membership tier's monthly quota against what it sent this month."""
    tiers = load_membership_tiers()
    profile = getattr(supplier, "supplier_profile", None)
    key = profile.membership_tier if profile is not None else tiers.default_tier
    tier = tiers.tiers.get(key) or tiers.tiers[tiers.default_tier]
    used = Quotation.objects.filter(
        supplier=supplier, created_at__gte=rules.month_start(now)
    ).count()
    return rules.quote_quota(quota=tier.quote_quota, used=used, now=now)


def _open_rfq_or_refuse(rfq: Rfq, *, now: datetime) -> None:
    """Refuse unless the RFQ is open now. The callers closed it first if its deadline passed
    (`rfqs_expire_due`, committed on its own: a refusal does not undo the closing)."""
    rfq.refresh_from_db(fields=["status", "closed_at", "awarded_at", "deadline"])
    if rfq.status != RfqStatus.OPEN:
        raise RfqNotOpen(
            "This RFQ no longer takes quotations ("
            + ("its deadline has passed" if rfq.status == RfqStatus.CLOSED else "it is awarded")
            + ").",
            extra={"rfq_status": rfq.status},
        )


def quotation_submit(
    *, rfq: Rfq, supplier: Member, data: dict[str, Any], now: datetime | None = None
) -> Quotation:
    """A supplier's one quotation to an open RFQ, in the RFQ's currency, within the monthly
    quote quota of its membership tier (policy/membership_tiers.toml)."""
    now = now or timezone.now()
    rfqs_expire_due(now=now, rfq_ids=[rfq.pk])
    with transaction.atomic():
        return _quotation_submit(rfq=rfq, supplier=supplier, data=data, now=now)


def _quotation_submit(
    *, rfq: Rfq, supplier: Member, data: dict[str, Any], now: datetime
) -> Quotation:
    trade_member_require(supplier, role="supplier")
    _open_rfq_or_refuse(rfq, now=now)
    eligibility = rules.quote_eligibility(
        supplier_pk=supplier.pk,
        buyer_pk=rfq.buyer_id,
        supplier_cluster_pks=cluster_member_pks(supplier.pk),
    )
    if not eligibility.allowed:
        raise QuoteNotAllowed(eligibility.message, extra={"rule": eligibility.rule})
    fields = _quotation_fields(data, rfq=rfq, today=now.astimezone(UTC).date())
    _lock_supplier(supplier)
    if Quotation.objects.filter(rfq=rfq, supplier=supplier).exists():
        raise QuotationExists("You have already sent a quotation to this RFQ; edit it instead.")
    quota = quote_quota_for(supplier, now=now)
    if not quota.allowed:
        raise QuoteQuotaExceeded(
            f"Your membership tier allows {quota.quota} quotations a month and you have sent "
            f"{quota.used}; the quota resets on {quota.resets_at:%Y-%m-%d} at 00:00 UTC.",
            retry_after=max(int((quota.resets_at - now).total_seconds()), 1),
            extra={
                "quota": quota.quota,
                "used": quota.used,
                "resets_at": quota.resets_at.isoformat(),
                "rule": quota.rule,
            },
        )
    try:
        with transaction.atomic():
            quotation = Quotation.objects.create(
                rfq=rfq, supplier=supplier, created_at=now, **fields
            )
    except IntegrityError as exc:
        raise QuotationExists("You have already sent a quotation to this RFQ.") from exc
    audit_record(
        actor=supplier.user,
        action="quotation.submitted",
        target_type="quotation",
        target_id=quotation.pk,
        member_id=supplier.member_id,
        clause="7.1",
        after={"rfq": rfq.pk, **_quotation_snapshot(quotation)},
    )
    return quotation


def quotation_edit(
    *, quotation: Quotation, supplier: Member, data: dict[str, Any], now: datetime | None = None
) -> Quotation:
    """Edit a quotation once, while the RFQ is open and before it is accepted. `data` holds
    the fields to change; the rest keep their values. A conditional update, so two edits at
    once cannot both be the one edit."""
    now = now or timezone.now()
    rfqs_expire_due(now=now, rfq_ids=[quotation.rfq_id])
    with transaction.atomic():
        return _quotation_edit(quotation=quotation, supplier=supplier, data=data, now=now)


def _quotation_edit(
    *, quotation: Quotation, supplier: Member, data: dict[str, Any], now: datetime
) -> Quotation:
    trade_member_require(supplier, role="supplier")
    if quotation.supplier_id != supplier.pk:
        raise PermissionDeniedError("Only the supplier who sent it may edit a quotation.")
    rfq = quotation.rfq
    _open_rfq_or_refuse(rfq, now=now)
    merged = {**_quotation_snapshot(quotation), "valid_until": quotation.valid_until}
    merged.update({k: v for k, v in data.items() if v is not None})
    fields = _quotation_fields(merged, rfq=rfq, today=now.astimezone(UTC).date())
    before = _quotation_snapshot(quotation)
    changed = Quotation.objects.filter(
        pk=quotation.pk,
        status=QuotationStatus.SUBMITTED,
        edit_count__lt=rules.QUOTATION_EDITS_ALLOWED,
    ).update(**fields, edit_count=rules.QUOTATION_EDITS_ALLOWED, edited_at=now)
    if not changed:
        raise QuotationNotEditable(
            "A quotation can be edited once, before it is accepted; this one cannot be edited."
        )
    quotation.refresh_from_db()
    audit_record(
        actor=supplier.user,
        action="quotation.edited",
        target_type="quotation",
        target_id=quotation.pk,
        member_id=supplier.member_id,
        clause="7.1",
        before=before,
        after=_quotation_snapshot(quotation),
    )
    return quotation


def _order_draft_from_quotation(quotation: Quotation, *, actor: Member, now: datetime) -> int:
    """The accepted quotation becomes an order draft: the RFQ's quantity at the quotation's
    price for that quantity (its tier), the RFQ's Incoterm, the supplier's terms as written
    (7.4). The buyer reviews and places it. Runs inside `quotation_accept`'s transaction, so
    a refusal there (a suspended buyer, say) undoes the acceptance."""
    rfq = quotation.rfq
    unit_price, tier = rules.quotation_unit_price(
        unit_price=quotation.unit_price,
        price_tiers=list(quotation.price_tiers or []),
        quantity=rfq.quantity,
    )
    order = order_create(
        buyer=rfq.buyer,
        supplier=quotation.supplier,
        currency=quotation.currency,
        lines=[
            LineSpec(
                description=rfq.title,
                quantity=rfq.quantity,
                unit=rfq.unit,
                unit_price=unit_price,
                tier_min_qty=tier,
            )
        ],
        by=actor.user,
        quotation_id=quotation.pk,
        supplier_terms=quotation.terms,
        incoterm=rfq.incoterm,
        place=False,
        now=now,
        goods=(rfq.category_id,),
    )
    return order.pk


def quotation_accept(
    *, quotation: Quotation, actor: Member, now: datetime | None = None
) -> tuple[Quotation, int]:
    """The buyer accepts one quotation: in one transaction the RFQ is awarded, this quotation
    accepted, the other quotations marked not chosen (still visible), and the order draft is
    made. Both the RFQ and the quotation move by conditional updates, so of two concurrent
    accepts on one RFQ exactly one wins; the other gets 409 and nothing changes.
    Returns the quotation and the order draft's id."""
    now = now or timezone.now()
    rfqs_expire_due(now=now, rfq_ids=[quotation.rfq_id])
    with transaction.atomic():
        return _quotation_accept(quotation=quotation, actor=actor, now=now)


def _quotation_accept(
    *, quotation: Quotation, actor: Member, now: datetime
) -> tuple[Quotation, int]:
    trade_member_require(actor, role="buyer")
    rfq = quotation.rfq
    if rfq.buyer_id != actor.pk:
        raise PermissionDeniedError("Only the buyer who posted the RFQ may accept a quotation.")
    today = now.astimezone(UTC).date()
    awarded = Rfq.objects.filter(pk=rfq.pk, status=RfqStatus.OPEN, deadline__gt=now).update(
        status=rules.rfq_next("open", "award"), awarded_at=now, updated_at=now
    )
    if not awarded:
        # Awarded or closed, perhaps by a concurrent accept: the update is the arbiter.
        _open_rfq_or_refuse(rfq, now=now)
        raise RfqNotOpen("This RFQ no longer takes quotations.")
    accepted = Quotation.objects.filter(
        pk=quotation.pk, rfq=rfq, status=QuotationStatus.SUBMITTED, valid_until__gte=today
    ).update(status=rules.quotation_next("submitted", "accept"), decided_at=now)
    if not accepted:
        raise QuotationNotAcceptable(
            "This quotation can no longer be accepted (its validity has passed)."
        )
    passed_over = list(
        Quotation.objects.filter(rfq=rfq, status=QuotationStatus.SUBMITTED)
        .exclude(pk=quotation.pk)
        .values_list("pk", flat=True)
    )
    Quotation.objects.filter(pk__in=passed_over).update(
        status=rules.quotation_next("submitted", "pass_over"), decided_at=now
    )
    quotation.refresh_from_db()
    order_id = _order_draft_from_quotation(quotation, actor=actor, now=now)
    Quotation.objects.filter(pk=quotation.pk).update(order_ref=str(order_id))
    quotation.order_ref = str(order_id)
    rfq.refresh_from_db()
    audit_record(
        actor=actor.user,
        action="rfq.awarded",
        target_type="rfq",
        target_id=rfq.pk,
        member_id=actor.member_id,
        clause="7.1",
        before={"status": RfqStatus.OPEN},
        after={"status": rfq.status, "quotation": quotation.pk, "order_id": order_id},
    )
    audit_record(
        actor=actor.user,
        action="quotation.accepted",
        target_type="quotation",
        target_id=quotation.pk,
        member_id=quotation.supplier.member_id,
        clause="7.1",
        before={"status": QuotationStatus.SUBMITTED},
        after={"status": quotation.status, "order_id": order_id},
    )
    for pk in passed_over:
        audit_record(
            actor=actor.user,
            action="quotation.not_chosen",
            target_type="quotation",
            target_id=pk,
            clause="7.1",
            before={"status": QuotationStatus.SUBMITTED},
            after={"status": QuotationStatus.NOT_CHOSEN, "accepted": quotation.pk},
        )
    return quotation, order_id
