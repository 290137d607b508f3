"""Members' pages of enforcement: their disciplinary actions, each with its statement of
reasons (DSA Art. 17), and the form to appeal one, once (Art. 20). Thin: parse, call a
service or selector, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tradepost.errors import DomainError
from tradepost.members.models import Member
from tradepost.members.views import member_required
from tradepost.policy.actions import load_actions_policy
from tradepost.trust.rules.actions import statement_text
from tradepost.trust.selectors.actions import actions_of_member
from tradepost.trust.services.actions import appeal_file


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
    failed: AppealForm | None = None
    if request.method == "POST":
        form = AppealForm(request.POST)
        if form.is_valid():
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
                return redirect("members:actions")
        failed = form
    policy = load_actions_policy()
    rows = []
    for action in actions_of_member(member)[:100]:
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
    return render(request, "trust/my_actions.html", {"rows": rows}, status=status)
