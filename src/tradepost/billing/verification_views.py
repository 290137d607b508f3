"""Verification pages (clause 7.2): the supplier's request and status, the public record the
"Verified" badge links to, and the private documents. Thin: forms in, services out."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from tradepost.billing.selectors import verification as selectors
from tradepost.billing.services import verification as services
from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, NotFound
from tradepost.members.models import Member, User
from tradepost.members.selectors import member_for_user
from tradepost.members.services import api_token_authenticate
from tradepost.policy.verification import load_verification_policy


def _member_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @never_cache
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        member = member_for_user(request.user)
        if member is None:
            raise Http404("Members only.")
        return view(request, member, *args, **kwargs)

    return wrapper


class VerificationRequestForm(forms.Form):
    """The fields to verify (from the policy), the typed claims, and one upload per kind."""

    fields_to_verify = forms.MultipleChoiceField(
        label=_lazy("What should we verify?"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        policy = load_verification_policy()
        field = self.fields["fields_to_verify"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(key, _(spec.label)) for key, spec in policy.fields.items()]
        field.initial = policy.default_fields()
        for key, spec in policy.fields.items():
            if spec.claimed_by_supplier:
                self.fields[f"claim_{key}"] = forms.CharField(
                    label=_(spec.label), required=False, max_length=services.CLAIM_MAX
                )
        for key, kind in policy.documents.items():
            self.fields[f"document_{key}"] = forms.FileField(
                label=_(kind.label),
                required=False,
                help_text=(_("Required.") + " " if kind.required else "")
                + _("PDF, JPEG, PNG or WebP, at most 10 MB."),
            )

    def error_summary(self) -> list[dict[str, str]]:
        out = []
        for name, errors in self.errors.items():
            field = self.fields.get(name)
            label = str(field.label) if field and name != "__all__" else ""
            anchor = "" if name == "__all__" else f"id_{name}"
            out += [{"id": anchor, "label": label, "message": str(e)} for e in errors]
        return out

    def add_domain_error(self, exc: DomainError) -> None:
        def field_for(key: str) -> str:
            head, _, rest = key.partition(".")
            if head == "claims":
                return f"claim_{rest}"
            if head == "documents":
                return f"document_{rest}" if rest else "__all__"
            if head == "fields":
                return "fields_to_verify"
            return key

        form_add_domain_error(self, exc, field_for=field_for)

    def call_args(self, files: Any) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "fields": data.get("fields_to_verify") or None,
            "claims": {
                name.removeprefix("claim_"): value
                for name, value in data.items()
                if name.startswith("claim_") and value
            },
            "documents": [
                (name.removeprefix("document_"), upload)
                for name, upload in data.items()
                if name.startswith("document_") and upload
            ],
        }


def _requests_context(member: Member) -> dict[str, Any]:
    requests = selectors.verification_requests_of(member)
    latest = requests[0] if requests else None
    return {
        "member": member,
        "latest": latest,
        "checks": [
            {
                "label": _(selectors.field_label(c.field)),
                "claimed": selectors.display_value(c.field, c.claimed_value),
                "result": c.result,
                "result_display": c.get_result_display(),
                "verified": selectors.display_value(c.field, c.verified_value),
            }
            for c in (latest.checks.all() if latest else [])
        ],
        "documents": [
            {"pk": d.pk, "label": _(selectors.document_label(d.kind)), "size": d.size}
            for d in (latest.documents.all() if latest else [])
        ],
        "earlier": requests[1:],
        "current": selectors.verification_current_of(member),
        "eligibility": services.verification_eligibility_of(member),
        "validity_days": load_verification_policy().validity_days,
    }


@_member_page
@require_http_methods(["GET", "HEAD", "POST"])
def my_verification(request: HttpRequest, member: Member) -> HttpResponse:
    """Clause 7.2: ask for verification, and see what was checked."""
    form = VerificationRequestForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.verification_request(member=member, **form.call_args(request.FILES))
            except DomainError as exc:
                form.add_domain_error(exc)
                status = exc.status if exc.status in (403, 409) else 422
            else:
                messages.success(request, _("Your verification request is sent to our staff."))
                return redirect(reverse("billing:my_verification"))
        else:
            status = 422
    context = {**_requests_context(member), "form": form}
    return render(request, "billing/verification/my.html", context, status=status)


@require_safe
def supplier_verification(request: HttpRequest, member_id: str) -> HttpResponse:
    """The public record a "Verified" badge links to: what was verified, when, by whom."""
    try:
        public = selectors.verification_public(member_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "billing/verification/public.html", {"v": public})


def _viewer(request: HttpRequest) -> User | AnonymousUser:
    """The session user, or the owner of a bearer token (API clients fetch their documents,
    as with catalog's /media/ files)."""
    if request.user.is_authenticated:
        return request.user
    scheme, _sep, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        token = api_token_authenticate(raw.strip())
        if token is not None:
            return token.user
    return AnonymousUser()


@require_safe
def verification_document(request: HttpRequest, document_id: int) -> HttpResponseBase:
    """A document of a request, to its supplier and to staff; a download, never cached."""
    try:
        doc = selectors.verification_document_for_viewer(
            user=_viewer(request), document_id=document_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        handle = doc.file.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404("Document not found.") from exc
    extension = (doc.file.name or "").rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        content_type=doc.content_type,
        as_attachment=True,
        filename=f"verification-{doc.request_id}-{doc.kind}.{extension}",
    )
    add_never_cache_headers(response)
    return response
