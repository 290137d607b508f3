"""The operator console's landing page: each staff member's queues, grouped by role.

The console is Django's admin under a site of our own (`ConsoleSite`, installed through
`tradepost.config.apps.ConsoleAdminConfig` in INSTALLED_APPS). It lives in config, the top
layer, because the dashboard reads queues from every app; the apps keep registering on
`django.contrib.admin.site`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tradepost.catalog.models import Listing, ListingStatus
from tradepost.members.models import DuplicateSignal, SignalOutcome
from tradepost.notices.models import DeliveryStatus, EmailDelivery, InboundLegalNotice

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

RECENT = timedelta(days=30)


@dataclass(frozen=True)
class QueueSpec:
    """One queue on the dashboard: who sees it (a permission), what it counts, where it leads."""

    key: str
    area: StrOrPromise
    title: StrOrPromise
    help: StrOrPromise
    permission: str
    url: Callable[[], str]


@dataclass(frozen=True)
class Queue:
    key: str
    area: str
    title: str
    help: str
    count: int
    url: str


QUEUES = (
    QueueSpec(
        "listings_held",
        _("Trust & safety"),
        _("Listings held for review"),
        _("Screening held these listings; decide each one (publish, ask for changes, refuse)."),
        "catalog.moderate_listing",
        lambda: reverse("admin:catalog_listingawaitingreview_changelist"),
    ),
    QueueSpec(
        "duplicate_signals",
        _("Trust & safety"),
        _("Refused duplicate registrations (30 days)"),
        _("Registrations that matched an existing member; approve a second account if justified."),
        "members.view_duplicatesignal",
        lambda: (
            reverse("admin:members_duplicatesignal_changelist")
            + f"?outcome__exact={SignalOutcome.REFUSED}"
        ),
    ),
    QueueSpec(
        "failed_notice_sends",
        _("Legal notices"),
        _("Failed notice emails"),
        _("Emails of legal notices the mail server did not accept after the last attempt."),
        "notices.view_emaildelivery",
        lambda: (
            reverse("admin:notices_emaildelivery_changelist")
            + f"?status__exact={DeliveryStatus.FAILED}"
        ),
    ),
    QueueSpec(
        "inbound_wrong_entity",
        _("Legal notices"),
        _("Inbound notices to the wrong entity (30 days)"),
        _("Legal notices received that were addressed to another contracting entity."),
        "notices.view_inboundlegalnotice",
        lambda: (
            reverse("admin:notices_inboundlegalnotice_changelist")
            + "?flagged_wrong_entity__exact=1"
        ),
    ),
)


def _counts() -> dict[str, int]:
    """Every queue's count in three queries, whatever the number of rows."""
    since = timezone.now() - RECENT
    counts = {
        "listings_held": Listing.objects.filter(status=ListingStatus.PENDING_REVIEW).count(),
        "duplicate_signals": DuplicateSignal.objects.filter(
            outcome=SignalOutcome.REFUSED, created_at__gte=since
        ).count(),
    }
    counts["failed_notice_sends"] = EmailDelivery.objects.filter(
        status=DeliveryStatus.FAILED
    ).count()
    counts["inbound_wrong_entity"] = InboundLegalNotice.objects.aggregate(
        n=Count("id", filter=Q(flagged_wrong_entity=True, received_at__gte=since))
    )["n"]
    return counts


def queues_for(user: User | AnonymousUser) -> list[Queue]:
    """The queues this staff member may work on, with their counts (none for others)."""
    specs = [spec for spec in QUEUES if user.has_perm(spec.permission)]
    if not specs:
        return []
    counts = _counts()
    return [
        Queue(s.key, str(s.area), str(s.title), str(s.help), counts[s.key], s.url()) for s in specs
    ]


def grouped(queues: list[Queue]) -> list[tuple[str, list[Queue]]]:
    areas: dict[str, list[Queue]] = {}
    for queue in queues:
        areas.setdefault(queue.area, []).append(queue)
    return list(areas.items())


class ConsoleSite(admin.AdminSite):
    site_header = "Tradepost operator console"
    site_title = "Tradepost console"
    index_title = _("Your queues")
    index_template = "admin/console_index.html"

    def index(self, request: HttpRequest, extra_context: dict | None = None) -> TemplateResponse:
        queues = queues_for(request.user)  # type: ignore[arg-type]
        context = {
            "queue_groups": grouped(queues),
            "queue_total": sum(q.count for q in queues),
            **(extra_context or {}),
        }
        return super().index(request, extra_context=context)
