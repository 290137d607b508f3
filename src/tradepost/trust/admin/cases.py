"""The console's complaints, cases, penalty points, strikes and rights claims (clauses 5.4,
6.1 iv, 6.2, 6.3, 6.5).

Every record is read-only here: staff decide through console actions that ask for the reason
and call the same services as the staff API (so the audit row, the points and the listings
follow exactly as they do there). A case page shows its complaints, evidence, the member's
related cluster and the actions taken in the case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tradepost.console import (
    REASON_TEMPLATE,
    ReadOnlyAdmin,
    ReadOnlyInline,
    ReasonForm,
    form_add_domain_error,
    grouped_errors,
    table_rows,
)
from tradepost.errors import DomainError
from tradepost.members.models import Member
from tradepost.members.requests import request_user
from tradepost.trust.admin.forms import ComplaintFileForm, form_page
from tradepost.trust.api.files import case_evidence_url, ip_document_url
from tradepost.trust.models import (
    Case,
    CaseEvidence,
    Complaint,
    IPClaim,
    IPClaimListing,
    IPDocument,
    IPRight,
    IPStrike,
    PenaltyPoint,
)
from tradepost.trust.selectors.cases import case_actions, related_member_ids
from tradepost.trust.services import complaints as complaint_services
from tradepost.trust.services import ip as ip_services


def _member_link(member: Member) -> SafeString:
    url = reverse("admin:members_member_change", args=[member.pk])
    return format_html('<a href="{}">{}</a> {}', url, member.member_id, member.company_name)


def _with_reason(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    action: str,
    title: str,
    intro: str,
    submit_label: str,
    headers: Sequence[str],
    row: Callable[[Any], Sequence[Any]],
    apply: Callable[[Any, str], object],
) -> HttpResponse | None:
    """A console action that asks for the reason, then calls the service per object."""
    objects = list(queryset.order_by("pk"))
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        done: list[str] = []
        failures: dict[str, list[str]] = {}
        for obj in objects:
            try:
                apply(obj, reason)
            except DomainError as exc:
                failures.setdefault(exc.message, []).append(str(obj))
            else:
                done.append(str(obj))
                model_admin.log_change(request, obj, f"{submit_label}: {reason}")
        if done:
            messages.success(request, f"{submit_label}: {', '.join(done)}.")
        grouped_errors(request, failures)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": title,
        "intro": intro,
        **table_rows(headers, (row(obj) for obj in objects)),
        "form": form,
        "action": action,
        "selected": [obj.pk for obj in objects],
        "single": None,
        "submit_label": submit_label,
        "cancel_url": reverse(f"admin:trust_{model_admin.opts.model_name}_changelist"),
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, REASON_TEMPLATE, context)


# --- Cases and complaints -----------------------------------------------------------------


class ComplaintInline(ReadOnlyInline):
    model = Complaint
    fk_name = "case"
    fields = readonly_fields = (
        "complaint",
        "ground",
        "status",
        "source",
        "complainant_name",
        "created_at",
        "established_at",
    )
    show_change_link = False

    @admin.display(description="Complaint")
    def complaint(self, obj: Complaint) -> SafeString:
        url = reverse("admin:trust_complaint_change", args=[obj.pk])
        return format_html('<a href="{}">#{}</a>', url, obj.pk)


class EvidenceInline(ReadOnlyInline):
    """Clause 6.2: notes and files; a file is downloaded through the staff API (an attachment,
    never cached), not from /media/, which does not serve trust files."""

    model = CaseEvidence
    fields = readonly_fields = ("at", "by", "note", "download", "content_type", "size")

    @admin.display(description="File")
    def download(self, obj: CaseEvidence) -> str:
        url = case_evidence_url(obj)
        if url is None:
            return "-"
        return format_html('<a href="{}" download>{}</a>', url, "Download")


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """A case: the member, its related accounts, the complaints, evidence and actions."""

    list_display = ["id", "member", "status", "grounds_cited", "assignee", "opened_at"]
    list_filter = ["status"]
    list_select_related = ["member", "assignee"]
    search_fields = ["member__member_id", "member__company_name"]
    readonly_fields = ["member_link", "related_cluster", "actions_taken"]
    fields = [
        "member_link",
        "related_cluster",
        "actions_taken",
        "status",
        "grounds",
        "assignee",
        "opened_at",
        "closed_at",
        "closing_reason",
    ]
    inlines = [ComplaintInline, EvidenceInline]

    @admin.display(description="Grounds")
    def grounds_cited(self, obj: Case) -> str:
        return ", ".join(obj.grounds)

    @admin.display(description="Member")
    def member_link(self, obj: Case) -> SafeString:
        return _member_link(obj.member)

    @admin.display(description="Related accounts (6.2 i)")
    def related_cluster(self, obj: Case) -> SafeString:
        ids = related_member_ids(obj.member)[1:]
        if not ids:
            return format_html("{}", "None known.")
        members = Member.objects.filter(member_id__in=ids).order_by("member_id")
        return format_html_join(", ", "{}", ((_member_link(m),) for m in members))

    @admin.display(description="Actions in this case")
    def actions_taken(self, obj: Case) -> SafeString:
        actions = case_actions(obj)
        if not actions:
            return format_html("{}", "None.")
        return format_html_join(
            "",
            "<div>#{} {} ({}), clause {}</div>",
            ((a.pk, a.get_kind_display(), a.get_status_display(), a.clause) for a in actions),
        )


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["id", "subject", "ground", "status", "source", "case", "created_at"]
    list_filter = ["status", "ground", "source"]
    list_select_related = ["subject", "case"]
    search_fields = ["subject__member_id", "complainant_name", "reference"]
    actions = ["establish", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.add_complaint")

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """File a complaint as `POST /api/v1/staff/complaints` does (staff source); it joins
        the open case it duplicates or opens one, and the page goes on to that case."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"member_id": request.GET.get("member_id", "")[:32]}
        form = ComplaintFileForm(
            request.POST if request.method == "POST" else None, initial=initial
        )
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                complaint = complaint_services.complaint_file_by_staff(
                    member_id=data["member_id"].member_id,
                    ground=data["ground"],
                    description=data["description"],
                    listing_ids=data["listing_ids"],
                    complainant_name=data["complainant_name"],
                    complainant_email=data["complainant_email"],
                    by=request_user(request),
                )
            except DomainError as exc:
                form_add_domain_error(
                    form, exc, field_for=lambda key: "member_id" if key == "member" else key
                )
            else:
                self.log_addition(request, complaint, f"Filed ({complaint.ground})")
                messages.success(
                    request,
                    f"Complaint #{complaint.pk} ({complaint.ground}) about "
                    f"{data['member_id'].member_id} filed in case #{complaint.case_id}.",
                )
                return HttpResponseRedirect(
                    reverse("admin:trust_case_change", args=[complaint.case_id])
                )
        return form_page(
            self,
            request,
            form,
            title="File a complaint",
            intro=(
                "Cite the ground by its clause (5.4, 6.3 a-d, 6.5). A complaint about the same "
                "member and ground, or naming a shared listing, joins the open case; otherwise "
                "a new case opens."
            ),
            submit_label="File complaint",
        )

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.change_complaint")

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Complaint], *, establish: bool
    ) -> HttpResponse | None:
        user = request_user(request)

        def apply(complaint: Complaint, reason: str) -> None:
            if establish:
                complaint_services.complaint_establish(
                    complaint_id=complaint.pk, by=user, reason=reason
                )
            else:
                complaint_services.complaint_reject(
                    complaint_id=complaint.pk, by=user, reason=reason
                )

        verb = "Establish" if establish else "Reject"
        return _with_reason(
            self,
            request,
            queryset.select_related("subject"),
            action="establish" if establish else "reject",
            title=f"{verb} complaints",
            intro=(
                "An established complaint adds the points its ground earns (at most 6 a day "
                "from complaints) or an IP strike, and a threshold crossed takes or proposes "
                "its action (clause 6.2)."
                if establish
                else "A rejected complaint adds nothing. The reason is kept in the audit trail."
            ),
            submit_label=verb,
            headers=["Complaint", "Member", "Ground", "Status"],
            row=lambda c: [c.pk, c.subject.member_id, c.ground, c.get_status_display()],
            apply=apply,
        )

    @admin.action(description="Establish (adds points or a strike)…", permissions=["decide"])
    def establish(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> Any:
        return self._decide(request, queryset, establish=True)

    @admin.action(description="Reject…", permissions=["decide"])
    def reject(self, request: HttpRequest, queryset: QuerySet[Complaint]) -> Any:
        return self._decide(request, queryset, establish=False)


@admin.register(PenaltyPoint)
class PenaltyPointAdmin(ReadOnlyAdmin):
    list_display = ["id", "member", "points", "counted", "rule", "clause", "at", "expires_at"]
    list_filter = ["prescription", "rule"]
    list_select_related = ["member"]
    search_fields = ["member__member_id"]


@admin.register(IPStrike)
class IPStrikeAdmin(ReadOnlyAdmin):
    list_display = ["id", "member", "number", "rule", "prescription", "at", "expires_at"]
    list_select_related = ["member"]
    search_fields = ["member__member_id"]


# --- Rights and claims --------------------------------------------------------------------


def _document_link(document: IPDocument) -> SafeString:
    return format_html(
        '<a href="{}" download>{}</a>', ip_document_url(document, staff=True), document.name
    )


class DocumentInline(ReadOnlyInline):
    """Clause 5.4: the right's documents, each a download through the staff API."""

    model = IPDocument
    fk_name = "right"
    fields = readonly_fields = ("download", "content_type", "size", "uploaded_at")

    @admin.display(description="Document")
    def download(self, obj: IPDocument) -> SafeString:
        return _document_link(obj)


@admin.register(IPRight)
class IPRightAdmin(ReadOnlyAdmin):
    list_display = ["id", "holder", "kind", "number", "jurisdiction", "title", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["holder"]
    search_fields = ["number", "title", "holder__member_id"]
    inlines = [DocumentInline]
    actions = ["approve", "reject"]

    def has_review_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.review_ipright")

    def _review(self, request: HttpRequest, queryset: QuerySet[IPRight], approve: bool) -> Any:
        user = request_user(request)
        verb = "Approve" if approve else "Reject"
        return _with_reason(
            self,
            request,
            queryset.select_related("holder"),
            action="approve" if approve else "reject",
            title=f"{verb} registered rights",
            intro="Clause 5.4: a right is approved on its documents; claims rest on it.",
            submit_label=verb,
            headers=["Right", "Holder", "Status"],
            row=lambda r: [str(r), r.holder.member_id, r.get_status_display()],
            apply=lambda r, reason: ip_services.ip_right_review(
                right_id=r.pk, by=user, approve=approve, reason=reason
            ),
        )

    @admin.action(description="Approve…", permissions=["review"])
    def approve(self, request: HttpRequest, queryset: QuerySet[IPRight]) -> Any:
        return self._review(request, queryset, True)

    @admin.action(description="Reject…", permissions=["review"])
    def reject(self, request: HttpRequest, queryset: QuerySet[IPRight]) -> Any:
        return self._review(request, queryset, False)


class ClaimListingInline(ReadOnlyInline):
    model = IPClaimListing
    fields = readonly_fields = ("listing", "status_before")


@admin.register(IPClaim)
class IPClaimAdmin(ReadOnlyAdmin):
    list_display = ["id", "supplier", "holder", "status", "filed_at", "counter_notice_due"]
    list_filter = ["status"]
    list_select_related = ["supplier", "holder"]
    search_fields = ["supplier__member_id", "holder__member_id"]
    readonly_fields = ["counter_notice_text", "counter_notice_documents"]
    inlines = [ClaimListingInline]
    actions = ["remove_listings", "restore_listings"]

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        ip_services.ip_claims_process_due()  # a lapsed deadline shows as decided
        return super().changelist_view(request, extra_context)

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("trust.decide_ipclaim")

    @admin.display(description="Counter-notice")
    def counter_notice_text(self, obj: IPClaim) -> str:
        notice = getattr(obj, "counter_notice", None)
        return f"{notice.filed_at:%Y-%m-%d %H:%M}: {notice.statement}" if notice else "None."

    @admin.display(description="Counter-notice evidence")
    def counter_notice_documents(self, obj: IPClaim) -> SafeString | str:
        notice = getattr(obj, "counter_notice", None)
        documents = list(notice.documents.all()) if notice else []
        if not documents:
            return "None."
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li>{}</li>", ((_document_link(d),) for d in documents)),
        )

    def _decide(self, request: HttpRequest, queryset: QuerySet[IPClaim], remove: bool) -> Any:
        user = request_user(request)
        verb = "Uphold and remove the listings" if remove else "Restore the listings"
        return _with_reason(
            self,
            request,
            queryset.select_related("supplier"),
            action="remove_listings" if remove else "restore_listings",
            title=verb,
            intro="After a counter-notice: remove the listings (6.1 iv; an IP strike) or "
            "restore them (the complaint is rejected).",
            submit_label=verb,
            headers=["Claim", "Supplier", "Status"],
            row=lambda c: [c.pk, c.supplier.member_id, c.get_status_display()],
            apply=lambda c, reason: ip_services.ip_claim_decide(
                claim_id=c.pk, by=user, remove=remove, reason=reason
            ),
        )

    @admin.action(description="Uphold: remove the listings…", permissions=["decide"])
    def remove_listings(self, request: HttpRequest, queryset: QuerySet[IPClaim]) -> Any:
        return self._decide(request, queryset, True)

    @admin.action(description="Restore the listings…", permissions=["decide"])
    def restore_listings(self, request: HttpRequest, queryset: QuerySet[IPClaim]) -> Any:
        return self._decide(request, queryset, False)
