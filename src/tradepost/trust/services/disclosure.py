"""Clause 6.4: the register of disclosure requests from authorities and injured third parties,
legal counsel's decision (never by the one who registered it), and the export of exactly the
approved scope (JSON per member and category, the category's files, a manifest; zipped).

Clause 6.4: the platform may disclose the member's identity, contact information and
information about its accounts, transactions or activities if requested by a government,
regulatory or law enforcement body or an injured third party, or under a subpoena or other
legal action, to the extent permitted by applicable laws and policies.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from tradepost.audit.services import audit_record
from tradepost.errors import Conflict, InvalidInput, NotFound, PermissionDeniedError
from tradepost.members.models import Member, User
from tradepost.policy import COUNTRY_CODES
from tradepost.policy.disclosure import load_disclosure_policy
from tradepost.text import clean_name, clean_text
from tradepost.trust.models.requests import (
    DisclosureDecision,
    DisclosureRequest,
    LegalBasis,
    RequesterType,
)
from tradepost.trust.rules import requests as rules
from tradepost.trust.selectors.disclosure import category_data

MAX_MEMBERS = 500


@dataclass(frozen=True)
class DisclosureInput:
    requester_name: str
    requester_type: str
    country: str
    legal_basis: str
    reference: str
    member_ids: Sequence[str]
    categories: Sequence[str]
    requester_organisation: str = ""
    description: str = ""
    received_at: datetime | None = None


def _audit(
    request: DisclosureRequest,
    *,
    action: str,
    actor: User | None,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=f"disclosure.{action}",
        target_type="disclosure_request",
        target_id=request.pk,
        reason=reason,
        clause="6.4",
        before=before,
        after=after,
    )


def _locked(request_id: int) -> DisclosureRequest:
    request = DisclosureRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound("Disclosure request not found.")
    return request


def _clean(errors: dict[str, list[str]], field: str, value: str, limit: int, **kw: Any) -> str:
    required = kw.get("required", True)
    try:
        text = (
            clean_text(value or "", multiline=True)
            if kw.get("multiline")
            else clean_name(value or "")
        )
    except ValueError as exc:
        errors.setdefault(field, []).append(str(exc))
        return ""
    if required and not text:
        errors.setdefault(field, []).append("Required.")
    elif len(text) > limit:
        errors.setdefault(field, []).append(f"At most {limit} characters.")
    return text


@transaction.atomic
def disclosure_request_register(
    *, data: DisclosureInput, by: User, now: datetime | None = None
) -> DisclosureRequest:
    """Clause 6.4: enter a request in the register as it was received: who asks, from where,
    on what legal basis, about which members and which categories of data."""
    now = now or timezone.now()
    categories_known = load_disclosure_policy().category_keys
    errors: dict[str, list[str]] = {}
    name = _clean(errors, "requester_name", data.requester_name, 200)
    organisation = _clean(
        errors, "requester_organisation", data.requester_organisation, 200, required=False
    )
    reference = _clean(errors, "reference", data.reference, 200)
    description = _clean(
        errors, "description", data.description, 20_000, required=False, multiline=True
    )
    if data.requester_type not in RequesterType.values:
        errors["requester_type"] = [f"One of {RequesterType.values}."]
    country = (data.country or "").upper()
    if country not in COUNTRY_CODES:
        errors["country"] = ["An ISO 3166 alpha-2 country code."]
    if data.legal_basis not in LegalBasis.values:
        errors["legal_basis"] = [f"One of {LegalBasis.values}."]
    member_ids = list(dict.fromkeys(m.strip() for m in data.member_ids if m.strip()))
    malformed = [m for m in member_ids if len(m) > 16 or not m.isascii() or not m.isalnum()]
    if malformed:
        errors["member_ids"] = ["Member IDs are letters and digits, at most 16."]
    elif not member_ids:
        errors["member_ids"] = ["At least one member ID."]
    elif len(member_ids) > MAX_MEMBERS:
        errors["member_ids"] = [f"At most {MAX_MEMBERS} members per request."]
    else:
        found = set(
            Member.objects.filter(member_id__in=member_ids).values_list("member_id", flat=True)
        )
        unknown = [m for m in member_ids if m not in found]
        if unknown:
            errors["member_ids"] = [f"No such member: {', '.join(unknown[:20])}."]
    categories = list(dict.fromkeys(data.categories))
    if not categories:
        errors["categories"] = ["At least one data category."]
    elif any(c not in categories_known for c in categories):
        errors["categories"] = [f"Each one of {list(categories_known)}."]
    received_at = data.received_at or now
    if timezone.is_naive(received_at):
        errors["received_at"] = ["Give the time zone."]
    elif received_at > now:
        errors["received_at"] = ["Cannot be in the future."]
    if errors:
        raise InvalidInput("The disclosure request has invalid fields.", fields=errors)
    request = DisclosureRequest.objects.create(
        requester_name=name,
        requester_organisation=organisation,
        requester_type=data.requester_type,
        country=country,
        legal_basis=data.legal_basis,
        reference=reference,
        description=description,
        member_ids=member_ids,
        categories=categories,
        received_at=received_at,
        registered_by=by,
        registered_at=now,
    )
    _audit(
        request,
        action="registered",
        actor=by,
        after={
            "legal_basis": request.legal_basis,
            "country": country,
            "member_ids": member_ids,
            "categories": categories,
        },
    )
    return request


@transaction.atomic
def disclosure_request_decide(
    *,
    request_id: int,
    decision: str,
    reason: str,
    by: User,
    member_ids: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
    now: datetime | None = None,
) -> DisclosureRequest:
    """Legal counsel's review (clause 6.4 "to the extent permitted by applicable laws"):
    approve, approve part of the scope, or refuse, with reasons. Four eyes: the staff member
    who registered the request cannot decide it."""
    now = now or timezone.now()
    request = _locked(request_id)
    if request.registered_by_id == by.pk:
        raise PermissionDeniedError(
            "The staff member who registered a disclosure request cannot decide it.",
            code="four_eyes_same_staff",
        )
    if request.decision:
        raise Conflict("This request is already decided.", code="already_decided")
    errors: dict[str, list[str]] = {}
    reason = _clean(errors, "reason", reason, 20_000, multiline=True)
    if errors:
        raise InvalidInput("Give the reasons for the decision.", fields=errors)
    scope = rules.disclosure_scope(
        decision=decision,
        requested_members=request.member_ids,
        requested_categories=request.categories,
        members=member_ids,
        categories=categories,
    )
    if scope.problem:
        field = scope.field or "decision"
        raise InvalidInput(scope.problem, fields={field: [scope.problem]}, code="invalid_scope")
    request.decision = scope.decision
    request.decision_reason = reason
    request.approved_member_ids = list(scope.member_ids)
    request.approved_categories = list(scope.categories)
    request.decided_by = by
    request.decided_at = now
    request.save()
    _audit(
        request,
        action="decided",
        actor=by,
        reason=reason,
        before={"decision": ""},
        after={
            "decision": request.decision,
            "member_ids": request.approved_member_ids,
            "categories": request.approved_categories,
        },
    )
    return request


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _zip_write(archive: zipfile.ZipFile, path: str, data: bytes, files: list[dict]) -> None:
    archive.writestr(path, data)
    files.append({"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})


def _file_bytes(file: FieldFile) -> bytes | None:
    try:
        with file.open("rb") as fh:
            return fh.read()
    except (FileNotFoundError, OSError):
        return None


@transaction.atomic
def disclosure_export(
    *, request_id: int, by: User, now: datetime | None = None
) -> DisclosureRequest:
    """Produce what is disclosed: for each approved member and each approved category one JSON
    file, plus the files the category includes, and `manifest.json` listing every file with
    its SHA-256; zipped and kept with the request. The request is then fulfilled."""
    now = now or timezone.now()
    request = _locked(request_id)
    if request.decision not in (
        DisclosureDecision.APPROVED,
        DisclosureDecision.PARTIALLY_APPROVED,
    ):
        raise Conflict("Only an approved request can be exported.", code="not_approved")
    if request.export_file:
        raise Conflict("This request is already exported.", code="already_exported")
    policy = load_disclosure_policy()
    members = {
        m.member_id: m
        for m in Member.objects.filter(member_id__in=request.approved_member_ids).select_related(
            "user"
        )
    }
    contents: list[dict] = []
    missing: list[dict] = []
    with tempfile.TemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for member_id in request.approved_member_ids:
                member = members.get(member_id)
                if member is None:
                    continue
                for key in request.approved_categories:
                    data = category_data(member=member, category=key)
                    folder = f"members/{member_id}/{key}"
                    _zip_write(archive, f"{folder}.json", _json_bytes(data.records), contents)
                    if not policy.category(key).attachments:
                        continue
                    for attachment in data.attachments:
                        blob = _file_bytes(attachment.file)
                        path = f"{folder}/{attachment.path}"
                        if blob is None:
                            missing.append({"path": path, "source": attachment.source})
                            continue
                        _zip_write(archive, path, blob, contents)
            manifest = {
                "disclosure_request": request.pk,
                "reference": request.reference,
                "clause": "6.4",
                "requester": {
                    "name": request.requester_name,
                    "organisation": request.requester_organisation,
                    "type": request.requester_type,
                    "country": request.country,
                },
                "legal_basis": request.legal_basis,
                "decision": request.decision,
                "decided_by": request.decided_by.username if request.decided_by else "",
                "decided_at": request.decided_at,
                "generated_at": now,
                "generated_by": by.username,
                "scope": {
                    "member_ids": request.approved_member_ids,
                    "categories": request.approved_categories,
                },
                "files": contents,
                "missing_files": missing,
            }
            archive.writestr("manifest.json", _json_bytes(manifest))
        buffer.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: buffer.read(1 << 20), b""):
            digest.update(chunk)
        size = buffer.tell()
        buffer.seek(0)
        request.export_file.save(
            f"disclosure-{request.pk}-{now:%Y%m%dT%H%M%S}.zip", File(buffer), save=False
        )
    request.export_sha256 = digest.hexdigest()
    request.export_size = size
    request.manifest = json.loads(_json_bytes(manifest))
    request.exported_by = by
    request.fulfilled_at = now
    request.save()
    _audit(
        request,
        action="exported",
        actor=by,
        after={
            "sha256": request.export_sha256,
            "size": size,
            "files": len(contents),
            "member_ids": request.approved_member_ids,
            "categories": request.approved_categories,
        },
    )
    return request


@transaction.atomic
def disclosure_export_download(*, request_id: int, by: User) -> DisclosureRequest:
    """Legal staff fetch the export; each download is an audit row."""
    request = _locked(request_id)
    if not request.export_file:
        raise NotFound("This request has no export yet.", code="no_export")
    _audit(request, action="downloaded", actor=by, after={"sha256": request.export_sha256})
    return request
