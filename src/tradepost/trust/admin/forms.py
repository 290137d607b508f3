"""The console's forms that take an action (clause 6.2) and file a complaint (clauses 5.4, 6.3,
6.5).

Each form only reads the operator's input; saving calls the same service as the staff API
(`trust.services.actions.action_take`, `trust.services.complaints.complaint_file_by_staff`),
and a refusal from the service shows on the form (`form_add_domain_error`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from tradepost.console import REASON_TEMPLATE
from tradepost.members.models import Member
from tradepost.policy.actions import KINDS, load_actions_policy
from tradepost.trust.models.actions import ActionKind, Feature
from tradepost.trust.models.cases import Ground

LISTING_IDS_MAX = 200


def _member(value: str) -> Member:
    member = Member.objects.filter(member_id__iexact=value.strip()).first()
    if member is None:
        raise forms.ValidationError("No such member.")
    return member


class ActionTakeForm(forms.Form):
    """Clause 6.2: the fields of `POST /api/v1/staff/actions` an operator fills in."""

    member_id = forms.CharField(label="Member ID", max_length=32)
    kind = forms.ChoiceField(choices=())
    clause = forms.ChoiceField(choices=(), help_text="The clause the action relies on.")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text="The statement of reasons: kept in the audit trail and told to the member.",
    )
    include_related = forms.BooleanField(
        required=False,
        label="Include related accounts",
        help_text="Clause 6.2 (i): reach every member of the related cluster. Suspending or "
        "terminating a cluster waits for a second staff member's approval.",
    )
    ends_at = forms.DateTimeField(
        required=False,
        label="Ends at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for an action without an end.",
    )
    feature = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *Feature.choices],
        help_text="Only for a feature restriction (6.2 iv).",
    )
    cap = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=1_000_000,
        help_text="Only for a listings cap (6.2 iii): how many listings the member may keep.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ActionKind.choices)
        self.fields["kind"].choices = [(k, labels.get(k, k)) for k in KINDS]  # type: ignore[attr-defined]
        policy = load_actions_policy()
        self.fields["clause"].choices = [(c, c) for c in policy.clauses]  # type: ignore[attr-defined]
        # Clause 6.2: the clauses each kind may rely on (`kind_clauses`), said on the form, and
        # the first kind's own clause chosen, so the form as it opens is a valid action.
        self.fields["clause"].help_text = "The clause the action relies on. " + "; ".join(
            f"{labels.get(kind, kind)}: {', '.join(allowed)}"
            for kind, allowed in policy.kind_clauses.items()
        )
        self.fields["clause"].initial = policy.kind_clauses[KINDS[0]][0]

    def clean_member_id(self) -> Member:
        return _member(self.cleaned_data["member_id"])

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("A reason is required.")
        return reason


class ComplaintFileForm(forms.Form):
    """The fields of `POST /api/v1/staff/complaints`: the member, the ground cited by clause,
    what happened and the member's listings concerned."""

    member_id = forms.CharField(label="Member ID", max_length=32)
    ground = forms.ChoiceField(choices=Ground.choices)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}), max_length=5000
    )
    listing_ids = forms.CharField(
        required=False,
        label="Listings",
        max_length=2000,
        help_text="Optional: the member's listing IDs concerned, separated by commas or spaces.",
    )
    complainant_name = forms.CharField(required=False, max_length=200)
    complainant_email = forms.EmailField(required=False, max_length=254)

    def clean_member_id(self) -> Member:
        return _member(self.cleaned_data["member_id"])

    def clean_listing_ids(self) -> list[int]:
        raw = self.cleaned_data["listing_ids"].replace(",", " ").split()
        if not all(part.isdigit() for part in raw):
            raise forms.ValidationError("Listing IDs are whole numbers.")
        if len(raw) > LISTING_IDS_MAX:
            raise forms.ValidationError(f"At most {LISTING_IDS_MAX} listings.")
        return [int(part) for part in raw]


def form_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    intro: str,
    submit_label: str,
) -> TemplateResponse:
    """A console add page: the form on the shared reason-form template, no rows."""
    opts = model_admin.opts
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": title,
        "intro": intro,
        "headers": [],
        "rows": [],
        "form": form,
        "action": None,
        "selected": [],
        "single": None,
        "submit_label": submit_label,
        "cancel_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, REASON_TEMPLATE, context)
