"""Rights-claim pages for members (clauses 5.4, 6.1 iv): the claims a member filed or that
name its listings, and the supplier's counter-notice form with its evidence files (more may
follow until staff decide), the deadline shown in working days. Thin: the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, NotFound
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.policy.penalties import load_penalties_policy
from tradepost.trust.ip_rights_views import ACCEPT, documents_help
from tradepost.trust.pages.requests import MultipleFileField, MultipleFileInput
from tradepost.trust.rules import ip as rules
from tradepost.trust.selectors import ip as selectors
from tradepost.trust.services import ip as services


class CounterNoticeForm(forms.Form):
    statement = forms.CharField(
        label=gettext_lazy("Your counter-notice"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Why the listings do not infringe the right: a licence, your own earlier right, a "
            "different product."
        ),
    )
    documents = MultipleFileField(
        label=gettext_lazy("Evidence (licences, invoices, photos)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["documents"].help_text = documents_help()

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(
            self, exc, field_for=lambda key: "documents" if key == "document" else key
        )


class EvidenceForm(CounterNoticeForm):
    statement = None  # type: ignore[assignment]
    documents = MultipleFileField(
        label=gettext_lazy("More evidence"), widget=MultipleFileInput(attrs={"accept": ACCEPT})
    )


def _member(request: HttpRequest) -> Member:
    member = member_for_user(request.user)
    if member is None:
        raise Http404("Not a member account.")
    return member


@require_safe
@login_required
def claims(request: HttpRequest) -> HttpResponse:
    member = _member(request)
    rows = selectors.claims_list(member=member)
    services.ip_claims_process_due(claim_ids=list(rows.values_list("pk", flat=True)))
    return render(
        request,
        "trust/ip_claims.html",
        {"claims": list(selectors.claims_list(member=member)), "member": member},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    member = _member(request)
    try:
        selectors.claim_get(claim_id, member=member)
    except NotFound:
        raise Http404("Claim not found.") from None
    services.ip_claims_process_due(claim_ids=[claim_id])
    claim = selectors.claim_get(claim_id, member=member)
    is_supplier = claim.supplier_id == member.pk
    form = CounterNoticeForm()
    evidence_form = EvidenceForm(prefix="more")
    if request.method == "POST":
        if not is_supplier:
            raise Http404("Claim not found.")
        if "more-documents" in request.FILES or "statement" not in request.POST:
            evidence_form = EvidenceForm(request.POST, request.FILES, prefix="more")
            bound: CounterNoticeForm = evidence_form
        else:
            form = CounterNoticeForm(request.POST, request.FILES)
            bound = form
        if bound.is_valid():
            try:
                if bound is form:
                    services.ip_counter_notice_file(
                        supplier=member,
                        claim_id=claim.pk,
                        statement=form.cleaned_data["statement"],
                        documents=form.cleaned_data["documents"],
                    )
                    done = _("Your counter-notice is filed; our staff will decide.")
                else:
                    added = services.ip_counter_notice_documents_add(
                        supplier=member,
                        claim_id=claim.pk,
                        documents=evidence_form.cleaned_data["documents"],
                    )
                    done = _("%(n)d evidence files added.") % {"n": len(added)}
            except DomainError as exc:
                bound.add_domain_error(exc)
            else:
                messages.success(request, done)
                return redirect("trust_ip:claim_detail", claim_id=claim.pk)
    policy = load_penalties_policy().ip_claims
    notice = getattr(claim, "counter_notice", None)
    context = {
        "claim": claim,
        "is_supplier": is_supplier,
        "form": form,
        "evidence_form": evidence_form,
        "can_answer": is_supplier and claim.status == "awaiting",
        "can_add_evidence": is_supplier and claim.status == "countered",
        "notice": notice,
        "documents": list(notice.documents.all()) if notice else [],
        "working_days": policy.counter_notice_working_days,
        "working_days_left": rules.working_days_left(
            now=timezone.now(),
            deadline=claim.counter_notice_due,
            zone=policy.timezone,
            holidays=policy.holidays,
        ),
        "calendar_zone": policy.timezone,
    }
    status = 422 if request.method == "POST" else 200
    return render(request, "trust/ip_claim_detail.html", context, status=status)
