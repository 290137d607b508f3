"""Information requests to members (clauses 5.9, 7.5): staff ask, the member answers with
files, and an unanswered request at its deadline proposes a suspension for staff to confirm.

Clause 5.9: information, materials and cooperation to provide the Services, evaluate a breach
or handle a complaint. Clause 7.5: information about the member's transactions; failing to
provide it allows suspension or termination of the account.

The deadline is applied lazily (every read of a request first applies the deadlines that have
passed) and by `tradepost trust information-deadlines` from cron, so neither has to run first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tradepost.audit.services import audit_record
from tradepost.errors import Conflict, InvalidInput, NotFound
from tradepost.members.models import Member, User
from tradepost.notices.models import NoticeKind
from tradepost.notices.rules import Channel
from tradepost.notices.services import notice_issue
from tradepost.policy.disclosure import load_disclosure_policy
from tradepost.text import clean_text
from tradepost.trust.models.actions import ActionSource
from tradepost.trust.models.requests import (
    InformationClause,
    InformationRequest,
    InformationRequestFile,
    ProposalDecision,
)
from tradepost.trust.models.requests import InformationRequestStatus as S
from tradepost.trust.rules import requests as rules
from tradepost.trust.services import uploads as trust_uploads
from tradepost.trust.services.actions import action_take

MEMBER_PAGE_PATH = "/my/information-requests/"


def _text(value: str, field: str, max_length: int, *, required: bool = True) -> str:
    try:
        text = clean_text(value or "", multiline=True)
    except ValueError as exc:
        raise InvalidInput(f"The {field} {exc}.", fields={field: [str(exc)]}) from None
    if required and not text:
        raise InvalidInput(f"The {field} is required.", fields={field: ["Required."]})
    if len(text) > max_length:
        raise InvalidInput(
            f"The {field} is too long.", fields={field: [f"At most {max_length} characters."]}
        )
    return text


def _audit(
    request: InformationRequest,
    *,
    action: str,
    actor: User | None,
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    audit_record(
        actor=actor,
        action=f"information_request.{action}",
        target_type="information_request",
        target_id=request.pk,
        member_id=request.member.member_id,
        reason=reason,
        clause=request.clause,
        before=before,
        after=after,
    )


@transaction.atomic
def information_request_create(
    *,
    member: Member,
    clause: str,
    questions: str,
    deadline: datetime,
    by: User,
    now: datetime | None = None,
) -> InformationRequest:
    """Clauses 5.9, 7.5: ask a member for information or materials by a deadline; the member
    is told by a notice (11.2) and answers in the app."""
    now = now or timezone.now()
    policy = load_disclosure_policy().information_requests
    if clause not in InformationClause.values:
        raise InvalidInput(
            "Cite clause 5.9 or 7.5.", fields={"clause": [f"One of {InformationClause.values}."]}
        )
    questions = _text(questions, "questions", 20_000)
    if timezone.is_naive(deadline):
        raise InvalidInput(
            "Give the deadline with its time zone.", fields={"deadline": ["Time zone missing."]}
        )
    problem = rules.information_deadline_problem(deadline=deadline, now=now, policy=policy)
    if problem:
        raise InvalidInput(problem, fields={"deadline": [problem]}, code="invalid_deadline")
    request = InformationRequest.objects.create(
        member=member,
        asked_by=by,
        clause=clause,
        questions=questions,
        deadline=deadline,
        created_at=now,
    )
    notice = notice_issue(
        member=member,
        kind=NoticeKind.LEGAL,
        channel=Channel.EMAIL,
        subject=f"Request for information (clause {clause})",
        body=(
            f"Under clause {clause} of the Terms of Use we ask you to provide the information "
            f"and materials below by {deadline:%Y-%m-%d %H:%M} UTC.\n\n{questions}\n\n"
            f"Answer in your account at {MEMBER_PAGE_PATH} (you may upload documents). If we do "
            "not receive an answer by the deadline, your account may be suspended "
            f"(clause {clause})."
        ),
        by=by,
    )
    request.notice = notice
    request.save(update_fields=["notice"])
    _audit(
        request,
        action="created",
        actor=by,
        after={"deadline": deadline.isoformat(), "notice_id": notice.pk, "status": S.OPEN},
    )
    return request


def _files_store(
    request: InformationRequest, files: Sequence[UploadedFile], now: datetime
) -> list[InformationRequestFile]:
    """Each file is checked like a certification (a PDF pypdf reads, or an image Pillow
    re-encodes without its metadata), all before any is stored, under a name of ours."""
    policy = load_disclosure_policy().information_requests
    checked = trust_uploads.files_check(
        files,
        field="files",
        max_files=policy.max_files,
        max_bytes=policy.max_file_mb * 1024 * 1024,
    )
    return trust_uploads.files_store(
        checked,
        lambda f: InformationRequestFile(
            request=request,
            original_name=f.name,
            content_type=f.info.content_type,
            size=f.info.size,
            sha256=f.sha256,
            uploaded_at=now,
        ),
    )


@transaction.atomic
def information_request_answer(
    *,
    member: Member,
    request_id: int,
    text: str,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> InformationRequest:
    """The member answers, with files if asked for materials (clause 5.9). A late answer (after
    the deadline, before staff close the request) is still taken and marked late."""
    now = now or timezone.now()
    information_requests_deadlines_apply(member=member, now=now)
    request = (
        InformationRequest.objects.select_for_update()
        .select_related("member")
        .filter(member=member, pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound("Information request not found.")
    if request.status == S.ANSWERED:
        raise Conflict("This request is already answered.", code="already_answered")
    if request.status == S.CLOSED:
        raise Conflict("This request is closed.", code="request_closed")
    policy = load_disclosure_policy().information_requests
    answer = _text(text, "text", policy.answer_max_chars, required=False)
    if not answer and not files:
        problem = "Write an answer or attach at least one file."
        raise InvalidInput(problem, fields={"text": [problem]}, code="answer_empty")
    stored = _files_store(request, files, now)
    before = request.status
    request.status = S.ANSWERED
    request.answer = answer
    request.answered_at = now
    request.answered_by = member.user
    request.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    _audit(
        request,
        action="answered",
        actor=member.user,
        before={"status": before},
        after={
            "status": S.ANSWERED,
            "files": [f.sha256 for f in stored],
            "late": now >= request.deadline,
        },
    )
    return request


@transaction.atomic
def information_request_close(
    *, request_id: int, reason: str, by: User, now: datetime | None = None
) -> InformationRequest:
    """Staff close a request: answered and reviewed, or no longer needed."""
    now = now or timezone.now()
    request = (
        InformationRequest.objects.select_for_update()
        .select_related("member")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound("Information request not found.")
    if request.status == S.CLOSED:
        raise Conflict("This request is already closed.", code="request_closed")
    reason = _text(reason, "reason", 5000)
    before = request.status
    request.status = S.CLOSED
    request.closed_at = now
    request.closed_by = by
    request.close_reason = reason
    request.save(update_fields=["status", "closed_at", "closed_by", "close_reason"])
    _audit(request, action="closed", actor=by, reason=reason, before={"status": before})
    return request


@transaction.atomic
def information_requests_deadlines_apply(
    *, now: datetime | None = None, member: Member | None = None
) -> list[InformationRequest]:
    """Every open request whose deadline has come becomes overdue and proposes a suspension
    (clauses 5.9, 7.5), once: the row is locked and its status moves on.

    The proposal is not yet an action: a disciplinary action (6.2) that `action_take` records
    is in force at once, and a suspension for silence must be a staff decision, so staff
    confirm it (`information_request_suspension_decide`), which then takes the action."""
    now = now or timezone.now()
    due: QuerySet[InformationRequest] = InformationRequest.objects.filter(
        status=S.OPEN, deadline__lte=now
    )
    if member is not None:
        due = due.filter(member=member)
    changed = []
    for request in due.select_for_update().select_related("member").order_by("deadline", "pk"):
        decision = rules.information_request_due(
            status=request.status, deadline=request.deadline, now=now, clause=request.clause
        )
        if decision.outcome != S.OVERDUE:
            continue
        request.status = S.OVERDUE
        request.overdue_at = now
        request.suspension_proposed_at = now
        request.save(update_fields=["status", "overdue_at", "suspension_proposed_at"])
        _audit(
            request,
            action="suspension_proposed",
            actor=None,
            reason=f"No answer by the deadline ({decision.rule}); suspension proposed.",
            before={"status": S.OPEN},
            after={
                "status": S.OVERDUE,
                "proposed": load_disclosure_policy().information_requests.deadline_action,
            },
        )
        changed.append(request)
    return changed


@transaction.atomic
def information_request_suspension_decide(
    *, request_id: int, confirm: bool, reason: str, by: User, now: datetime | None = None
) -> InformationRequest:
    """Staff confirm the proposed suspension (clauses 5.9, 7.5: failing to provide the
    information allows it) or dismiss it. Confirming takes the disciplinary action through
    `action_take`, citing the request's clause, marked as automatically detected."""
    now = now or timezone.now()
    request = (
        InformationRequest.objects.select_for_update()
        .select_related("member")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise NotFound("Information request not found.")
    if request.suspension_proposed_at is None:
        raise Conflict("No suspension is proposed for this request.", code="nothing_proposed")
    if request.suspension_decision:
        raise Conflict("The proposed suspension is already decided.", code="already_decided")
    reason = _text(reason, "reason", 5000)
    policy = load_disclosure_policy().information_requests
    if confirm:
        request.suspension_action = action_take(
            member=request.member,
            kind=policy.deadline_action,
            clause=request.clause,
            reason=reason,
            facts=(
                f"Information request #{request.pk} (clause {request.clause}) asked on "
                f"{request.created_at:%Y-%m-%d} was not answered by its deadline "
                f"{request.deadline:%Y-%m-%d %H:%M} UTC."
            ),
            by=by,
            source=ActionSource.AUTOMATED,
            automated_detection=True,
            case_ref=f"information_request:{request.pk}",
            now=now,
        )
    request.suspension_decision = (
        ProposalDecision.CONFIRMED if confirm else ProposalDecision.DISMISSED
    )
    request.suspension_decided_by = by
    request.suspension_decided_at = now
    request.suspension_decision_reason = reason
    request.save(
        update_fields=[
            "suspension_action",
            "suspension_decision",
            "suspension_decided_by",
            "suspension_decided_at",
            "suspension_decision_reason",
        ]
    )
    _audit(
        request,
        action=f"suspension_{request.suspension_decision}",
        actor=by,
        reason=reason,
        after={
            "decision": request.suspension_decision,
            "action_id": request.suspension_action_id,
        },
    )
    return request
