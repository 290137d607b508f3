"""Building blocks of the operator console (Django admin at /console/) shared by every app.

Below every app (see the import contracts in pyproject.toml): read-only admins and inlines for
audit trails and records only a service may write, the reason form staff actions ask for, and
the one way a service's refusal (a `DomainError`) is shown on a form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest

from tradepost.errors import DomainError

REASON_TEMPLATE = "admin/members/reason_form.html"


def field_names(model: type[models.Model]) -> list[str]:
    """Every concrete field of a model, for a read-only page that shows them all."""
    return [f.name for f in model._meta.fields]


def all_fields_read_only(model_admin: Any, declared: Sequence[str]) -> list[str]:
    """The declared read-only fields first, then every other field of the model but `id`."""
    opts = model_admin.opts
    names = [f.name for f in (*opts.fields, *opts.many_to_many) if f.name != "id"]
    return [*declared, *(n for n in names if n not in declared)]


class ReadOnlyAdmin(admin.ModelAdmin):
    """An audit trail or a record only its owner or a service may write: view, never edit."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return all_fields_read_only(self, self.readonly_fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their parent's page, never added, changed or deleted there."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return all_fields_read_only(self, self.readonly_fields)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def table_rows(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> dict[str, Any]:
    """The `headers` and `rows` of the reason form's table of the objects acted on."""
    return {"headers": list(headers), "rows": [[str(c) for c in row] for row in rows]}


class ReasonForm(forms.Form):
    """The reason is required by the service (its message is the one shown), not by the form."""

    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80, "required": True}),
        help_text="Required. Kept with the audit record; cite the clause and the evidence.",
    )


def grouped_errors(request: HttpRequest, failures: dict[str, list[str]]) -> None:
    """One message per refusal, naming every object it refused."""
    for message, labels in failures.items():
        messages.error(request, f"{', '.join(labels)}: {message}")


def form_add_domain_error(
    form: forms.BaseForm,
    error: DomainError,
    *,
    field_for: Callable[[str], str] | None = None,
    problems_for: Callable[[str, list[str]], list[str]] | None = None,
    message: bool = False,
    message_field: str | None = None,
) -> None:
    """Show a service's refusal on a form: each of `error.fields` next to its field (`field_for`
    maps an error key such as `price_tiers[0].min_qty` to a form field; the problems of a key
    no field takes go on top of the form), and `error.message` on top (or on `message_field`)
    when no field took the error, or always with `message=True`. `problems_for(key, problems)`
    may reword a key's problems.

    The one helper for pages, forms and the console: the API answers the same error as JSON.
    """
    targets = {
        key: (name if (name := field_for(key) if field_for else key) in form.fields else None)
        for key in error.fields
    }
    if message or not any(targets.values()):
        form.add_error(message_field, error.message)
    for key, problems in error.fields.items():
        if problems_for is not None:
            problems = problems_for(key, list(problems))
        for problem in problems:
            form.add_error(targets[key], problem)
