"""Reads of information requests (clauses 5.9, 7.5) and of the disclosure register (6.4).

A member's request is fetched through `information_request_for_member`, which answers the
same 404 for "not there" and "not yours".
"""

from __future__ import annotations

from django.db.models import QuerySet

from tradepost.errors import NotFound
from tradepost.members.models import Member
from tradepost.trust.models.requests import (
    DisclosureRequest,
    InformationRequest,
    InformationRequestFile,
)


def information_requests_for_member(*, member: Member) -> QuerySet[InformationRequest]:
    return (
        InformationRequest.objects.filter(member=member)
        .select_related("member")
        .prefetch_related("files")
        .order_by("-created_at", "-id")
    )


def information_request_for_member(*, member: Member, request_id: int) -> InformationRequest:
    found = information_requests_for_member(member=member).filter(pk=request_id).first()
    if found is None:
        raise NotFound("Information request not found.")
    return found


def information_requests(
    *, status: str = "", member_id: str = "", clause: str = ""
) -> QuerySet[InformationRequest]:
    rows = (
        InformationRequest.objects.select_related("member", "asked_by")
        .prefetch_related("files")
        .order_by("-created_at", "-id")
    )
    if status:
        rows = rows.filter(status=status)
    if member_id:
        rows = rows.filter(member__member_id=member_id)
    if clause:
        rows = rows.filter(clause=clause)
    return rows


def information_request_get(*, request_id: int) -> InformationRequest:
    found = information_requests().filter(pk=request_id).first()
    if found is None:
        raise NotFound("Information request not found.")
    return found


def information_request_file_get(*, request_id: int, file_id: int) -> InformationRequestFile:
    found = (
        InformationRequestFile.objects.filter(request_id=request_id, pk=file_id).first()
        if all(isinstance(pk, int) and 0 < pk < 2**63 for pk in (request_id, file_id))
        else None
    )
    if found is None:
        raise NotFound("File not found.")
    return found


def disclosure_requests(
    *, status: str = "", country: str = "", legal_basis: str = ""
) -> QuerySet[DisclosureRequest]:
    rows = DisclosureRequest.objects.select_related(
        "registered_by", "decided_by", "exported_by"
    ).order_by("-received_at", "-id")
    if status == "registered":
        rows = rows.filter(decision="")
    elif status == "fulfilled":
        rows = rows.filter(fulfilled_at__isnull=False)
    elif status:
        rows = rows.filter(decision=status, fulfilled_at__isnull=True)
    if country:
        rows = rows.filter(country=country.upper())
    if legal_basis:
        rows = rows.filter(legal_basis=legal_basis)
    return rows


def disclosure_request_get(*, request_id: int) -> DisclosureRequest:
    found = disclosure_requests().filter(pk=request_id).first()
    if found is None:
        raise NotFound("Disclosure request not found.")
    return found
