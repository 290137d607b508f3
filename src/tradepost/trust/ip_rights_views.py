"""A rights holder's pages (clause 5.4): `/account/ip-rights/` lists the rights the member
registered with their review status and takes a new one with its documents; each right's
page takes more documents while it awaits review and, once approved, a claim against listings
(`ip_claim_file`: the listings are hidden at once and their supplier given notice). Plain
multipart forms that work without JavaScript; the services decide."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, InvalidInput, NotFound
from tradepost.members.models import Member
from tradepost.members.views import member_required
from tradepost.policy.penalties import load_penalties_policy
from tradepost.trust.models import RightKind, RightStatus
from tradepost.trust.pages.requests import MultipleFileField, MultipleFileInput
from tradepost.trust.selectors import ip as selectors
from tradepost.trust.services import ip as services

ACCEPT = "application/pdf,image/png,image/jpeg,image/webp,.pdf,.png,.jpg,.jpeg,.webp"


def documents_help() -> str:
    limit = load_penalties_policy().ip_claims.max_documents
    return _("PDF, JPEG, PNG or WebP; at most %(n)s files of 10 MB each.") % {"n": limit}


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if "documents" in self.fields:
            self.fields["documents"].help_text = documents_help()

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(
            self, exc, field_for=lambda key: "documents" if key == "document" else key
        )


class RightForm(_Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of right"), choices=RightKind.choices)
    title = forms.CharField(
        label=gettext_lazy("The mark, work or invention"),
        max_length=200,
        help_text=gettext_lazy("As registered, e.g. the word mark."),
    )
    number = forms.CharField(label=gettext_lazy("Registration or reference number"), max_length=100)
    jurisdiction = forms.CharField(
        label=gettext_lazy("Jurisdiction"),
        max_length=16,
        help_text=gettext_lazy("An ISO country code (DE, CN, US), EU or WIPO."),
        widget=forms.TextInput(attrs={"size": 6, "autocapitalize": "characters"}),
    )
    documents = MultipleFileField(
        label=gettext_lazy("Documents (registration certificate or other proof)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )


class DocumentsForm(_Form):
    documents = MultipleFileField(
        label=gettext_lazy("More documents"), widget=MultipleFileInput(attrs={"accept": ACCEPT})
    )


class ClaimForm(_Form):
    listing_ids = forms.CharField(
        label=gettext_lazy("Listing numbers"),
        max_length=4000,
        help_text=gettext_lazy(
            "The numbers of the listings that infringe the right (shown in each listing's "
            "address), separated by spaces or commas; all of one supplier."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("How the listings infringe the right"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_listing_ids(self) -> list[int]:
        raw = self.cleaned_data["listing_ids"]
        parts = [p for p in re.split(r"[\s,;]+", raw.replace("#", " ")) if p]
        if not parts or not all(p.isdigit() and len(p) < 19 for p in parts):
            raise forms.ValidationError(_("Give listing numbers only, e.g. 1042, 1043."))
        return [int(p) for p in parts]

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(self, exc)


@member_required
@require_http_methods(["GET", "HEAD", "POST"])
def rights(request: HttpRequest, member: Member) -> HttpResponse:
    """Clause 5.4: the member's registered rights and the form to register one."""
    form = RightForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            right = services.ip_right_register(
                holder=member,
                kind=data["kind"],
                number=data["number"],
                jurisdiction=data["jurisdiction"],
                title=data["title"],
                documents=data["documents"],
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request,
                _("Your %(right)s is registered; our staff will review it on its documents.")
                % {"right": right},
            )
            return redirect("trust_ip_rights:right", right_id=right.pk)
    context = {"rights": list(selectors.rights_list(holder=member)[:200]), "form": form}
    return render(request, "trust/ip_rights.html", context, status=422 if form.is_bound else 200)


@member_required
@require_http_methods(["GET", "HEAD", "POST"])
def right_detail(request: HttpRequest, member: Member, right_id: int) -> HttpResponse:
    """One right: its documents and review; more documents while pending; claims once
    approved."""
    try:
        right = selectors.right_get(right_id, holder=member)
    except NotFound:
        raise Http404("Right not found.") from None
    documents_form = DocumentsForm(prefix="doc")
    claim_form = ClaimForm(prefix="claim")
    status = 200
    if request.method == "POST" and "doc-documents" in request.FILES:
        documents_form = DocumentsForm(request.POST, request.FILES, prefix="doc")
        status = 422
        if documents_form.is_valid():
            try:
                added = services.ip_right_documents_add(
                    holder=member,
                    right_id=right.pk,
                    documents=documents_form.cleaned_data["documents"],
                )
            except DomainError as exc:
                documents_form.add_domain_error(exc)
            else:
                messages.success(request, _("%(n)d documents added.") % {"n": len(added)})
                return redirect("trust_ip_rights:right", right_id=right.pk)
    elif request.method == "POST" and "claim-description" in request.POST:
        claim_form = ClaimForm(request.POST, prefix="claim")
        status = 422
        if claim_form.is_valid():
            try:
                claim = services.ip_claim_file(
                    holder=member,
                    right_id=right.pk,
                    listing_ids=claim_form.cleaned_data["listing_ids"],
                    description=claim_form.cleaned_data["description"],
                )
            except DomainError as exc:
                claim_form.add_domain_error(exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your claim #%(id)s is filed: the listings are hidden and their supplier "
                        "may file a counter-notice by the date shown."
                    )
                    % {"id": claim.pk},
                )
                return redirect("trust_ip:claim_detail", claim_id=claim.pk)
    elif request.method == "POST":
        documents_form = DocumentsForm(request.POST, request.FILES, prefix="doc")
        documents_form.add_domain_error(
            InvalidInput(_("Choose at least one file."), fields={"documents": [_("Required.")]})
        )
        status = 422
    claims = list(selectors.claims_list(member=member).filter(right=right, holder=member))
    context = {
        "right": right,
        "documents": list(right.documents.all()),
        "documents_form": (
            documents_form if right.status == RightStatus.PENDING or documents_form.errors else None
        ),
        "claim_form": (
            claim_form if right.status == RightStatus.APPROVED or claim_form.errors else None
        ),
        "claims": claims,
        "max_listings": load_penalties_policy().ip_claims.max_listings,
    }
    return render(request, "trust/ip_right.html", context, status=status)
