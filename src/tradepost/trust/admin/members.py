"""The console's enforcement actions (clauses 4.5, 6.2 i), on the member page.

The member page is assembled here, at the top of the layers: `members.admin.MemberAdmin`
(the record and its histories) plus the member's Terms acceptances and the "Change status"
page and action, which call `trust.services.member_change_status` so a suspension also hides
the supplier's listings. The URL (`admin:members_member_status`) and the button stay where
staff know them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from tradepost.catalog.models import Listing
from tradepost.console import (
    REASON_TEMPLATE,
    ReadOnlyInline,
    ReasonForm,
    form_add_domain_error,
    grouped_errors,
    table_rows,
)
from tradepost.errors import DomainError, InvalidInput
from tradepost.members.admin import MemberAdmin as MemberRecordAdmin
from tradepost.members.models import Member, MemberStatus
from tradepost.members.requests import request_user
from tradepost.terms.models import TermsAcceptance
from tradepost.trust import services
from tradepost.trust.models import Case, CaseStatus
from tradepost.trust.models.actions import Action, ActionStatus


class StatusChangeForm(ReasonForm):
    to_status = forms.ChoiceField(
        label="New status",
        choices=[
            (MemberStatus.SUSPENDED, "Suspend"),
            (MemberStatus.ACTIVE, "Reinstate (active)"),
            (MemberStatus.TERMINATED, "Terminate (final: cannot be undone)"),
        ],
        widget=forms.RadioSelect,
    )
    field_order = ["to_status", "reason"]


def _status_field(key: str) -> str:
    return "to_status" if key == "status" else key


class TermsAcceptanceInline(ReadOnlyInline):
    model = TermsAcceptance
    fields = ["version", "method", "accepted_at", "ip", "text_sha256"]
    verbose_name_plural = "Terms acceptances (1.1, 4.4)"


class ListingInline(ReadOnlyInline):
    """The member's listings, each linking to its console page (where staff moderate it)."""

    model = Listing
    fk_name = "supplier"
    fields = readonly_fields = ("listing", "status", "category", "updated_at")
    verbose_name = "listing"
    verbose_name_plural = "Listings"
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Listing]:
        return super().get_queryset(request).select_related("category").order_by("-updated_at")

    @admin.display(description="Listing")
    def listing(self, obj: Listing) -> str:
        url = reverse("admin:catalog_listing_change", args=[obj.pk])
        return format_html('<a href="{}">#{} {}</a>', url, obj.pk, obj.title)


def _trust_links(request: HttpRequest, member: Member) -> list[dict[str, str]]:
    """Clause 6.2: from the member's page to what staff do about it, each link only for a
    role that may use it: take an action, the related cluster, file a complaint, the open
    cases and the actions in force."""
    user, mid = request.user, member.member_id
    cases = Case.objects.filter(member=member, status=CaseStatus.OPEN).count()
    in_force = Action.objects.filter(member=member, status=ActionStatus.IN_FORCE).count()
    links = [
        (
            "trust.add_action",
            _("Take action"),
            reverse("admin:trust_action_add"),
            f"member_id={mid}",
        ),
        (
            "trust.view_link",
            _("Related accounts"),
            reverse("admin:trust_link_cluster", args=[mid]),
            "",
        ),
        (
            "trust.add_complaint",
            _("File complaint"),
            reverse("admin:trust_complaint_add"),
            f"member_id={mid}",
        ),
        (
            "trust.view_case",
            _("Open cases (%(n)d)") % {"n": cases},
            reverse("admin:trust_case_changelist"),
            f"q={mid}",
        ),
        (
            "trust.view_action",
            _("Actions in force (%(n)d)") % {"n": in_force},
            reverse("admin:trust_action_changelist"),
            f"q={mid}&status__exact=in_force",
        ),
    ]
    return [
        {"label": str(label), "url": f"{url}?{query}" if query else url}
        for perm, label, url, query in links
        if user.has_perm(perm)
    ]


