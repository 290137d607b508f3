"""The console's related accounts (clauses 4.1, 4.5, 6.2 (i)).

- Links: filter by status and kind, read the evidence, mark links false positives (through
  `trust.services.links.link_false_positive`, reason required).
- A member's cluster (`admin:trust_link_cluster`, /console/trust/link/cluster/<member_id>/):
  every member of it, and each link with its evidence, stopped links included.
- Identity signals and account-sharing alerts (4.5), read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tradepost.console import (
    REASON_TEMPLATE,
    ReadOnlyAdmin,
    ReasonForm,
    form_add_domain_error,
    grouped_errors,
    table_rows,
)
from tradepost.errors import DomainError, InvalidInput
from tradepost.members.models import Member
from tradepost.members.requests import request_user
from tradepost.trust.models.links import IdentitySignal, Link, LinkStatus, SharingAlert
from tradepost.trust.selectors import links as selectors
from tradepost.trust.services import links as services

CLUSTER_TEMPLATE = "admin/trust/link/cluster.html"


class KindFilter(admin.SimpleListFilter):
    title = "kind of evidence"
    parameter_name = "kind"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        from tradepost.trust.models.links import SignalKind

        return list(SignalKind.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Link]) -> QuerySet[Link]:
        kind = self.value()
        if not kind:
            return queryset
        # JSON "contains" is not on SQLite; the kinds list is short and quoted in the JSON text.
        return queryset.filter(kinds__icontains=f'"{kind}"')


def _member_link(member: Member) -> SafeString:
    url = reverse("admin:members_member_change", args=[member.pk])
    return format_html(
        '<span class="tp-data"><a href="{}">{}</a> {}</span>', url, member.member_id,
        member.company_name,
    )  # fmt: skip


def _cluster_link(member: Member) -> SafeString:
    url = reverse("admin:trust_link_cluster", args=[member.member_id])
    return format_html('<span class="tp-data"><a href="{}">cluster</a></span>', url)


@admin.register(Link)
class LinkAdmin(ReadOnlyAdmin):
    """Related-account links (6.2 (i)) with their evidence; false positives are marked here."""

    list_display = ["id", "member_a", "member_b", "evidence_list", "status", "first_seen"]
    list_filter = ["status", KindFilter, "first_seen"]
    search_fields = ["a__member_id", "b__member_id", "a__company_name", "b__company_name"]
    list_select_related = ["a", "b", "decided_by"]
    ordering = ["-first_seen", "-pk"]
    actions = ["mark_false_positive"]

    @admin.display(description="Member A", ordering="a__member_id")
    def member_a(self, obj: Link) -> SafeString:
        return format_html("{} ({})", _member_link(obj.a), _cluster_link(obj.a))

    @admin.display(description="Member B", ordering="b__member_id")
    def member_b(self, obj: Link) -> SafeString:
        return format_html("{} ({})", _member_link(obj.b), _cluster_link(obj.b))

    @admin.display(description="Evidence")
    def evidence_list(self, obj: Link) -> SafeString:
        kinds = selectors.kinds_by_strength(obj.kinds)
        marked = set(obj.false_positive_kinds)
        return format_html(
            "<ul class='tp-evidence'>{}</ul>",
            format_html_join(
                "",
                "<li>{}{}</li>",
                (
                    (obj.evidence.get(k, k), " (marked false positive)" if k in marked else "")
                    for k in kinds
                ),
            ),
        )

    def get_urls(self) -> list[URLPattern]:
        cluster = path(
            "cluster/<str:member_id>/",
            self.admin_site.admin_view(self.cluster_view),
            name="trust_link_cluster",
        )
        return [cluster, *super().get_urls()]

    def has_mark_false_positive_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.change_link")

    @admin.action(description="Mark as false positive…", permissions=["mark_false_positive"])
    def mark_false_positive(
        self, request: HttpRequest, queryset: QuerySet[Link]
    ) -> HttpResponse | None:
        links = list(queryset.select_related("a", "b").order_by("pk"))
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid() and self._mark(request, links, form):
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Mark links as false positives",
            "intro": (
                "Clause 6.2 (i). A link marked a false positive stops relating the two "
                "members at once and their cluster is recomputed. It relates them again only "
                "when new evidence of a kind not marked now arrives. The reason is kept in "
                "the audit trail."
            ),
            **table_rows(
                ["Link", "Member A", "Member B", "Evidence", "Status"],
                (
                    [
                        f"#{link.pk}",
                        link.a.member_id,
                        link.b.member_id,
                        link.evidence_text(),
                        link.get_status_display(),
                    ]
                    for link in links
                ),
            ),
            "form": form,
            "action": "mark_false_positive",
            "selected": [link.pk for link in links],
            "submit_label": "Mark as false positive",
            "cancel_url": reverse("admin:trust_link_changelist"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, REASON_TEMPLATE, context)

    def _mark(self, request: HttpRequest, links: list[Link], form: ReasonForm) -> bool:
        reason = form.cleaned_data["reason"]
        done: list[str] = []
        failures: dict[str, list[str]] = {}
        for link in links:
            try:
                services.link_false_positive(
                    link_id=link.pk, by=request_user(request), reason=reason
                )
            except InvalidInput as exc:
                messages.error(request, exc.message)
                form_add_domain_error(form, exc)
                return False
            except DomainError as exc:
                failures.setdefault(exc.message, []).append(f"#{link.pk}")
            else:
                done.append(f"#{link.pk}")
                self.log_change(request, link, f"Marked a false positive: {reason}")
        if done:
            messages.success(request, f"Marked as false positives: {', '.join(done)}.")
        grouped_errors(request, failures)
        return True

    def cluster_view(self, request: HttpRequest, member_id: str) -> HttpResponse:
        """Clause 6.2 (i): the member's related accounts and the evidence for each link."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        member = Member.objects.filter(member_id=member_id[:16]).first()
        if member is None:
            raise Http404("No such member.")
        cluster = selectors.cluster_of(member)
        links = list(selectors.cluster_links(member, include_stopped=True))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Related accounts of {member.member_id}",
            "member": member,
            "cluster": [
                {
                    "member": m,
                    "url": reverse("admin:members_member_change", args=[m.pk]),
                    "cluster_url": reverse("admin:trust_link_cluster", args=[m.member_id]),
                }
                for m in cluster
            ],
            "links": [
                {
                    "link": link,
                    "url": reverse("admin:trust_link_change", args=[link.pk]),
                    "evidence": [
                        (
                            link.evidence.get(k, k),
                            k in link.false_positive_kinds,
                        )
                        for k in selectors.kinds_by_strength(link.kinds)
                    ],
                    "stopped": link.status != LinkStatus.ACTIVE,
                }
                for link in links
            ],
            "alerts": list(selectors.sharing_alerts(member)[:20]),
            "can_mark": self.has_mark_false_positive_permission(request),
            "changelist_url": reverse("admin:trust_link_changelist"),
        }
        return TemplateResponse(request, CLUSTER_TEMPLATE, context)


