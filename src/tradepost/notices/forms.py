"""Console forms for staff: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms

from tradepost.members.models import Member
from tradepost.notices.models import NoticeKind, contracting_entity_choices
from tradepost.notices.rules import Channel, InboundChannel

_WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class _MemberIdField(forms.CharField):
    """A member by member ID (a select of every member would not scale)."""

    def clean(self, value: Any) -> Member | None:
        value = super().clean(value)
        if not value:
            return None
        member = Member.objects.filter(member_id=value.strip().lower()).first()
        if member is None:
            raise forms.ValidationError("No member has this member ID.")
        return member


class NoticeIssueForm(forms.Form):
    member = _MemberIdField(label="Member ID", max_length=16)
    kind = forms.ChoiceField(choices=NoticeKind.choices)
    channel = forms.ChoiceField(
        choices=Channel.choices,
        help_text=(
            "Email: deemed received when the mail server accepts it. Public posting: deemed "
            "received on posting. Personal, courier, certified mail, fax: deemed received when "
            "you record the dispatch (clause 11.2)."
        ),
    )
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea)
    recipient_address = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Courier and certified mail: defaults to the member's address. Fax: number.",
    )


class DispatchRecordForm(forms.Form):
    dispatched_at = forms.DateTimeField(widget=_WHEN, help_text="UTC.")
    reference = forms.CharField(
        max_length=100,
        required=False,
        help_text="Waybill, certified mail or fax report number (not needed for personal).",
    )
    recipient_address = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Leave empty to keep the address recorded when the notice was issued.",
    )


class InboundNoticeForm(forms.Form):
    sender_name = forms.CharField(max_length=200)
    sender_address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    addressed_entity = forms.ChoiceField(choices=contracting_entity_choices)
    member = _MemberIdField(
        label="Member ID",
        max_length=16,
        required=False,
        help_text="The member who sent it or whose contract it concerns, if any.",
    )
    channel = forms.ChoiceField(choices=InboundChannel.choices)
    reference = forms.CharField(max_length=100, required=False)
    subject = forms.CharField(max_length=200)
    summary = forms.CharField(required=False, widget=forms.Textarea)
    received_at = forms.DateTimeField(widget=_WHEN, help_text="UTC. Effective when received.")
