"""Files members give as evidence: one check and one store for every trust upload (appeal
evidence, documents of a right and of a counter-notice, answers to information requests).

Every file of a request is checked before any is stored, so a bad file (not a PDF or image by
its content, too large, one too many) refuses the whole request and leaves nothing behind; a
failure while storing deletes what this call had written. The name and declared type of an
upload are never trusted: `catalog.uploads.inspect_document` reads the bytes (pypdf, or
Pillow re-encoding the pixels without their metadata) and the stored name is ours.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models

from tradepost.catalog import uploads
from tradepost.errors import InvalidInput
from tradepost.text import clean_name

PDF_PNG_JPEG = frozenset({"application/pdf", "image/png", "image/jpeg"})
TYPE_LABELS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}

Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed the checks: what to store and under which of the member's names."""

    info: uploads.FileInfo
    name: str
    sha256: str


def _types_text(allowed: Collection[str] | None) -> str:
    if allowed is None:
        return "a PDF, JPEG, PNG or WebP file"
    order = list(TYPE_LABELS)
    ranked = sorted(allowed, key=lambda t: (order.index(t) if t in order else len(order), t))
    labels = [TYPE_LABELS.get(t, t) for t in ranked]
    return "a " + (", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else labels[0])


def files_check(
    files: Sequence[UploadedFile],
    *,
    field: str,
    max_files: int,
    max_bytes: int,
    already: int = 0,
    allowed: Collection[str] | None = None,
    names: Sequence[str] = (),
) -> list[CheckedFile]:
    """Check every file, storing none: at most `max_files` with the `already` stored, each at
    most `max_bytes`, and a document by its content (of the `allowed` types when given)."""
    if already + len(files) > max_files:
        left = max(max_files - already, 0)
        problem = f"At most {max_files} files in all" + (
            f"; {left} more may be added." if already else "."
        )
        raise InvalidInput(
            f"Too many files: at most {max_files}.",
            fields={field: [problem]},
            code="too_many_files",
            extra={"max_files": max_files, "already": already},
        )
    checked = []
    for index, upload in enumerate(files):
        data = uploads.read_upload(upload, field=field, max_bytes=max_bytes)
        label = _types_text(allowed)
        try:
            info = uploads.inspect_document(data, field=field)
        except InvalidInput as exc:
            if exc.code == "file_too_large":
                raise
            if b"%PDF-" in data[:1024]:  # pypdf's own words: damaged, encrypted, no pages
                problem = f"{_display(upload)}: {exc.message}"
            else:
                problem = f"{_display(upload)}: upload {label} (this is not one, or is damaged)."
            raise InvalidInput(problem, fields={field: [problem]}, code="invalid_document") from exc
        if allowed is not None and info.content_type not in allowed:
            problem = f"{_display(upload)}: upload {label}."
            raise InvalidInput(problem, fields={field: [problem]}, code="invalid_document")
        given = names[index] if index < len(names) else ""
        checked.append(CheckedFile(info, _name(given or upload.name or "", info), _sha(info)))
    return checked


def files_store(
    checked: Sequence[CheckedFile], make_row: Callable[[CheckedFile], Row]
) -> list[Row]:
    """Store each checked file in a row `make_row` builds (unsaved; its first FileField takes
    the bytes); a failure deletes every file this call stored."""
    stored: list[Row] = []
    try:
        for item in checked:
            row = make_row(item)
            file = _file_field(row)
            file.save(
                f"{uuid.uuid4().hex}.{item.info.extension}", ContentFile(item.info.data), save=False
            )
            row.save()
            stored.append(row)
    except Exception:
        for row in stored:
            file = _file_field(row)
            if file.name:
                file.storage.delete(file.name)
        raise
    return stored


def _file_field(row: models.Model) -> Any:
    for field in row._meta.concrete_fields:
        if isinstance(field, models.FileField):
            return getattr(row, field.attname)
    raise TypeError(f"{type(row).__name__} has no file field")


def _display(upload: UploadedFile) -> str:
    try:
        return clean_name(upload.name or "")[:80] or "The file"
    except ValueError:
        return "The file"


def _name(name: str, info: uploads.FileInfo) -> str:
    try:
        cleaned = clean_name(name)[:200]
    except ValueError:
        cleaned = ""
    return cleaned or f"file.{info.extension}"


def _sha(info: uploads.FileInfo) -> str:
    return hashlib.sha256(info.data).hexdigest()
