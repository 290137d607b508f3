"""Checks on uploaded files: listing images (read by Pillow) and certification documents.

The name and declared type of an upload are not trusted: Pillow decodes the bytes, and the
stored name is generated from what the bytes are. What is stored is never the uploaded
bytes of an image: Pillow re-encodes the pixels (orientation applied), so EXIF (GPS
position, camera, owner), XMP, comments and anything hidden after the image data are gone.
A PDF is parsed by pypdf: one it cannot read, or an encrypted one, is refused.

Pages do not show the original: `thumbnails` makes WebP copies at a card size (400 px on the
longer side) and a display size (1000 px), from the re-encoded pixels, stored beside it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader

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
    """What to store: `data` (re-encoded for an image) and what it is."""

    content_type: str
    extension: str
    size: int
    width: int | None = None
    height: int | None = None
    data: bytes = b""


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
                clean, width, height = _reencode(img, fmt)
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
    return FileInfo(content_type, extension, len(clean), width, height, clean)


_SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 90, "optimize": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 90, "method": 4},
}


def _reencode(img: Image.Image, fmt: str) -> tuple[bytes, int, int]:
    """The pixels alone, in the same format: EXIF orientation applied, every metadata block
    dropped (only the colour profile and PNG transparency are kept, so the picture looks the
    same)."""
    keep = {k: img.info[k] for k in ("icc_profile", "transparency") if img.info.get(k)}
    out = ImageOps.exif_transpose(img)
    if fmt == "JPEG" and out.mode not in {"L", "RGB", "CMYK"}:
        out = out.convert("RGB")
    elif fmt == "WEBP" and out.mode not in {"RGB", "RGBA"}:
        out = out.convert("RGBA" if out.mode in {"LA", "P", "PA"} else "RGB")
        keep.pop("transparency", None)
    out.info = {}
    buffer = BytesIO()
    out.save(buffer, format=fmt, **_SAVE_OPTIONS[fmt], **keep)
    return buffer.getvalue(), out.width, out.height


def inspect_pdf(data: bytes, *, field: str = "document") -> FileInfo:
    """A PDF pypdf can open and read every page of, not encrypted."""

    def bad(message: str) -> InvalidInput:
        return InvalidInput(message, fields={field: [message]}, code="invalid_document")

    try:
        reader = PdfReader(BytesIO(data))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
        if not encrypted:
            for page in reader.pages:
                page.get_contents()
    except Exception as exc:  # pypdf raises many kinds of error on a damaged file
        raise bad("The PDF is damaged or not a PDF: it could not be read.") from exc
    if encrypted:
        raise bad("The PDF is encrypted or password-protected: upload it without a password.")
    if pages == 0:
        raise bad("The PDF has no pages.")
    return FileInfo("application/pdf", "pdf", len(data), data=data)


def inspect_document(data: bytes, *, field: str = "document") -> FileInfo:
    """A certification document: a PDF pypdf reads, or an image Pillow reads (re-encoded)."""
    if b"%PDF-" in data[:1024]:  # where a PDF reader looks for the header
        return inspect_pdf(data, field=field)
    try:
        return inspect_image(data, field=field)
    except InvalidInput as exc:
        if exc.code == "file_too_large":
            raise
        message = "Upload the certificate as a PDF, JPEG, PNG or WebP file."
        raise InvalidInput(message, fields={field: [message]}, code="invalid_document") from exc


# --- Thumbnails -----------------------------------------------------------------------------

THUMB_SIDE = 400
DISPLAY_SIDE = 1000
LOGO_SIDE = 256
BANNER_WIDTH = 1600
THUMBNAIL_FORMAT = ("WEBP", "image/webp", "webp")


@dataclass(frozen=True)
class Thumbnail:
    """A smaller WebP copy of an image: its bytes and size."""

    data: bytes
    width: int
    height: int


def thumbnail(data: bytes, *, max_side: int, max_height: int | None = None) -> Thumbnail:
    """A WebP copy of the (already re-encoded) image, at most `max_side` pixels wide and high
    (`max_height` if given): never larger than the original, no metadata but the colour
    profile."""
    with Image.open(BytesIO(data)) as img:
        img.load()
        icc = img.info.get("icc_profile")
        out = img.convert("RGBA" if _has_alpha(img) else "RGB")
        out.thumbnail((max_side, max_height or max_side), Image.Resampling.LANCZOS)
        out.info = {}
        buffer = BytesIO()
        options: dict[str, Any] = {"quality": 82, "method": 2}
        if icc:
            options["icc_profile"] = icc
        out.save(buffer, format=THUMBNAIL_FORMAT[0], **options)
        return Thumbnail(buffer.getvalue(), out.width, out.height)


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in {"RGBA", "LA", "PA"} or (img.mode == "P" and "transparency" in img.info)
