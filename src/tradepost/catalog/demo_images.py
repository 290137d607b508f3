"""Pictures for the demo data, drawn with Pillow when `tradepost demo_data` runs (no network,
no files shipped): a simple product-like illustration on a gradient with the product's name,
each marked "DEMO IMAGE", so nobody takes them for real product photos."""

from __future__ import annotations

import hashlib
import textwrap
from io import BytesIO

from PIL import Image, ImageDraw, ImageFont

FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

PALETTES = (
    ((14, 92, 173), (120, 180, 230)),
    ((27, 110, 53), (150, 210, 160)),
    ((150, 70, 20), (240, 190, 120)),
    ((90, 40, 140), (200, 160, 230)),
    ((20, 110, 120), (140, 215, 215)),
    ((120, 30, 50), (235, 150, 160)),
)


def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT_BOLD if bold else FONT, size)
    except OSError:
        return ImageFont.load_default(size=size)


def _seed(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _gradient(size: tuple[int, int], top: tuple[int, ...], bottom: tuple[int, ...]) -> Image.Image:
    height = size[1]
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / max(1, height - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize(size)


def _product_shape(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], kind: int) -> None:
    """A plain product-like drawing: a box, a bottle, a device or a roll."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    white, shade, line = (255, 255, 255), (225, 232, 240), (60, 70, 80)
    if kind == 0:  # a carton
        draw.polygon(
            [
                (x0, y0 + h * 0.25),
                (x0 + w * 0.5, y0),
                (x1, y0 + h * 0.25),
                (x0 + w * 0.5, y0 + h * 0.5),
            ],
            fill=white,
            outline=line,
            width=4,
        )
        draw.polygon(
            [
                (x0, y0 + h * 0.25),
                (x0 + w * 0.5, y0 + h * 0.5),
                (x0 + w * 0.5, y1),
                (x0, y1 - h * 0.25),
            ],
            fill=shade,
            outline=line,
            width=4,
        )
        draw.polygon(
            [
                (x1, y0 + h * 0.25),
                (x0 + w * 0.5, y0 + h * 0.5),
                (x0 + w * 0.5, y1),
                (x1, y1 - h * 0.25),
            ],
            fill=(200, 210, 222),
            outline=line,
            width=4,
        )
    elif kind == 1:  # a device
        draw.rounded_rectangle(
            (x0 + w * 0.2, y0, x1 - w * 0.2, y1),
            radius=int(w * 0.08),
            fill=white,
            outline=line,
            width=5,
        )
        draw.rounded_rectangle(
            (x0 + w * 0.27, y0 + h * 0.08, x1 - w * 0.27, y1 - h * 0.2), radius=8, fill=(40, 50, 60)
        )
        draw.ellipse(
            (x0 + w * 0.45, y1 - h * 0.14, x0 + w * 0.55, y1 - h * 0.05), outline=line, width=4
        )
    elif kind == 2:  # a roll of fabric or cable
        draw.ellipse(
            (x0, y0 + h * 0.2, x0 + w * 0.45, y1 - h * 0.2), fill=shade, outline=line, width=5
        )
        draw.rectangle((x0 + w * 0.22, y0 + h * 0.2, x1 - w * 0.1, y1 - h * 0.2), fill=white)
        draw.line((x0 + w * 0.22, y0 + h * 0.2, x1 - w * 0.1, y0 + h * 0.2), fill=line, width=5)
        draw.line((x0 + w * 0.22, y1 - h * 0.2, x1 - w * 0.1, y1 - h * 0.2), fill=line, width=5)
        draw.ellipse(
            (x1 - w * 0.32, y0 + h * 0.2, x1 + w * 0.12 - w * 0.1, y1 - h * 0.2),
            fill=white,
            outline=line,
            width=5,
        )
        draw.ellipse(
            (x0 + w * 0.15, y0 + h * 0.4, x0 + w * 0.3, y1 - h * 0.4), fill=(170, 180, 190)
        )
    else:  # a sack
        draw.rounded_rectangle(
            (x0 + w * 0.15, y0 + h * 0.15, x1 - w * 0.15, y1),
            radius=int(w * 0.12),
            fill=(240, 228, 200),
            outline=line,
            width=5,
        )
        draw.polygon(
            [(x0 + w * 0.3, y0 + h * 0.15), (x0 + w * 0.5, y0), (x1 - w * 0.3, y0 + h * 0.15)],
            fill=(230, 215, 180),
            outline=line,
            width=4,
        )
        draw.rectangle(
            (x0 + w * 0.3, y0 + h * 0.45, x1 - w * 0.3, y0 + h * 0.7),
            fill=white,
            outline=line,
            width=3,
        )


def _demo_label(img: Image.Image) -> None:
    draw = ImageDraw.Draw(img)
    font = _font(min(32, max(14, img.width // 28)), bold=True)
    text = "DEMO IMAGE"
    x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=font)
    pad = font.size // 2 if hasattr(font, "size") else 8
    box = (img.width - (x1 - x0) - 3 * pad, pad, img.width - pad, pad + (y1 - y0) + 2 * pad)
    draw.rectangle(box, fill=(179, 38, 30))
    draw.text((box[0] + pad, box[1] + pad - y0), text, fill=(255, 255, 255), font=font)


def _jpeg(img: Image.Image) -> bytes:
    buffer = BytesIO()
    img.save(buffer, "JPEG", quality=88)
    return buffer.getvalue()


def product_image(title: str, n: int, *, kind: int | None = None, size: int = 1000) -> bytes:
    """Image `n` (0, 1, 2, ...) of a demo product: JPEG bytes."""
    seed = _seed(title)
    top, bottom = PALETTES[(seed + n) % len(PALETTES)]
    img = _gradient((size, size), bottom, top)
    draw = ImageDraw.Draw(img)
    shape = (seed % 4) if kind is None else kind
    # 0: the product; 1: a closer look; 2: its packaging (a carton).
    margin = (size // 4, size // 7, size // 4 + size // 20)[n % 3]
    _product_shape(
        draw,
        (margin, size // 6 - (size // 16 if n % 3 == 1 else 0), size - margin, size - size // 3),
        0 if n % 3 == 2 else shape,
    )
    lines = textwrap.wrap(title, width=26)[:3]
    font = _font(size // 20, bold=True)
    y = size - size // 3 + size // 14
    for line in lines:
        x0, y0, x1, y1 = draw.textbbox((0, 0), line, font=font)
        draw.text(((size - (x1 - x0)) / 2, y), line, fill=(255, 255, 255), font=font)
        y += int(y1 - y0) + size // 80
    caption = ("Front view", "Detail", "Packaging", "In use")[n % 4]
    small = _font(size // 32)
    draw.text(
        (size // 30, size - size // 18), f"{caption} · {n + 1}", fill=(255, 255, 255), font=small
    )
    _demo_label(img)
    return _jpeg(img)


def logo_image(company: str) -> bytes:
    seed = _seed(company)
    top, bottom = PALETTES[seed % len(PALETTES)]
    img = _gradient((512, 512), top, bottom)
    draw = ImageDraw.Draw(img)
    initials = "".join(w[0] for w in company.split()[:2]).upper()
    font = _font(220, bold=True)
    x0, y0, x1, y1 = draw.textbbox((0, 0), initials, font=font)
    draw.text(
        ((512 - (x1 - x0)) / 2 - x0, (512 - (y1 - y0)) / 2 - y0 - 20),
        initials,
        fill=(255, 255, 255),
        font=font,
    )
    small = _font(40, bold=True)
    x0, _, x1, _ = draw.textbbox((0, 0), "DEMO IMAGE", font=small)
    draw.rectangle((0, 430, 512, 500), fill=(179, 38, 30))
    draw.text(((512 - (x1 - x0)) / 2, 442), "DEMO IMAGE", fill=(255, 255, 255), font=small)
    return _jpeg(img)


def banner_image(company: str, tagline: str) -> bytes:
    seed = _seed(company)
    top, bottom = PALETTES[(seed + 2) % len(PALETTES)]
    img = _gradient((1600, 400), top, bottom).transpose(Image.Transpose.ROTATE_180)
    draw = ImageDraw.Draw(img)
    for i in range(6):
        r = 90 + i * 40
        cx = 1250 + (seed >> i) % 200
        draw.ellipse((cx - r, 200 - r, cx + r, 200 + r), outline=(255, 255, 255), width=2)
    y = 120
    for line in textwrap.wrap(company, width=34)[:2]:
        draw.text((80, y), line, fill=(255, 255, 255), font=_font(46, bold=True))
        y += 58
    draw.text((80, y + 14), tagline, fill=(255, 255, 255), font=_font(30))
    _demo_label(img)
    return _jpeg(img)
