"""Screening members against the sanctions lists, and the compliance review queue.

Clause 5.13: a member, its contact person and its business referees are screened at
registration, whenever one of those names changes, and after a list import (`tradepost
sanctions rescreen`). A hit scoring at least `review_score` (policy/screening.toml) is queued
for compliance staff; one scoring at least `hold_score` also restricts the member pending the
review (a provisional `restrict` action on clause 5.13, in force at once, no four eyes).

Staff decide each hit: confirmed (a true match) opens a trust case on ground 5.13 proposing
termination, which a second staff member approves as trust enforces; cleared (a false
positive) is remembered, so the same member, name and entry do not alert again until the
entry or the screened name changes, and lifts the hold once no other hold-level hit remains.
Every step writes an audit row ("screening.hit_raised", "screening.hit_confirmed",
"screening.hit_cleared", "screening.hold_lifted").
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Case as SqlCase
from django.db.models import QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from tradepost import gates
from tradepost.audit.services import audit_record
from tradepost.catalog.cards import country_name
from tradepost.catalog.models import Category
from tradepost.catalog.policy import SanctionsRule
from tradepost.catalog.selectors import category_path, listing_policy_in_force
from tradepost.compliance import matching, rules
from tradepost.compliance.models import (
    Entry,
    HitStatus,
    RescreenCursor,
    ScreenedSubject,
    ScreeningHit,
)
from tradepost.errors import Conflict, NotFound
from tradepost.members.models import Member, User
from tradepost.policy.screening import hold_score, review_score
from tradepost.trust.models.actions import Action, ActionKind, ActionSource, ActionStatus
from tradepost.trust.models.cases import Case
from tradepost.trust.services.actions import action_lift, action_take, system_user
from tradepost.trust.services.casework import text_field

CLAUSE = "5.13"
HOLD_REF = "compliance-hold"
REASON_MAX = 5000
RESCREEN_CURSOR = "rescreen"
_WORD = re.compile(r"\w+")


class HitAlreadyDecided(Conflict):
    """A hit staff already confirmed or cleared cannot be decided again."""

    code = "hit_already_decided"


@dataclass(frozen=True)
class Subject:
    """One name of a member to screen."""

    subject: str
    key: str
    value: str
    kind: str = "any"


def fingerprint(subject: Subject) -> str:
    """The screened value as the false-positive memory compares it: casefolded words."""
    words = " ".join(_WORD.findall(subject.value.casefold()))
    return hashlib.sha256(f"{subject.subject}|{subject.key}|{words}".encode()).hexdigest()


def member_subjects(member: Member) -> list[Subject]:
    """Clause 5.13: the names screened for a member (company, contact person, referees)."""
    subjects = [
        Subject(ScreenedSubject.COMPANY, "", member.company_name),
        Subject(ScreenedSubject.CONTACT, "", member.contact_name),
    ]
    for referee in member.referees.order_by("pk"):
        subjects.append(Subject(ScreenedSubject.REFEREE, str(referee.pk), referee.name))
        if referee.company:
            key = f"{referee.pk}:company"
            subjects.append(Subject(ScreenedSubject.REFEREE, key, referee.company))
    return [s for s in subjects if s.value.strip()]


def _holds(member: Member) -> QuerySet[Action]:
    return Action.objects.filter(
        member=member,
        kind=ActionKind.RESTRICT,
        clause=CLAUSE,
        case_ref=HOLD_REF,
        status=ActionStatus.IN_FORCE,
    )


def hold_in_force(member: Member) -> Action | None:
    """The provisional compliance hold restricting the member now, if any."""
    return _holds(member).order_by("pk").first()


def compliance_review_pending(member: Any) -> bool:
    """The gate members reads for `/members/me` and trade for the counterparty of every
    order: held pending review, naming no entry (an EXISTS, no action row loaded)."""
    if getattr(member, "pk", None) is None:
        return False
    return _holds(member).exists()


def _hold(member: Member, *, now: datetime) -> Action:
    """Clause 5.13: restrict the member's services pending compliance review (listings,
    orders, messaging), as the platform itself."""
    action = hold_in_force(member)
    if action is not None:
        return action
    return action_take(
        member=member,
        kind=ActionKind.RESTRICT,
        clause=CLAUSE,
        reason=_(
            "Your account is restricted pending a compliance review (clause 5.13). We will "
            "tell you when the review is complete."
        ),
        by=system_user(),
        source=ActionSource.AUTOMATED,
        automated_detection=True,
        automated_decision=True,
        case_ref=HOLD_REF,
        now=now,
    )


def _snapshot(hit: ScreeningHit) -> dict[str, Any]:
    return {
        "status": hit.status,
        "subject": hit.subject,
        "list": hit.list_source,
        "list_version": hit.list_version,
        "entry": hit.entry_source_id,
        "score": hit.score,
        "holds": hit.holds,
    }


def _remembered(member: Member, entry: Entry, subject: Subject, print_: str) -> bool:
    """A decided hit for the same name and entry content: confirmed, or cleared as a false
    positive while neither the name nor the entry changed."""
    decided = ScreeningHit.objects.filter(
        member=member, entry=entry, subject=subject.subject, subject_key=subject.key
    )
    if decided.filter(status=HitStatus.CONFIRMED).exists():
        return True
    return decided.filter(
        status=HitStatus.CLEARED, subject_fingerprint=print_, entry_hash=entry.content_hash
    ).exists()


@transaction.atomic
def member_screen(
    *, member: Member, now: datetime | None = None, index: matching.NameIndex | None = None
) -> list[ScreeningHit]:
    """Clause 5.13: screen the member's names; queue the hits that reach `review_score` and
    hold the member when one reaches `hold_score`. Answers the hits raised by this run.
    `index`: screen against that index only (a rescreen against what a list version
    changed) rather than every list in force."""
    now = now or timezone.now()
    review, hold = review_score(), hold_score()
    member = Member.objects.select_for_update(of=("self",)).get(pk=member.pk)
    raised: list[ScreeningHit] = []
    for subject in member_subjects(member):
        print_ = fingerprint(subject)
        hits = matching.screen_name(
            subject.value, kind=subject.kind, country=member.country, min_score=review, index=index
        )
        for found in hits:
            if found.score < review:
                continue
            entry = (
                Entry.objects.filter(
                    sanctions_list__source=found.list_source,
                    source_id=found.entry_id,
                    removed_in__isnull=True,
                )
                .select_related("sanctions_list")
                .first()
            )
            if entry is None or _remembered(member, entry, subject, print_):
                continue
            values = {
                "subject_value": subject.value[:500],
                "subject_fingerprint": print_,
                "list_source": found.list_source,
                "list_version": found.list_version,
                "entry_source_id": found.entry_id,
                "entry_hash": entry.content_hash,
                "entry_name": found.name[:500],
                "matched_alias": (found.matched_alias or "")[:500],
                "score": found.score,
                "reasons": list(found.reasons),
            }
            hit, created = ScreeningHit.objects.get_or_create(
                member=member,
                entry=entry,
                subject=subject.subject,
                subject_key=subject.key,
                status=HitStatus.OPEN,
                defaults={**values, "holds": found.score >= hold},
            )
            if not created:
                for name, value in values.items():
                    setattr(hit, name, value)
                hit.holds = hit.holds or found.score >= hold
                hit.save()
                continue
            audit_record(
                actor=None,
                action="screening.hit_raised",
                target_type="screening_hit",
                target_id=hit.pk,
                member_id=member.member_id,
                clause=CLAUSE,
                after=_snapshot(hit),
            )
            raised.append(hit)
    held = ScreeningHit.objects.filter(
        member=member, status=HitStatus.OPEN, holds=True, hold_action__isnull=True
    )
    if held.exists():
        action = _hold(member, now=now)
        held.update(hold_action=action)
    return raised


def _hit_locked(hit_id: int) -> ScreeningHit:
    hit = (
        ScreeningHit.objects.select_for_update(of=("self",))
        .select_related("member", "entry")
        .filter(pk=hit_id)
        .first()
    )
    if hit is None:
        raise NotFound(_("No such screening hit."))
    return hit


def _decide(hit: ScreeningHit, *, status: str, by: User, reason: str) -> ScreeningHit:
    reason = text_field(reason, "reason", REASON_MAX)
    hit = _hit_locked(hit.pk)
    if hit.status != HitStatus.OPEN:
        raise HitAlreadyDecided(
            _("This screening hit was already decided (%(status)s).") % {"status": hit.status},
            extra={"status": hit.status},
        )
    before = _snapshot(hit)
    hit.status = status
    hit.decided_by = by
    hit.decided_at = timezone.now()
    hit.decision_reason = reason
    hit.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        actor=by,
        action=f"screening.hit_{status}",
        target_type="screening_hit",
        target_id=hit.pk,
        member_id=hit.member.member_id,
        reason=reason,
        clause=CLAUSE,
        before=before,
        after=_snapshot(hit),
    )
    return hit


@transaction.atomic
def hit_confirm(*, hit: ScreeningHit, by: User, reason: str) -> ScreeningHit:
    """Clause 5.13: a true match. Opens a case on ground 5.13 proposing termination of the
    account (pending a second staff member's approval, as trust enforces); the hold stays,
    and is put in place if the hit's score had not reached the hold score."""
    hit = _decide(hit, status=HitStatus.CONFIRMED, by=by, reason=reason)
    member = hit.member
    now = timezone.now()
    case = Case.objects.create(member=member, grounds=[CLAUSE], opened_at=now)
    audit_record(
        actor=by,
        action="case.opened",
        target_type="case",
        target_id=case.pk,
        member_id=member.member_id,
        clause=CLAUSE,
        after={"grounds": case.grounds, "screening_hit": hit.pk},
    )
    action_take(
        member=member,
        kind=ActionKind.TERMINATE,
        clause=CLAUSE,
        reason=hit.decision_reason,
        by=by,
        case=case,
        facts=(
            f"Screening hit #{hit.pk}: {hit.subject} {hit.subject_value!r} matched "
            f"{hit.list_source} v{hit.list_version} entry {hit.entry_source_id} "
            f"({hit.entry_name}), score {hit.score:.2f}."
        ),
        now=now,
    )
    hit.case = case
    hit.hold_action = hit.hold_action or _hold(member, now=now)
    hit.save(update_fields=["case", "hold_action"])
    return hit


@transaction.atomic
def hit_clear(*, hit: ScreeningHit, by: User, reason: str) -> ScreeningHit:
    """Clause 5.13: a false positive, remembered. Lifts the compliance hold when no other
    open or confirmed hold-level hit of the member remains."""
    hit = _decide(hit, status=HitStatus.CLEARED, by=by, reason=reason)
    member = hit.member
    remaining = ScreeningHit.objects.filter(
        member=member, holds=True, status__in=[HitStatus.OPEN, HitStatus.CONFIRMED]
    )
    if (
        not remaining.exists()
        and not ScreeningHit.objects.filter(member=member, status=HitStatus.CONFIRMED).exists()
    ):
        action = hold_in_force(member)
        if action is not None:
            action_lift(action=action, by=by, reason=_("Compliance review complete."))
            audit_record(
                actor=by,
                action="screening.hold_lifted",
                target_type="action",
                target_id=action.pk,
                member_id=member.member_id,
                clause=CLAUSE,
            )
    return hit


def hits_for_review(*, member_id: str = "", status: str = "") -> QuerySet[ScreeningHit]:
    """The review queue: open hits first, newest first."""
    hits = ScreeningHit.objects.select_related("member", "decided_by")
    if member_id:
        hits = hits.filter(member__member_id=member_id)
    if status:
        hits = hits.filter(status=status)
    open_first = SqlCase(When(status=HitStatus.OPEN, then=Value(0)), default=Value(1))
    return hits.order_by(open_first, "-created_at", "-id")


def members_rescreen(
    *,
    batch: int = 200,
    restart: bool = False,
    limit: int | None = None,
    progress: Any = None,
    versions: Sequence[int] | None = None,
) -> RescreenCursor:
    """Clause 5.13: screen every member again, in batches of `batch`, each batch in its own
    transaction and the cursor moved after it, so an interrupted run continues where it
    stopped. `restart` starts over; `limit` stops after that many members (a run in slices).

    `versions` (list version ids) starts a run against only what those versions added or
    changed: members' names did not change, so a new match can only come from a new or
    changed entry. A run still going against other versions starts over against all of them;
    a full run still going stays full. `versions=None` with `restart` is a full rescreen."""
    cursor, _created = RescreenCursor.objects.get_or_create(name=RESCREEN_CURSOR)
    if versions is not None:
        unfinished = cursor.started_at is not None and cursor.finished_at is None
        if unfinished and not cursor.versions:
            targets: list[int] = []  # a full run is under way: it covers these versions too
        else:
            targets = sorted({*versions, *(cursor.versions if unfinished else [])})
        cursor.versions = targets
        restart = True
    elif restart:
        cursor.versions = []
    if restart or cursor.finished_at is not None:
        cursor.last_member_pk, cursor.screened = 0, 0
        cursor.started_at, cursor.finished_at = timezone.now(), None
        cursor.save()
    elif cursor.started_at is None:
        cursor.started_at = timezone.now()
        cursor.save(update_fields=["started_at"])
    index = matching.build_index(versions=cursor.versions) if cursor.versions else None
    done = 0
    total = Member.objects.count()
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        pks = list(
            Member.objects.filter(pk__gt=cursor.last_member_pk)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not pks:
            cursor.finished_at = timezone.now()
            cursor.save(update_fields=["finished_at"])
            break
        with transaction.atomic():
            for member in Member.objects.filter(pk__in=pks).order_by("pk"):
                member_screen(member=member, index=index)
            cursor.last_member_pk = pks[-1]
            cursor.screened += len(pks)
            cursor.save(update_fields=["last_member_pk", "screened"])
        done += len(pks)
        if progress is not None:
            progress(cursor.screened, total)
    return cursor


def _goods_rules(policy: Any) -> tuple[rules.GoodsRule, ...]:
    return tuple(
        rules.GoodsRule(
            id=rule.id,
            title=rule.title,
            clause=rule.clause,
            categories=frozenset(rule.categories),
            codes=frozenset(policy.destinations[rule.destinations].codes),
            documents=tuple(rule.documents),
        )
        for rule in policy.rules
        if isinstance(rule, SanctionsRule)
    )


def _goods_refusal(
    policy: Any, destination: str, goods: tuple[int, ...]
) -> gates.TradeRefusal | None:
    """Clause 5.13 (c): restricted goods categories by destination (the listing policy's
    sanctions rules). The categories are read only when the destination is one a rule names."""
    goods_rules = tuple(r for r in _goods_rules(policy) if destination.upper() in r.codes)
    if not goods or not goods_rules:
        return None
    paths = tuple(category_path(c) for c in Category.objects.filter(pk__in=goods))
    decision, rule = rules.goods_screen(
        destination=destination, category_paths=paths, goods_rules=goods_rules
    )
    if decision.allowed or rule is None:
        return None
    reason = _(
        "These goods cannot be traded online for delivery to %(country)s: %(title)s (clause "
        "%(clause)s)."
    ) % {"country": country_name(decision.country), "title": rule.title, "clause": rule.clause}
    if rule.documents:
        reason += " " + _("Contact the platform's compliance team with: %(documents)s.") % {
            "documents": "; ".join(rule.documents)
        }
    return gates.TradeRefusal(reason=reason, rule=decision.rule, clause=decision.clause)


def trade_refusal(
    buyer: Any, supplier: Any, destination: str, goods: tuple[int, ...] = ()
) -> gates.TradeRefusal | None:
    """Clause 5.13 (b), (d): the gate trade asks before an order or an RFQ. A party held
    pending a compliance review stops it (the reason names no list entry); so does an
    embargoed destination or party country (the listing policy's `embargoed` set). Clause
    5.13 (c): so do goods (`goods`: category ids) the listing policy restricts for the
    destination."""
    policy = listing_policy_in_force()
    embargoed = policy.destinations.get("embargoed")
    parties = [p for p in (buyer, supplier) if p is not None]
    decision = rules.trade_screen(
        destination=destination or "",
        party_countries=tuple(p.country for p in parties if p.country),
        # The buyer's own hold already stops it as a restriction of `orders` (6.2 iv).
        counterparty_held=supplier is not None and compliance_review_pending(supplier),
        embargoed=frozenset(embargoed.codes) if embargoed else frozenset(),
    )
    if decision.allowed:
        return _goods_refusal(policy, destination or "", goods)
    if decision.rule == "counterparty_under_review":
        reason = _(
            "A party to this trade is under a compliance review (clause 5.13): it cannot go "
            "ahead until the review is complete."
        )
    elif decision.rule == "embargoed_destination":
        reason = _(
            "Trade to %(country)s is stopped: it is under a comprehensive embargo (clause 5.13)."
        ) % {"country": country_name(decision.country)}
    else:
        reason = _(
            "Trade with a member in %(country)s is stopped: it is under a comprehensive "
            "embargo (clause 5.13)."
        ) % {"country": country_name(decision.country)}
    return gates.TradeRefusal(reason=reason, rule=decision.rule, clause=decision.clause)
