"""Rights-claim pages for members (clauses 5.4, 6.1 iv): the claims a member filed or that
name its listings, and the supplier's counter-notice form. Thin: the services decide."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from tradepost.errors import DomainError, NotFound
from tradepost.members.models import Member
from tradepost.members.selectors import member_for_user
from tradepost.trust.selectors import ip as selectors
from tradepost.trust.services import ip as services


class CounterNoticeForm(forms.Form):
    statement = forms.CharField(
        label="Your counter-notice",
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Why the listings do not infringe the right: a licence, your own earlier "
        "right, a different product. You can add evidence files after filing.",
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
    form = CounterNoticeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not is_supplier:
            raise Http404("Claim not found.")
        if form.is_valid():
            try:
                services.ip_counter_notice_file(
                    supplier=member, claim_id=claim.pk, statement=form.cleaned_data["statement"]
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Your counter-notice is filed; our staff will decide.")
                return redirect("trust_ip:claim_detail", claim_id=claim.pk)
    context = {
        "claim": claim,
        "is_supplier": is_supplier,
        "form": form,
        "can_answer": is_supplier and claim.status == "awaiting",
        "notice": getattr(claim, "counter_notice", None),
    }
    return render(request, "trust/ip_claim_detail.html", context)
