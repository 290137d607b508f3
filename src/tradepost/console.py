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
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

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


# --- JSON for people -------------------------------------------------------------------------
# Staff read screening results, registration attempts and change records as tables with titles,
# never as raw JSON. Keys become words ("company_name" -> "Company name"); a {field: [old, new]}
# change record becomes a Before/After table; a list of objects becomes a table of rows.

KEY_TITLES = {
    "min_qty": "From quantity",
    "unit_price": "Unit price",
    "moq": "Minimum order",
    "ships_to": "Ships to",
    "incoterm": "Incoterm",
    "lead_time_days": "Lead time (days)",
    "registration_number": "Registration number",
    "company_name": "Company name",
    "business_type": "Business type",
    "site": "Site",
    "ip": "Address",
}


def key_title(key: Any) -> str:
    key = str(key)
    if key in KEY_TITLES:
        return KEY_TITLES[key]
    words = key.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def _scalar(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _is_change_record(value: dict) -> bool:
    return bool(value) and all(isinstance(v, list | tuple) and len(v) == 2 for v in value.values())


def json_display(value: Any) -> SafeString:
    """Any JSON value as HTML a person reads: a table, a list or a plain value (escaped)."""
    if isinstance(value, dict):
        if not value:
            return format_html('<span class="tp-muted">{}</span>', "none")
        if _is_change_record(value):
            return format_html(
                '<table class="tp-data"><thead><tr><th scope="col">Field</th>'
                '<th scope="col">Before</th><th scope="col">After</th></tr></thead>'
                "<tbody>{}</tbody></table>",
                format_html_join(
                    "",
                    "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
                    (
                        (key_title(k), json_display(v[0]), json_display(v[1]))
                        for k, v in value.items()
                    ),
                ),
            )
        return format_html(
            '<table class="tp-data"><tbody>{}</tbody></table>',
            format_html_join(
                "",
                "<tr><th scope='row'>{}</th><td>{}</td></tr>",
                ((key_title(k), json_display(v)) for k, v in value.items()),
            ),
        )
    if isinstance(value, list | tuple):
        if not value:
            return format_html('<span class="tp-muted">{}</span>', "none")
        if all(isinstance(item, dict) for item in value):
            keys: list[str] = []
            for item in value:
                keys.extend(k for k in item if k not in keys)
            return format_html(
                '<table class="tp-data"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
                format_html_join("", "<th scope='col'>{}</th>", ((key_title(k),) for k in keys)),
                format_html_join(
                    "",
                    "<tr>{}</tr>",
                    (
                        (
                            format_html_join(
                                "", "<td>{}</td>", ((json_display(i.get(k)),) for k in keys)
                            ),
                        )
                        for i in value
                    ),
                ),
            )
        return format_html_join(", ", "{}", ((json_display(item),) for item in value))
    return format_html("{}", _scalar(value))


_JSON_COLUMNS: dict[tuple[type[models.Model], str], Callable[[Any], SafeString]] = {}


def _json_column(field: models.Field) -> Callable[[Any], SafeString]:
    """One callable per model field, so `fields` and `readonly_fields` hold the same object."""
    key = (field.model, field.name)
    if key not in _JSON_COLUMNS:
        _JSON_COLUMNS[key] = _new_json_column(field)
    return _JSON_COLUMNS[key]


def _new_json_column(field: models.Field) -> Callable[[Any], SafeString]:
    def show(obj: Any) -> SafeString:
        return json_display(getattr(obj, field.attname))

    show.short_description = field.verbose_name  # type: ignore[attr-defined]
    show.__name__ = f"{field.name}_table"
    return show


def json_as_tables(model_admin: Any, names: list[str]) -> list[Any]:
    """Read-only field names with each JSONField swapped for a column that shows it as a table
    (an admin may already show one its own way: it then excludes the raw field itself)."""
    json_fields = {f.name: f for f in model_admin.opts.fields if isinstance(f, models.JSONField)}
    return [_json_column(json_fields[n]) if n in json_fields else n for n in names]


def _json_field_names(model_admin: Any) -> list[str]:
    return [f.name for f in model_admin.opts.fields if isinstance(f, models.JSONField)]


class ReadOnlyAdmin(admin.ModelAdmin):
    """An audit trail or a record only its owner or a service may write: view, never edit.
    JSON fields show as tables (`json_display`)."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return json_as_tables(self, all_fields_read_only(self, self.readonly_fields))

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*(super().get_exclude(request, obj) or ()), *_json_field_names(self)]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return json_as_tables(self, list(super().get_fields(request, obj)))  # type: ignore[arg-type]

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

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return json_as_tables(self, all_fields_read_only(self, self.readonly_fields))

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*(super().get_exclude(request, obj) or ()), *_json_field_names(self)]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return json_as_tables(self, list(super().get_fields(request, obj)))  # type: ignore[arg-type]

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


def each_with_messages(
    request: HttpRequest, objects: list[Any], call: Callable[[Any], Any], done: str
) -> None:
    """Call the service per object; one message for what worked, one per kind of refusal."""
    ok: list[str] = []
    failures: dict[str, list[str]] = {}
    for obj in objects:
        try:
            call(obj)
        except DomainError as exc:
            failures.setdefault(exc.message, []).append(f"#{obj.pk}")
        else:
            ok.append(f"#{obj.pk}")
    if ok:
        messages.success(request, f"{done}: {', '.join(ok)}.")
    grouped_errors(request, failures)


def reason_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    objects: list[Any],
    form: forms.Form,
    *,
    action: str,
    title: str,
    intro: str,
    headers: list[str],
    row: Callable[[Any], list[Any]],
) -> TemplateResponse:
    """The page a changelist action shows to ask for a reason (and more) before it acts: the
    selected objects as a table, the form, and the way back to the changelist."""
    opts = model_admin.opts
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": title,
        "intro": intro,
        **table_rows(headers, (row(o) for o in objects)),
        "form": form,
        "action": action,
        "selected": [o.pk for o in objects],
        "single": None,
        "submit_label": title,
        "cancel_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, REASON_TEMPLATE, context)
