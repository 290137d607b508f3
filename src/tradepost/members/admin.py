"""The operator console (Django admin at /console/): thin, read-mostly, every change a service.

Members edit their own profile (5.2), so staff see member records read-only. The staff
actions the Terms give the operator (status changes under 4.5 and 6.2 (i), second accounts
under 4.1, revoking API tokens) go through `tradepost.members.services`, which write the
domain audit rows; the console adds a LogEntry to the object's history as well.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from tradepost.errors import DomainError, InvalidInput
from tradepost.members import services
from tradepost.members.models import (
    ApiToken,
    BusinessReferee,
    DuplicateSignal,
    Member,
    MemberIdentifier,
    MemberStatus,
    MemberStatusChange,
    ProfileRevision,
    SecondAccountApproval,
    SignalOutcome,
    User,
)
from tradepost.members.selectors import member_contracting_entity
from tradepost.policy import load_staff_roles
from tradepost.terms.models import TermsAcceptance

REASON_TEMPLATE = "admin/members/reason_form.html"


# --- Read-only building blocks ------------------------------------------------------------


def _all_fields_read_only(model_admin, declared: Sequence[str]) -> list[str]:
    opts = model_admin.opts
    names = [f.name for f in (*opts.fields, *opts.many_to_many) if f.name != "id"]
    return [*declared, *(n for n in names if n not in declared)]


class ReadOnlyAdmin(admin.ModelAdmin):
    """An audit trail or a record only its owner or a service may write: view, never edit."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return _all_fields_read_only(self, self.readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return _all_fields_read_only(self, self.readonly_fields)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _rows(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> dict[str, Any]:
    return {"headers": list(headers), "rows": [[str(c) for c in row] for row in rows]}


class ReasonForm(forms.Form):
    """The reason is required by the service (its message is the one shown), not by the form."""

    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80, "required": True}),
        help_text="Required. Kept with the audit record; cite the clause and the evidence.",
    )


class StatusChangeForm(ReasonForm):
    to_status = forms.ChoiceField(
        label="New status",
        choices=[
            (MemberStatus.SUSPENDED, "Suspend"),
            (MemberStatus.ACTIVE, "Reinstate (active)"),
            (MemberStatus.TERMINATED, "Terminate (final: cannot be undone)"),
        ],
        widget=forms.RadioSelect,
    )
    field_order = ["to_status", "reason"]


def _show_input_error(request: HttpRequest, form: forms.Form, exc: DomainError) -> None:
    messages.error(request, exc.message)
    for name, errors in exc.fields.items():
        target = "to_status" if name == "status" else name
        if target in form.fields:
            form.add_error(target, errors)


def _grouped_errors(request: HttpRequest, failures: dict[str, list[str]]) -> None:
    for message, labels in failures.items():
        messages.error(request, f"{', '.join(labels)}: {message}")


# --- Staff and member logins --------------------------------------------------------------


class ConsoleUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)


class ConsoleUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class AccountKindFilter(admin.SimpleListFilter):
    title = "account"
    parameter_name = "account"

    def lookups(self, request, model_admin):
        return [("staff", "Staff (no member)"), ("member", "Member login")]

    def queryset(self, request, queryset):
        if self.value() == "staff":
            return queryset.filter(member__isnull=True)
        if self.value() == "member":
            return queryset.filter(member__isnull=False)
        return queryset


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Logins. Staff accounts are created here; a member's login follows its member status."""

    form = ConsoleUserChangeForm
    add_form = ConsoleUserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password", "email")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Record", {"fields": ("last_login", "date_joined", "session_epoch")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                    "is_staff",
                    "groups",
                ),
            },
        ),
    )
    list_display = [
        "username",
        "email",
        "is_staff",
        "is_superuser",
        "is_active",
        "roles",
        "last_login",
    ]
    list_filter = [AccountKindFilter, "is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["username", "email"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Staff roles")
    def roles(self, obj: User) -> str:
        return ", ".join(g.name for g in obj.groups.all())

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> list[str]:
        readonly = ["last_login", "date_joined", "session_epoch"]
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        if obj is not None and Member.objects.filter(user_id=obj.pk).exists():
            # The member ID is stable (4.2); activity follows the member status (audited).
            readonly += ["username", "is_active"]
        return readonly

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class StaffRoleAdmin(ReadOnlyAdmin):
    """Staff roles live in policy/staff_roles.toml; `migrate` re-applies them, so a console
    edit would be silently undone. Shown read-only."""

    list_display = ["name", "description", "permission_count"]
    fields = ["name", "description", "permissions"]
    readonly_fields = ["description"]

    @admin.display(description="Description (policy/staff_roles.toml)")
    def description(self, obj: Group) -> str:
        role = load_staff_roles().roles.get(obj.name)
        return role.description if role else "Not in the policy file."

    @admin.display(description="Permissions")
    def permission_count(self, obj: Group) -> int:
        return obj.permissions.count()


