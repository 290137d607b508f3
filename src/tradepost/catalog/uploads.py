"""Checks on uploaded files: listing images (read by Pillow) and certification documents.

The name and declared type of an upload are not trusted: Pillow decodes the bytes, and the
stored name is generated from what the bytes are.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from tradepost.errors import InvalidInput

IMAGE_MAX_BYTES = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_MIN_SIDE = 100
IMAGES_PER_LISTING = 10
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
CERTIFICATIONS_PER_PROFILE = 30

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}


@dataclass(frozen=True)
class FileInfo:
    content_type: str
    extension: str
    size: int
    width: int | None = None
    height: int | None = None


def read_upload(upload: UploadedFile, *, field: str, max_bytes: int) -> bytes:
    """The upload's bytes, refusing empty and oversized files before reading them all."""
    size = upload.size or 0
    if size > max_bytes:
        raise InvalidInput(
            f"The file is too large: at most {max_bytes // (1024 * 1024)} MB.",
            fields={field: [f"At most {max_bytes:,} bytes (this has {size:,})."]},
            code="file_too_large",
        )
    chunks, total = [], 0
    for chunk in upload.chunks():
        total += len(chunk)
        if total > max_bytes:
            raise InvalidInput(
                f"The file is too large: at most {max_bytes // (1024 * 1024)} MB.",
                fields={field: [f"At most {max_bytes:,} bytes."]},
                code="file_too_large",
            )
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise InvalidInput("The file is empty.", fields={field: ["The file is empty."]})
    return data


def inspect_image(data: bytes, *, field: str = "image") -> FileInfo:
    """Decode the bytes with Pillow: JPEG, PNG or WebP, of a sensible size, not a bomb."""

    def bad(message: str) -> InvalidInput:
        return InvalidInput(message, fields={field: [message]}, code="invalid_image")

    if len(data) > IMAGE_MAX_BYTES:
        raise InvalidInput(
            "The image is too large.",
            fields={field: [f"At most {IMAGE_MAX_BYTES:,} bytes."]},
            code="file_too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as img:
                fmt = img.format
                width, height = img.size
                if fmt not in IMAGE_FORMATS:
                    raise bad("Upload a JPEG, PNG or WebP image.")
                if width * height > IMAGE_MAX_PIXELS:
                    raise bad(f"The image has too many pixels (at most {IMAGE_MAX_PIXELS:,}).")
                img.verify()
            with Image.open(BytesIO(data)) as img:
                img.load()
    except InvalidInput:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise bad("The file is not a readable JPEG, PNG or WebP image.") from exc
    if min(width, height) < IMAGE_MIN_SIDE:
        raise bad(f"The image is too small: at least {IMAGE_MIN_SIDE} pixels on each side.")
    content_type, extension = IMAGE_FORMATS[fmt]
    return FileInfo(content_type, extension, len(data), width, height)


def inspect_document(data: bytes, *, field: str = "document") -> FileInfo:
    """A certification document: a PDF, or an image Pillow can read."""
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            message = "The PDF is incomplete or damaged."
            raise InvalidInput(message, fields={field: [message]}, code="invalid_document")
        return FileInfo("application/pdf", "pdf", len(data))
    try:
        return inspect_image(data, field=field)
    except InvalidInput as exc:
        if exc.code == "file_too_large":
            raise
        message = "Upload the certificate as a PDF, JPEG, PNG or WebP file."
        raise InvalidInput(message, fields={field: [message]}, code="invalid_document") from exc