if admin.site.is_registered(Member):
    admin.site.unregister(Member)


@admin.register(Member)
class MemberAdmin(MemberRecordAdmin):
    """Members, read-only; status changes through the "Change status" page (4.5, 6.2 i)."""

    actions = ["change_status"]
    inlines = [*MemberRecordAdmin.inlines, ListingInline, TermsAcceptanceInline]

    def has_change_status_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("members.change_member")

    def get_urls(self) -> list[URLPattern]:
        info = self.opts.app_label, self.opts.model_name
        status = path(
            "<path:object_id>/status/",
            self.admin_site.admin_view(self.status_view),
            name="{}_{}_status".format(*info),
        )
        return [status, *super().get_urls()]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        member = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            "can_change_status": self.has_change_status_permission(request),
            "trust_links": _trust_links(request, member) if member is not None else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description="Change status (suspend, reinstate, terminate)…",
        permissions=["change_status"],
    )
    def change_status(
        self, request: HttpRequest, queryset: QuerySet[Member]
    ) -> HttpResponse | None:
        members = list(queryset.order_by("member_id"))
        form = StatusChangeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and self._apply_status(request, members, form):
            return None  # back to the changelist, with the messages
        return self._status_page(request, members, form, action="change_status")

    def status_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_change_status_permission(request):
            raise PermissionDenied
        member = self.get_object(request, unquote(object_id))
        if member is None:
            # Django's own "not found" redirect; private, so django-stubs leaves it out.
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)  # type: ignore[attr-defined]
        form = StatusChangeForm(request.POST if request.method == "POST" else None)
        if form.is_bound and self._apply_status(request, [member], form):
            return HttpResponseRedirect(reverse("admin:members_member_change", args=[member.pk]))
        return self._status_page(request, [member], form, action=None)

    def _apply_status(
        self, request: HttpRequest, members: list[Member], form: StatusChangeForm
    ) -> bool:
        """Call the service per member; True when done (False: show the form again)."""
        if not form.is_valid():
            messages.error(request, "Please choose the new status.")
            return False
        to_status, reason = form.cleaned_data["to_status"], form.cleaned_data["reason"]
        changed: list[str] = []
        failures: dict[str, list[str]] = {}
        for member in members:
            try:
                services.member_change_status(
                    member=member, to_status=to_status, reason=reason, by=request_user(request)
                )
            except InvalidInput as exc:  # about the form, the same for every member
                messages.error(request, exc.message)
                form_add_domain_error(form, exc, field_for=_status_field)
                return False
            except DomainError as exc:
                failures.setdefault(exc.message, []).append(member.member_id)
            else:
                changed.append(member.member_id)
                self.log_change(request, member, f"Status changed to {to_status}: {reason}")
        if changed:
            label = MemberStatus(to_status).label.lower()
            messages.success(request, f"Status set to {label} for {', '.join(changed)}.")
        grouped_errors(request, failures)
        return True

    def _status_page(
        self,
        request: HttpRequest,
        members: list[Member],
        form: StatusChangeForm,
        action: str | None,
    ) -> TemplateResponse:
        single = members[0] if action is None else None
        cancel = (
            reverse("admin:members_member_change", args=[single.pk])
            if single
            else reverse("admin:members_member_changelist")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Change member status",
            "intro": (
                "Clauses 4.5 and 6.2 (i). Suspending or terminating ends every live session "
                "of the member and revokes every API token at once; the member is told the "
                "status when trying to log in. Termination is final. The reason is kept in "
                "the member's status history."
            ),
            **table_rows(
                ["Member ID", "Company", "Country", "Current status"],
                ([m.member_id, m.company_name, m.country, m.get_status_display()] for m in members),
            ),
            "form": form,
            "action": action,
            "selected": [m.pk for m in members],
            "single": single,
            "submit_label": "Change status",
            "cancel_url": cancel,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, REASON_TEMPLATE, context)