@admin.register(IdentitySignal)
class IdentitySignalAdmin(ReadOnlyAdmin):
    """What each member was seen with (values masked; the values themselves are not kept)."""

    list_display = ["member", "kind", "shown", "holders", "source", "first_seen", "last_seen"]
    list_filter = ["kind", "source"]
    search_fields = ["member__member_id"]
    list_select_related = ["member", "value"]
    ordering = ["-last_seen"]

    @admin.display(description="Value")
    def shown(self, obj: IdentitySignal) -> str:
        return obj.value.display or "—"

    @admin.display(description="Members with it")
    def holders(self, obj: IdentitySignal) -> int:
        return obj.value.member_count


@admin.register(SharingAlert)
class SharingAlertAdmin(ReadOnlyAdmin):
    """Clause 4.5: accounts used from more devices, networks or countries than one user would."""

    list_display = ["member", "rule", "seen", "status", "created_at", "updated_at", "cluster"]
    list_filter = ["status", "rule"]
    search_fields = ["member__member_id"]
    list_select_related = ["member"]
    ordering = ["-updated_at"]

    @admin.display(description="Seen / limit")
    def seen(self, obj: SharingAlert) -> str:
        return f"{obj.detail.get('seen', '?')} / {obj.detail.get('limit', '?')}"

    @admin.display(description="Cluster")
    def cluster(self, obj: SharingAlert) -> SafeString:
        return _cluster_link(obj.member)
