"""Verification API (clause 7.2): a paying supplier asks and reads its status; anyone reads
what was verified about a supplier. Thin: request in, service or selector, schema out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from tradepost.billing.models import VerificationRequest
from tradepost.billing.selectors import verification as selectors
from tradepost.billing.services import verification as services
from tradepost.catalog.services import NotASupplier
from tradepost.errors import DomainError, InvalidInput
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.policy.verification import load_verification_policy

router = Router()


class MultipartRequired(DomainError):
    code = "unsupported_media_type"
    status = 415


class VerificationCheckOut(Schema):
    field: str
    label: str
    claimed_value: str
    result: str
    verified_value: str
    checked_at: datetime | None


class VerificationDocumentOut(Schema):
    id: int
    kind: str
    content_type: str
    size: int
    uploaded_at: datetime
    url: str


class VerificationOut(Schema):
    id: int
    status: str
    provider: str
    membership_tier: str
    submitted_at: datetime
    decided_at: datetime | None
    decision_reason: str
    verified_at: datetime | None
    expires_at: datetime | None
    checks: list[VerificationCheckOut]
    documents: list[VerificationDocumentOut]


class MyVerificationOut(Schema):
    eligible: bool
    eligibility_code: str | None
    current: VerificationOut | None
    latest: VerificationOut | None


class VerifiedFieldOut(Schema):
    field: str
    label: str
    value: str
    checked_at: datetime | None
    checked_by: str


class PublicVerificationOut(Schema):
    supplier_id: str
    company_name: str
    verified: bool
    verified_at: datetime | None
    expires_at: datetime | None
    verified_by: str | None
    provider: str | None
    fields: list[VerifiedFieldOut]
    url: str


def verification_out(request: VerificationRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "status": request.status,
        "provider": request.provider,
        "membership_tier": request.membership_tier,
        "submitted_at": request.submitted_at,
        "decided_at": request.decided_at,
        "decision_reason": request.decision_reason,
        "verified_at": request.verified_at,
        "expires_at": request.expires_at,
        "checks": [
            {
                "field": c.field,
                "label": selectors.field_label(c.field),
                "claimed_value": c.claimed_value,
                "result": c.result,
                "verified_value": c.verified_value,
                "checked_at": c.checked_at,
            }
            for c in request.checks.all()
        ],
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "content_type": d.content_type,
                "size": d.size,
                "uploaded_at": d.uploaded_at,
                "url": reverse("billing:verification_document", args=[d.pk]),
            }
            for d in request.documents.all()
        ],
    }


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise NotASupplier("Only members with the supplier role can ask for verification.")
    return member


def _request_body_schema() -> dict[str, Any]:
    policy = load_verification_policy()
    properties: dict[str, Any] = {
        "fields": {
            "type": "array",
            "items": {"type": "string", "enum": list(policy.fields)},
            "description": "What to verify (repeat the part); default: "
            + ", ".join(policy.default_fields()),
        }
    }
    for key, spec in policy.fields.items():
        if spec.claimed_by_supplier:
            properties[f"claims.{key}"] = {"type": "string", "maxLength": services.CLAIM_MAX}
    for key, kind in policy.documents.items():
        properties[f"documents.{key}"] = {
            "type": "string",
            "format": "binary",
            "description": f"{kind.label}: PDF, JPEG, PNG or WebP, at most 10 MB"
            + (" (required)" if kind.required else ""),
        }
    required = [f"documents.{k}" for k in policy.required_documents()]
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": properties, "required": required}
                }
            },
        }
    }


@router.post("/verification", response={201: VerificationOut}, openapi_extra=_request_body_schema())
def verification_create(request: HttpRequest) -> Status[dict[str, Any]]:
    """Clause 7.2: a paying supplier asks for verification (multipart: `fields`, one
    `claims.<field>` per typed claim, one `documents.<kind>` file per document)."""
    member = _member(request)
    if not (request.content_type or "").lower().startswith("multipart/form-data"):
        raise MultipartRequired("Send the request as multipart/form-data with the documents.")
    claims = {
        name.removeprefix("claims."): str(value)
        for name, value in request.POST.items()
        if name.startswith("claims.")
    }
    documents = [
        (name.removeprefix("documents."), upload)
        for name, uploads in request.FILES.lists()
        for upload in uploads
        if name.startswith("documents.")
    ]
    others = sorted(
        n
        for n in [*request.POST, *request.FILES]
        if n != "fields" and not n.startswith(("claims.", "documents."))
    )
    if others:
        raise InvalidInput(
            "The request has unknown parts.", fields={n: ["Not a part this takes."] for n in others}
        )
    services.verification_request(
        member=member,
        fields=request.POST.getlist("fields") or None,
        claims=claims,
        documents=documents,
    )
    return Status(201, verification_out(selectors.verification_requests_of(member)[0]))


@router.get("/verification", response=MyVerificationOut)
def verification_mine(request: HttpRequest) -> dict[str, Any]:
    """The caller's verification: whether it may ask, the one in force and the latest."""
    member = _member(request)
    eligibility = services.verification_eligibility_of(member)
    requests = selectors.verification_requests_of(member)
    current = selectors.verification_current_of(member)
    return {
        "eligible": eligibility.allowed,
        "eligibility_code": eligibility.code or None,
        "current": verification_out(current) if current else None,
        "latest": verification_out(requests[0]) if requests else None,
    }


@router.get("/suppliers/{member_id}/verification", response=PublicVerificationOut, auth=None)
def verification_of_supplier(request: HttpRequest, member_id: str) -> dict[str, Any]:
    """Public: what was verified about a supplier, when, by whom (a staff role, never a
    login), until when. Only verified fields of a current verification appear."""
    public = selectors.verification_public(member_id)
    return {
        "supplier_id": public.supplier.member_id,
        "company_name": public.supplier.company_name,
        "verified": public.verified,
        "verified_at": public.verified_at,
        "expires_at": public.expires_at,
        "verified_by": public.verified_by or None,
        "provider": public.provider or None,
        "fields": [
            {
                "field": f.field,
                "label": f.label,
                "value": f.value,
                "checked_at": f.checked_at,
                "checked_by": f.checked_by,
            }
            for f in public.fields
        ],
        "url": reverse("billing:supplier_verification", args=[public.supplier.member_id]),
    }
