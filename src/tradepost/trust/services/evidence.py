"""Evidence with an appeal (DSA Art. 20; clause 6.2): the member gives files when filing the
appeal and may add more until it is decided, on its actions page, on the appeal link's page
(no login) or through the API. Staff deciding the appeal read them in the console and the
staff API.

The limits are the actions policy's `[appeals]` (`actions.toml`): PDF, PNG or JPEG files by
their content, so many per appeal, so large each. A bad file refuses the whole request: no
appeal is filed and no file is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from tradepost.audit.services import audit_record
from tradepost.errors import Conflict, NotFound
from tradepost.members.models import Member
from tradepost.policy.actions import load_actions_policy
from tradepost.trust.models.actions import Appeal
from tradepost.trust.models.evidence import AppealEvidence
from tradepost.trust.services import uploads
from tradepost.trust.services.actions import appeal_file
from tradepost.trust.services.casework import known_id

APPEAL_NOT_FOUND = "No such appeal."


def _check(files: Sequence[UploadedFile], *, already: int) -> list[uploads.CheckedFile]:
    policy = load_actions_policy().appeals
    return uploads.files_check(
        files,
        field="evidence",
        max_files=policy.evidence_max_files,
        max_bytes=policy.evidence_max_mb * 1024 * 1024,
        already=already,
        allowed=uploads.PDF_PNG_JPEG,
    )


def _store(
    appeal: Appeal, checked: Sequence[uploads.CheckedFile], *, now: datetime
) -> list[AppealEvidence]:
    stored = uploads.files_store(
        checked,
        lambda f: AppealEvidence(
            appeal=appeal,
            original_name=f.name,
            content_type=f.info.content_type,
            size=f.info.size,
            sha256=f.sha256,
            uploaded_at=now,
        ),
    )
    if stored:
        audit_record(
            actor=appeal.member.user,
            action="appeal.evidence_added",
            target_type="appeal",
            target_id=appeal.pk,
            member_id=appeal.member.member_id,
            clause=appeal.action.clause,
            after={
                "files": [{"id": e.pk, "name": e.original_name, "sha256": e.sha256} for e in stored]
            },
        )
    return stored


@transaction.atomic
def appeal_file_with_evidence(
    *,
    member: Member,
    action_id: int,
    statement: str,
    files: Sequence[UploadedFile] = (),
    now: datetime | None = None,
) -> Appeal:
    """DSA Art. 20: the appeal and its evidence files at once; the files are checked first,
    so a bad one files no appeal."""
    now = now or timezone.now()
    checked = _check(files, already=0)
    appeal = appeal_file(member=member, action_id=action_id, statement=statement, now=now)
    _store(appeal, checked, now=now)
    return appeal


@transaction.atomic
def appeal_evidence_add(
    *,
    member: Member,
    appeal_id: int,
    files: Sequence[UploadedFile],
    now: datetime | None = None,
) -> list[AppealEvidence]:
    """DSA Art. 20: the appellant adds evidence to its appeal until staff decide it. Another
    member's appeal answers 404 like a missing one; a decided appeal is a conflict (409)."""
    now = now or timezone.now()
    appeal = (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("member__user", "action")
        .filter(pk=appeal_id, member=member)
        .first()
        if known_id(appeal_id)
        else None
    )
    if appeal is None:
        raise NotFound(APPEAL_NOT_FOUND)
    if appeal.outcome:
        raise Conflict(
            "The appeal is already decided: it takes no more evidence.",
            code="appeal_decided",
            extra={"outcome": appeal.outcome},
        )
    checked = _check(files, already=appeal.evidence_files.count())
    return _store(appeal, checked, now=now)
