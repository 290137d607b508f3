"""The service catalogue, subscriptions and invoices over the API (issue 13).

`GET /services?country=` is public (without `country`: the caller's, when logged in);
`POST /subscriptions` `{"plan_id"}` requires an `Idempotency-Key` and pays with the
SIMULATED test provider (`"provider": "simulated"`): no real money moves.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Query, Router, Schema
from ninja.pagination import paginate

from tradepost.api_paging import LazyRows, LimitOffsetPaging
from tradepost.billing.invoice_pdf import invoice_pdf
from tradepost.billing.models import Invoice, Subscription
from tradepost.billing.selectors import subscriptions as selectors
from tradepost.billing.services import subscriptions as services
from tradepost.errors import InvalidInput
from tradepost.members.api import request_member
from tradepost.members.api_auth import BearerToken, SessionCookie
from tradepost.members.selectors import member_for_user
from tradepost.money import decimal_str
from tradepost.trade.services.idempotency import idempotent_call

router = Router()


def _anyone(request: HttpRequest) -> bool:
    """Public operations: anyone may call them; a logged-in caller is still recognised."""
    return True


PUBLIC = [BearerToken(), SessionCookie(), _anyone]


# --- Schemas ---------------------------------------------------------------------------------


class PlanOut(Schema):
    id: str
    currency: str
    months: int
    price: str


class BenefitsOut(Schema):
    tier: str
    badge: str
    search_boost: str
    listing_cap: int | str | None = None
    mailbox_quota_mb: int | None = None
    quote_quota_month: int | str | None = None


class ServiceOut(Schema):
    key: str
    name: str
    kind: str
    state: str
    description: str
    paid: bool
    agreement: str | None
    benefits: BenefitsOut
    plans: list[PlanOut]
    rule: str
    clause: str


class ServicesOut(Schema):
    country: str
    contracting_entity: str
    services: list[ServiceOut]


class SubscriptionIn(Schema):
    plan_id: str = Field(..., min_length=1, max_length=64)
    method: str = "test_card"


class SubscriptionOut(Schema):
    id: int
    service: str
    plan_id: str
    currency: str
    price: str
    months: int
    period_start: str
    period_end: str
    status: str
    auto_renew: bool
    benefits: dict[str, Any]


class InvoiceOut(Schema):
    id: int
    number: str
    issuer: dict[str, Any]
    bill_to: dict[str, Any]
    issued_at: str
    currency: str
    subtotal: str
    tax_total: str
    total: str
    lines: list[dict[str, Any]]
    tax_lines: list[dict[str, Any]]
    provider: str
    simulated: bool
    payment_reference: str
    pdf_url: str


class SubscriptionCreatedOut(Schema):
    subscription: SubscriptionOut
    invoice: InvoiceOut


def benefits_out(benefits: dict[str, str]) -> dict[str, Any]:
    return {**benefits, **selectors.tier_limits(benefits.get("tier", ""))}


def subscription_out(s: Subscription) -> dict[str, Any]:
    return {
        "id": s.pk,
        "service": s.service_key,
        "plan_id": s.plan_id,
        "currency": s.currency,
        "price": decimal_str(s.price),
        "months": s.months,
        "period_start": s.period_start.isoformat(),
        "period_end": s.period_end.isoformat(),
        "status": s.status,
        "auto_renew": s.auto_renew,
        "benefits": benefits_out(s.benefits),
    }


def invoice_out(i: Invoice) -> dict[str, Any]:
    return {
        "id": i.pk,
        "number": i.number,
        "issuer": i.issuer,
        "bill_to": i.bill_to,
        "issued_at": i.issued_at.isoformat(),
        "currency": i.currency,
        "subtotal": decimal_str(i.subtotal),
        "tax_total": decimal_str(i.tax_total),
        "total": decimal_str(i.total),
        "lines": i.lines,
        "tax_lines": i.tax_lines,
        "provider": i.payment_provider,
        "simulated": i.payment_provider == "simulated",
        "payment_reference": i.payment_reference,
        "pdf_url": f"/api/v1/invoices/{i.pk}.pdf",
    }


# --- Endpoints -------------------------------------------------------------------------------


@router.get("/services", response=ServicesOut, auth=PUBLIC)
def services_list(request: HttpRequest, country: str | None = Query(None)) -> dict[str, Any]:
    """Clause 2.3: the services offered to `country` (ISO 3166-1 alpha-2), or, without it,
    to the logged-in caller (its contracting entity and country), with plans and prices."""
    entity = None
    if not country:
        user = getattr(request, "user", None)
        member = member_for_user(user) if user is not None and user.is_authenticated else None
        if member is None:
            raise InvalidInput(
                "Give a country, or log in.",
                code="country_required",
                fields={"country": ["Required when not logged in."]},
            )
        country, entity = member.country, member.contracting_entity
    country = selectors.country_check(country)
    entity = entity or selectors.entity_for_country(country=country)
    offered = selectors.services_offered(country=country, entity=entity)
    return {
        "country": country,
        "contracting_entity": entity,
        "services": [
            {
                "key": o.service.key,
                "name": o.service.name,
                "kind": o.service.kind,
                "state": o.service.state,
                "description": o.service.description,
                "paid": o.service.is_paid,
                "agreement": o.service.agreement,
                "benefits": benefits_out(o.benefits),
                "plans": [
                    {
                        "id": p.id,
                        "currency": p.currency,
                        "months": p.months,
                        "price": decimal_str(p.price),
                    }
                    for p in o.service.plans
                ],
                "rule": o.availability.rule,
                "clause": o.availability.clause,
            }
            for o in offered
        ],
    }


@router.post("/subscriptions", response={201: SubscriptionCreatedOut})
def subscription_create(
    request: HttpRequest,
    payload: SubscriptionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
) -> HttpResponse:
    """Clauses 2.2, 2.3: subscribe to a plan offered in the member's region; the first
    period is paid with the SIMULATED test provider and invoiced by the member's
    contracting entity (2.1). Requires an `Idempotency-Key`: a retry gets the same answer."""
    member = request_member(request)

    def run() -> tuple[int, Any]:
        purchase = services.subscription_start(
            member=member,
            plan_id=payload.plan_id,
            method=payload.method,
            by=request.user,
            ip=request.META.get("REMOTE_ADDR"),
        )
        return 201, {
            "subscription": subscription_out(purchase.subscription),
            "invoice": invoice_out(purchase.invoice),
        }

    result = idempotent_call(
        user=request.user,
        key=idempotency_key,
        method="POST",
        path=request.path,
        body=request.body,
        run=run,
    )
    response = HttpResponse(result.body, status=result.status, content_type=result.content_type)
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


@router.get("/subscriptions", response=list[SubscriptionOut])
@paginate(LimitOffsetPaging)
def subscriptions_list(request: HttpRequest) -> LazyRows:
    """The caller's own subscriptions, newest first."""
    member = request_member(request)
    return LazyRows(selectors.subscriptions_of(member), subscription_out)


@router.get("/invoices", response=list[InvoiceOut])
@paginate(LimitOffsetPaging)
def invoices_list(request: HttpRequest) -> LazyRows:
    """The caller's own invoices, newest first."""
    member = request_member(request)
    return LazyRows(selectors.invoices_of(member), invoice_out)


@router.get("/invoices/{int:invoice_id}.pdf", response={200: None})
def invoice_pdf_download(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The invoice as a PDF, for the member it was issued to and for staff (404 otherwise)."""
    invoice = selectors.invoice_for_viewer(user=request.user, invoice_id=invoice_id)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    return response
