"""The member's information requests (clauses 5.9, 7.5): `/my/information-requests/` lists
them; each request's page shows the questions and deadline and takes the answer (text and
files, a plain multipart form that works without JavaScript)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, NotFound
from tradepost.members.models import Member
from tradepost.members.views import member_required
from tradepost.policy.disclosure import load_disclosure_policy
from tradepost.trust.selectors import requests as selectors
from tradepost.trust.services import requests as services


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20_000,
    )
    documents = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("PDF, JPEG, PNG or WebP; at most 10 files of 10 MB each."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(
            self, exc, field_for=lambda key: "documents" if key == "files" else key
        )


@member_required
@require_safe
def information_requests(request: HttpRequest, member: Member) -> HttpResponse:
    services.information_requests_deadlines_apply(member=member)
    rows = list(selectors.information_requests_for_member(member=member)[:200])
    return render(request, "trust/information_requests.html", {"requests": rows})


@member_required
@require_http_methods(["GET", "POST"])
def information_request_detail(
    request: HttpRequest, member: Member, request_id: int
) -> HttpResponse:
    """Clause 5.9: the questions, the deadline, and the answer form while it can be answered."""
    services.information_requests_deadlines_apply(member=member)
    form = AnswerForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.information_request_answer(
                    member=member,
                    request_id=request_id,
                    text=form.cleaned_data["text"],
                    files=form.cleaned_data["documents"],
                )
            except NotFound:
                raise Http404("Information request not found.") from None
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(request, _("Thank you: your answer is sent."))
                return redirect(reverse("trust:information_request", args=[request_id]))
        status = 422
    try:
        found = selectors.information_request_for_member(member=member, request_id=request_id)
    except NotFound:
        raise Http404("Information request not found.") from None
    context = {
        "info_request": found,
        "form": form,
        "can_answer": found.status in ("open", "overdue"),
        "max_files": load_disclosure_policy().information_requests.max_files,
    }
    return render(request, "trust/information_request.html", context, status=status)
