"""Members' pages of enforcement: their disciplinary actions, each with its statement of
reasons (DSA Art. 17), and the form to appeal one, once (Art. 20). Thin: parse, call a
service or selector, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tradepost.errors import DomainError
from tradepost.members.models import Member
from tradepost.members.views import member_required
from tradepost.policy.actions import load_actions_policy
from tradepost.trust.models.actions import Action
from tradepost.trust.rules.actions import statement_text
from tradepost.trust.selectors.actions import actions_of_member
from tradepost.trust.services.actions import action_for_appeal_link, appeal_file


class AppealForm(forms.Form):
    action_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    statement = forms.CharField(
        label="Why the decision is wrong",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
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
    if request.method == "POST":
        form = AppealForm(request.POST)
        if form.is_valid() and form.cleaned_data["action_id"] in {a.pk for a in actions}:
            try:
                filed = appeal_file(
                    member=member,
                    action_id=form.cleaned_data["action_id"],
                    statement=form.cleaned_data["statement"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"Your appeal #{filed.pk} against action #{filed.action_id} is filed; "
                    "another staff member will decide it and you will get a notice.",
                )
                return redirect(redirect_to)
        elif form.is_valid():
            form.add_error(None, "No such action.")
        failed = form
    policy = load_actions_policy()
    rows = []
    for action in actions:
        appeal = getattr(action, "appeal", None) if hasattr(action, "appeal") else None
        row_form: AppealForm | None = None
        if appeal is None:
            mine = failed is not None and failed.data.get("action_id") == str(action.pk)
            row_form = failed if mine else AppealForm(initial={"action_id": action.pk})
        rows.append(
            {
                "action": action,
                "label": policy.kinds[action.kind].label,  # type: ignore[index]
                "status": action.effective_status,
                "statement": statement_text(action, policy=policy).splitlines(),
                "appeal": appeal,
                "form": row_form,
            }
        )
    status = 422 if failed is not None else 200
    context = {"rows": rows, "form_url": request.path}
    return render(request, "trust/my_actions.html", context, status=status)
