"""Case work (clause 6.2): evidence, the staff member in charge, closing the case.

Evidence is kept as it was added (a note, a file), so a later appeal sees what staff saw.
"""

from __future__ import annotations

import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tradepost.audit.services import audit_record
from tradepost.catalog import uploads
from tradepost.errors import Conflict, InvalidInput, NotFound
from tradepost.members.models import User
from tradepost.trust.models import Case, CaseEvidence, CaseStatus, ComplaintStatus
from tradepost.trust.services.casework import known_id, text_field

CASE_NOT_FOUND = "Case not found."
NOTE_MAX = 20_000


def _case_locked(case_id: int) -> Case:
    if not known_id(case_id):
        raise NotFound(CASE_NOT_FOUND)
    case = (
        Case.objects.select_for_update(of=("self",))
        .filter(pk=case_id)
        .select_related("member")
        .first()
    )
    if case is None:
        raise NotFound(CASE_NOT_FOUND)
    return case


def _open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise Conflict("The case is closed.", code="case_closed")


@transaction.atomic
def case_evidence_add(
    *, case_id: int, by: User, note: str = "", upload: UploadedFile | None = None
) -> CaseEvidence:
    """A note, a file (PDF or image, as certifications take), or both, on an open case."""
    note = text_field(note, "note", NOTE_MAX, required=upload is None)
    case = _case_locked(case_id)
    _open(case)
    evidence = CaseEvidence(case=case, note=note, by=by, at=timezone.now())
    if upload is not None:
        data = uploads.read_upload(upload, field="file", max_bytes=uploads.DOCUMENT_MAX_BYTES)
        info = uploads.inspect_document(data, field="file")
        evidence.content_type, evidence.size = info.content_type, info.size
        evidence.file.save(
            f"{uuid.uuid4().hex}.{info.extension}", ContentFile(info.data), save=False
        )
    evidence.save()
    audit_record(
        actor=by,
        action="case.evidence_added",
        target_type="case",
        target_id=case.pk,
        member_id=case.member.member_id,
        reason=note,
        after={"evidence_id": evidence.pk, "file": evidence.file.name or ""},
    )
    return evidence


@transaction.atomic
def case_assign(*, case_id: int, by: User, assignee_username: str) -> Case:
    assignee = User.objects.filter(username=assignee_username, is_staff=True).first()
    if assignee is None:
        raise InvalidInput(
            "Assign the case to a staff member.",
            fields={"assignee": ["No staff member has this username."]},
        )
    case = _case_locked(case_id)
    _open(case)
    before = case.assignee.username if case.assignee else ""
    case.assignee = assignee
    case.save(update_fields=["assignee"])
    audit_record(
        actor=by,
        action="case.assigned",
        target_type="case",
        target_id=case.pk,
        member_id=case.member.member_id,
        before={"assignee": before},
        after={"assignee": assignee.username},
    )
    return case


@transaction.atomic
def case_close(*, case_id: int, by: User, reason: str) -> Case:
    """Close a case once every complaint in it is decided (established or rejected)."""
    reason = text_field(reason, "reason", 5_000)
    case = _case_locked(case_id)
    _open(case)
    undecided = list(
        case.complaints.filter(status=ComplaintStatus.RECEIVED).values_list("pk", flat=True)
    )
    if undecided:
        raise Conflict(
            "Decide every complaint of the case first.",
            code="complaints_undecided",
            extra={"complaint_ids": undecided},
        )
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.closing_reason = reason
    case.save(update_fields=["status", "closed_at", "closing_reason"])
    audit_record(
        actor=by,
        action="case.closed",
        target_type="case",
        target_id=case.pk,
        member_id=case.member.member_id,
        reason=reason,
        before={"status": CaseStatus.OPEN},
        after={"status": CaseStatus.CLOSED},
    )
    return case
