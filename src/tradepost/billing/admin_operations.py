"""Maintenance windows and incidents in the console (clause 9.1): staff schedule, edit, end and
cancel them; every write goes through `billing.services.operations` (with its audit row).
While a read-only window is in progress these pages stay writable for staff (operations.toml
`staff_writable_paths`), so the window can be ended."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from tradepost.billing.models import ServiceWindow, WindowStatus
from tradepost.billing.services import operations as services
from tradepost.console import form_add_domain_error
from tradepost.errors import DomainError, InvalidInput
from tradepost.members.requests import request_user


class ServiceWindowForm(forms.ModelForm):
    class Meta:
        model = ServiceWindow
        fields = [*services.EDITABLE]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        candidate = ServiceWindow(
            **{name: data.get(name, getattr(self.instance, name)) for name in services.EDITABLE}
        )
        try:
            services.service_window_check(candidate)
        except InvalidInput as exc:
            form_add_domain_error(
                self, exc, problems_for=lambda key, problems: [] if key in self.errors else problems
            )
        return data


@admin.register(ServiceWindow)
class ServiceWindowAdmin(admin.ModelAdmin):
    form = ServiceWindowForm
    list_display = [
        "title",
        "kind",
        "cause",
        "starts_at",
        "ends_at",
        "ended_at",
        "read_only",
        "status",
    ]
    list_filter = ["kind", "cause", "status", "read_only"]
    search_fields = ["title"]
    date_hierarchy = "starts_at"
    actions = ["end_now", "cancel"]
    readonly_fields = ["status", "ended_at", "created_at", "created_by", "updated_at", "updated_by"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        """An ended or cancelled window keeps its times (the service refuses them): only its
        text stays editable."""
        fields = list(self.readonly_fields)
        if obj is not None and obj.status in (WindowStatus.COMPLETED, WindowStatus.CANCELLED):
            fields += [n for n in services.EDITABLE if n not in services.TEXT_FIELDS]
        return fields

    def save_model(
        self, request: HttpRequest, obj: ServiceWindow, form: forms.ModelForm, change: bool
    ) -> None:
        by = request_user(request)
        data = {name: form.cleaned_data.get(name, getattr(obj, name)) for name in services.EDITABLE}
        if change:
            saved = services.service_window_update(
                window_id=obj.pk,
                changes={k: v for k, v in data.items() if k in form.changed_data},
                by=by,
            )
        else:
            saved = services.service_window_create(**data, by=by)
        obj.pk, obj.status = saved.pk, saved.status

    def _each(
        self, request: HttpRequest, queryset: QuerySet[ServiceWindow], service: Any, done: str
    ) -> None:
        by = request_user(request)
        for window in queryset.order_by("pk"):
            try:
                service(window_id=window.pk, by=by)
            except DomainError as exc:
                messages.error(request, f"{window.title}: {exc.message}")
            else:
                self.log_change(request, window, done)
                messages.success(request, f"{window.title}: {done}")

    @admin.action(description="End the selected windows now", permissions=["change"])
    def end_now(self, request: HttpRequest, queryset: QuerySet[ServiceWindow]) -> None:
        self._each(request, queryset, services.service_window_end, "ended")

    @admin.action(description="Cancel the selected windows (not started)", permissions=["change"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[ServiceWindow]) -> None:
        self._each(request, queryset, services.service_window_cancel, "cancelled")
