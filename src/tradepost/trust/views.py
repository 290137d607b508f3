"""Members' pages of enforcement: their disciplinary actions, each with its statement of
reasons (DSA Art. 17), and the form to appeal one, once, with evidence files, and to add
evidence until the appeal is decided (Art. 20). Thin: parse, call a service or selector,
render."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, NotFound
from tradepost.members.models import Member
from tradepost.members.views import member_required
from tradepost.policy.actions import load_actions_policy
from tradepost.trust.models.actions import Action, ActionStatus
from tradepost.trust.pages.requests import MultipleFileField, MultipleFileInput
from tradepost.trust.rules.actions import statement_text
from tradepost.trust.selectors.actions import actions_of_member
from tradepost.trust.services.actions import action_for_appeal_link
from tradepost.trust.services.evidence import appeal_evidence_add, appeal_file_with_evidence

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ACCEPT = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
# What the member reads for each status (the raw value stays the badge's class).
STATUS_LABELS: dict[str, StrOrPromise] = {
    ActionStatus.IN_FORCE: gettext_lazy("In force"),
    ActionStatus.PENDING_APPROVAL: gettext_lazy("Pending approval"),
    ActionStatus.REJECTED: gettext_lazy("Rejected"),
    ActionStatus.LIFTED: gettext_lazy("Lifted"),
    ActionStatus.EXPIRED: gettext_lazy("Expired"),
}


def _evidence_help() -> str:
    policy = load_actions_policy().appeals
    return _("PDF, PNG or JPEG; at most %(files)s files of %(mb)s MB each.") % {
        "files": policy.evidence_max_files,
        "mb": policy.evidence_max_mb,
    }


class _EvidenceFormMixin(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = _evidence_help()

    def add_domain_error(self, exc: DomainError) -> None:
        form_add_domain_error(self, exc)


class AppealForm(_EvidenceFormMixin):
    action_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    statement = forms.CharField(
        label=gettext_lazy("Why the decision is wrong"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    evidence = MultipleFileField(
        label=gettext_lazy("Evidence (optional)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )


class EvidenceForm(_EvidenceFormMixin):
    appeal_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    evidence = MultipleFileField(
        label=gettext_lazy("More evidence"), widget=MultipleFileInput(attrs={"accept": ACCEPT})
    )


@member_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_actions(request: HttpRequest, member: Member) -> HttpResponse:
    """Clause 6.2: the actions on the member's account and one appeal per action."""
    actions = list(actions_of_member(member)[:100])
    return _actions_page(request, member, actions, redirect_to="members:actions")


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def appeal_by_link(request: HttpRequest, token: str) -> HttpResponse:
    """DSA Art. 20: the link in an action's notice lets the member appeal without logging
    in, which a suspended or terminated account cannot do."""
    try:
        action = action_for_appeal_link(token)
    except DomainError:
        raise Http404("No such appeal link.") from None
    return _actions_page(request, action.member, [action], redirect_to=request.path)


def _actions_page(
    request: HttpRequest, member: Member, actions: list[Action], *, redirect_to: str
) -> HttpResponse:
    failed: AppealForm | None = None
    failed_evidence: EvidenceForm | None = None
    if request.method == "POST" and "appeal_id" in request.POST:
        failed_evidence = EvidenceForm(request.POST, request.FILES)
        if failed_evidence.is_valid():
            appeals = {a.appeal.pk for a in actions if hasattr(a, "appeal")}
            appeal_id = failed_evidence.cleaned_data["appeal_id"]
            try:
                if appeal_id not in appeals:
                    raise NotFound(_("No such appeal."))
                added = appeal_evidence_add(
                    member=member,
                    appeal_id=appeal_id,
                    files=failed_evidence.cleaned_data["evidence"],
                )
            except DomainError as exc:
                failed_evidence.add_domain_error(exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d file added to your appeal #%(id)d.",
                        "%(n)d files added to your appeal #%(id)d.",
                        len(added),
                    )
                    % {"n": len(added), "id": appeal_id},
                )
                return redirect(redirect_to)
    elif request.method == "POST":
        form = AppealForm(request.POST, request.FILES)
        if form.is_valid() and form.cleaned_data["action_id"] in {a.pk for a in actions}:
            try:
                filed = appeal_file_with_evidence(
                    member=member,
                    action_id=form.cleaned_data["action_id"],
                    statement=form.cleaned_data["statement"],
                    files=form.cleaned_data["evidence"],
                )
            except DomainError as exc:
                form.add_domain_error(exc)
            else:
                messages.success(
                    request,
                    _(
                        "Your appeal #%(appeal)s against action #%(action)s is filed; another "
                        "staff member will decide it and you will get a notice."
                    )
                    % {"appeal": filed.pk, "action": filed.action_id},
                )
                return redirect(redirect_to)
        elif form.is_valid():
            form.add_error(None, _("No such action."))
        failed = form
    policy = load_actions_policy()
    prefetch_related_objects(actions, "appeal__evidence_files")
    rows = []
    for action in actions:
        appeal = getattr(action, "appeal", None) if hasattr(action, "appeal") else None
        row_form: AppealForm | None = None
        evidence_form: EvidenceForm | None = None
        if appeal is None:
            mine = failed is not None and failed.data.get("action_id") == str(action.pk)
            row_form = failed if mine else AppealForm(initial={"action_id": action.pk})
        elif not appeal.outcome:
            mine = failed_evidence is not None and failed_evidence.data.get("appeal_id") == str(
                appeal.pk
            )
            evidence_form = (
                failed_evidence if mine else EvidenceForm(initial={"appeal_id": appeal.pk})
            )
        rows.append(
            {
                "action": action,
                "label": policy.kinds[action.kind].label,  # type: ignore[index]
                "status": action.effective_status,
                "status_label": STATUS_LABELS.get(action.effective_status, action.effective_status),
                "statement": statement_text(action, policy=policy).splitlines(),
                "appeal": appeal,
                "evidence": list(appeal.evidence_files.all()) if appeal is not None else [],
                "form": row_form,
                "evidence_form": evidence_form,
            }
        )
    placed = {id(row["evidence_form"]) for row in rows}
    status = 422 if failed is not None or failed_evidence is not None else 200
    context = {
        "rows": rows,
        "stray_form": failed_evidence if id(failed_evidence) not in placed else None,
        "form_url": request.path,
        "max_files": policy.appeals.evidence_max_files,
    }
    return render(request, "trust/my_actions.html", context, status=status)
