"""Logins: staff accounts, member logins and the staff roles of policy/staff_roles.toml."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.db.models import QuerySet
from django.http import HttpRequest

from tradepost.console import ReadOnlyAdmin
from tradepost.members.models import Member, User
from tradepost.policy import load_staff_roles


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

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, str]]:
        return [("staff", "Staff (no member)"), ("member", "Member login")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> QuerySet[User]:
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