# --- Members ------------------------------------------------------------------------------


class ProfileRevisionInline(ReadOnlyInline):
    model = ProfileRevision
    fields = ["changed_at", "changed_by", "changes", "ip"]
    verbose_name_plural = "Profile revisions (5.2)"


class MemberStatusChangeInline(ReadOnlyInline):
    model = MemberStatusChange
    fields = ["changed_at", "from_status", "to_status", "reason", "changed_by"]
    verbose_name_plural = "Status changes"


class BusinessRefereeInline(ReadOnlyInline):
    model = BusinessReferee
    fields = [
        "name",
        "company",
        "email",
        "phone",
        "relationship",
        "consent_given",
        "consent_recorded_at",
    ]
    verbose_name_plural = "Business referees (5.8)"


class MemberIdentifierInline(ReadOnlyInline):
    model = MemberIdentifier
    fields = ["kind", "value", "slot"]
    verbose_name_plural = "Identifiers held (4.1)"


class TermsAcceptanceInline(ReadOnlyInline):
    model = TermsAcceptance
    fields = ["version", "method", "accepted_at", "ip", "text_sha256"]
    verbose_name_plural = "Terms acceptances (1.1, 4.4)"


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    """Members, read-only; status changes through the "Change status" page (4.5, 6.2 i)."""

    list_display = [
        "member_id",
        "company_name",
        "site",
        "country",
        "status",
        "contracting_entity",
        "created_at",
    ]
    list_filter = ["site", "status", "country", "contracting_entity", "is_supplier"]
    search_fields = ["member_id", "company_name", "email", "phone", "registration_number"]
    date_hierarchy = "created_at"
    actions = ["change_status"]
    fieldsets = (
        (
            "Business (5.1)",
            {
                "fields": (
                    "member_id",
                    "company_name",
                    "business_type",
                    "registration_number",
                    "site",
                    "country",
                    "access_country",
                    "is_buyer",
                    "is_supplier",
                )
            },
        ),
        ("Contact", {"fields": ("contact_name", "email", "phone", "address")}),
        ("Status", {"fields": ("status", "status_reason", "status_changed_at")}),
        (
            "Contracting entity (2.1, 11.1, 12.7)",
            {
                "fields": (
                    "contracting_entity",
                    "contracting_entity_name",
                    "contracting_rule",
                    "contracting_clause",
                )
            },
        ),
        ("Record", {"fields": ("user", "registration_ip", "created_at", "updated_at")}),
    )
    readonly_fields = ["contracting_entity_name"]
    inlines = [
        MemberStatusChangeInline,
        ProfileRevisionInline,
        BusinessRefereeInline,
        MemberIdentifierInline,
        TermsAcceptanceInline,
    ]

    @admin.display(description="Entity")
    def contracting_entity_name(self, obj: Member) -> str:
        try:
            return member_contracting_entity(obj).name
        except KeyError:
            return f"{obj.contracting_entity} (no longer in the policy file)"

    def has_change_status_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("members.change_member")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        status = path(
            "<path:object_id>/status/",
            self.admin_site.admin_view(self.status_view),
            name="{}_{}_status".format(*info),
        )
        return [status, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_change_status": self.has_change_status_permission(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(
        description="Change status (suspend, reinstate, terminate)…",
        permissions=["change_status"],
    )
    def change_status(self, request: HttpRequest, queryset: QuerySet[Member]):
        members = list(queryset.order_by("member_id"))
        form = StatusChangeForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and self._apply_status(request, members, form):
            return None  # back to the changelist, with the messages
        return self._status_page(request, members, form, action="change_status")

    def status_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if not self.has_change_status_permission(request):
            raise PermissionDenied
        member = self.get_object(request, unquote(object_id))
        if member is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        form = StatusChangeForm(request.POST if request.method == "POST" else None)
        if form.is_bound and self._apply_status(request, [member], form):
            return HttpResponseRedirect(reverse("admin:members_member_change", args=[member.pk]))
        return self._status_page(request, [member], form, action=None)

    def _apply_status(self, request: HttpRequest, members: list[Member], form) -> bool:
        """Call the service per member; True when done (False: show the form again)."""
        if not form.is_valid():
            messages.error(request, "Please choose the new status.")
            return False
        to_status, reason = form.cleaned_data["to_status"], form.cleaned_data["reason"]
        changed: list[str] = []
        failures: dict[str, list[str]] = {}
        for member in members:
            try:
                services.member_change_status(
                    member=member, to_status=to_status, reason=reason, by=request.user
                )
            except InvalidInput as exc:  # about the form, the same for every member
                _show_input_error(request, form, exc)
                return False
            except DomainError as exc:
                failures.setdefault(exc.message, []).append(member.member_id)
            else:
                changed.append(member.member_id)
                self.log_change(request, member, f"Status changed to {to_status}: {reason}")
        if changed:
            label = MemberStatus(to_status).label.lower()
            messages.success(request, f"Status set to {label} for {', '.join(changed)}.")
        _grouped_errors(request, failures)
        return True

    def _status_page(self, request, members: list[Member], form, action: str | None):
        single = members[0] if action is None else None
        cancel = (
            reverse("admin:members_member_change", args=[single.pk])
            if single
            else reverse("admin:members_member_changelist")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Change member status",
            "intro": (
                "Clauses 4.5 and 6.2 (i). Suspending or terminating ends every live session "
                "of the member and revokes every API token at once; the member is told the "
                "status when trying to log in. Termination is final. The reason is kept in "
                "the member's status history."
            ),
            **_rows(
                ["Member ID", "Company", "Country", "Current status"],
                ([m.member_id, m.company_name, m.country, m.get_status_display()] for m in members),
            ),
            "form": form,
            "action": action,
            "selected": [m.pk for m in members],
            "single": single,
            "submit_label": "Change status",
            "cancel_url": cancel,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, REASON_TEMPLATE, context)


