"""Append-only rows (the audit trail, the ledger): the model layer refuses every update and
delete, on every database; on PostgreSQL a trigger (in each app's migrations) refuses them
whatever the caller. A correction is a new row (a reversing ledger transaction, a new audit
entry), never an edit.

A model opts in by subclassing `AppendOnlyModel` and naming the exception it raises
(`immutable_error`) and what its rows are called in the message (`immutable_label`).
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)


class RowImmutable(Exception):
    """An append-only row was about to be updated or deleted."""


def _refuse(model: type[models.Model], verb: str) -> Exception:
    error: type[Exception] = getattr(model, "immutable_error", RowImmutable)
    label: str = getattr(model, "immutable_label", "Append-only")
    return error(f"{label} rows cannot be {verb}.")


class AppendOnlyQuerySet(models.QuerySet[_M]):
    """Bulk writes that would change existing rows are refused; `create`, `bulk_create` and
    reads work as usual."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse(self.model, "updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse(self.model, "deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise _refuse(self.model, "updated")


class AppendOnlyModel(models.Model):
    immutable_error: ClassVar[type[Exception]] = RowImmutable
    immutable_label: ClassVar[str] = "Append-only"

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise _refuse(type(self), "updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse(type(self), "deleted")