# --- Clause 4.1: duplicate signals and second accounts ------------------------------------


@admin.register(DuplicateSignal)
class DuplicateSignalAdmin(ReadOnlyAdmin):
    """Registrations that matched an existing member (4.1); staff may approve a second one."""

    list_display = [
        "created_at",
        "kind",
        "value",
        "existing_member",
        "attempted_company",
        "outcome",
        "new_member",
        "ip",
    ]
    list_filter = ["outcome", "kind"]
    search_fields = ["value", "existing_member__member_id", "existing_member__company_name"]
    list_select_related = ["existing_member", "new_member"]
    actions = ["approve_second_account"]

    @admin.display(description="Attempted by")
    def attempted_company(self, obj: DuplicateSignal) -> str:
        attempt = obj.attempt or {}
        return f"{attempt.get('company_name', '')} ({attempt.get('country', '')})"

    def has_approve_second_account_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("members.add_secondaccountapproval")

    @admin.action(description="Approve a second account…", permissions=["approve_second_account"])
    def approve_second_account(self, request: HttpRequest, queryset: QuerySet[DuplicateSignal]):
        signals = list(queryset.select_related("existing_member").order_by("pk"))
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid() and self._approve(request, signals, form):
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Approve a second account",
            "intro": (
                "Clause 4.1: one user, one member account, except with the operator's "
                "approval. Approving lets the registrant of each selected attempt register "
                f"once more within {services.SECOND_ACCOUNT_APPROVAL_DAYS} days. Signals of "
                "the same attempt give one approval."
            ),
            **_rows(
                ["Signal", "Matched", "Existing member", "Attempted by", "Outcome"],
                (
                    [
                        f"#{s.pk}",
                        f"{s.get_kind_display()}: {s.value}",
                        s.existing_member,
                        self.attempted_company(s),
                        s.get_outcome_display(),
                    ]
                    for s in signals
                ),
            ),
            "form": form,
            "action": "approve_second_account",
            "selected": [s.pk for s in signals],
            "submit_label": "Approve",
            "cancel_url": reverse("admin:members_duplicatesignal_changelist"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, REASON_TEMPLATE, context)

    def _approve(self, request: HttpRequest, signals: list[DuplicateSignal], form) -> bool:
        reason = form.cleaned_data["reason"]
        attempts: dict[str, DuplicateSignal] = {}
        settled = []
        for signal in signals:
            if signal.outcome != SignalOutcome.REFUSED:
                settled.append(f"#{signal.pk}")
            else:
                attempts.setdefault(json.dumps(signal.attempt, sort_keys=True), signal)
        approved = []
        failures: dict[str, list[str]] = {}
        for signal in attempts.values():
            try:
                approval = services.second_account_approve(
                    signal=signal, by=request.user, reason=reason
                )
            except InvalidInput as exc:
                _show_input_error(request, form, exc)
                return False
            except DomainError as exc:
                failures.setdefault(exc.message, []).append(f"#{signal.pk}")
                continue
            approved.append(f"#{approval.pk} for {self.attempted_company(signal)}")
            self.log_change(request, signal, f"Second account approved (#{approval.pk}): {reason}")
        if approved:
            messages.success(request, f"Second account approved: {'; '.join(approved)}.")
        if settled:
            messages.warning(
                request,
                f"{', '.join(settled)}: already an approved registration; nothing to approve.",
            )
        _grouped_errors(request, failures)
        return True


@admin.register(SecondAccountApproval)
class SecondAccountApprovalAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "created_at",
        "email",
        "phone",
        "registration_number",
        "approved_by",
        "expires_at",
        "used_by",
        "used_at",
    ]
    list_filter = [("used_by", admin.EmptyFieldListFilter)]
    search_fields = ["email", "phone", "registration_number", "used_by__member_id"]
    list_select_related = ["approved_by", "used_by"]


# --- Audit trails ---------------------------------------------------------------------------


@admin.register(MemberStatusChange)
class MemberStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "member", "from_status", "to_status", "changed_by", "reason"]
    list_filter = ["to_status", "from_status"]
    search_fields = ["member__member_id", "member__company_name", "reason"]
    list_select_related = ["member", "changed_by"]


@admin.register(ProfileRevision)
class ProfileRevisionAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "member", "changed_by", "changed_fields", "ip"]
    search_fields = ["member__member_id", "member__company_name"]
    list_select_related = ["member", "changed_by"]

    @admin.display(description="Fields")
    def changed_fields(self, obj: ProfileRevision) -> str:
        return ", ".join(sorted(obj.changes or {}))


# --- API tokens -----------------------------------------------------------------------------


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Personal API tokens. Only the prefix is shown; the hash never leaves the database."""

    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user"]
    fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    @admin.display(description="Revoked", ordering="revoked_at")
    def revoked(self, obj: ApiToken) -> str:
        return f"{obj.revoked_at:%Y-%m-%d %H:%M}" if obj.revoked_at else "—"

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("members.change_apitoken")

    @admin.action(description="Revoke selected API tokens", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked, already = [], []
        failures: dict[str, list[str]] = {}
        for token in queryset.select_related("user").order_by("pk"):
            label = f"{token.user} {token.prefix}…"
            if token.revoked_at is not None:
                already.append(label)
                continue
            try:
                services.api_token_revoke(user=token.user, token_id=token.pk)
            except DomainError as exc:
                failures.setdefault(exc.message, []).append(label)
                continue
            revoked.append(label)
            self.log_change(request, token, "Revoked by staff.")
        if revoked:
            messages.success(request, f"Revoked: {', '.join(revoked)}.")
        if already:
            messages.warning(request, f"Already revoked: {', '.join(already)}.")
        _grouped_errors(request, failures)
