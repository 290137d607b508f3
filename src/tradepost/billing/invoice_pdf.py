"""An invoice as a PDF (issue 13), drawn with ReportLab.

Clause 2.1: the issuer is the member's contracting entity; the recipient is the member's
registered address as it was when the invoice was issued. Latin text is set in Helvetica;
text with other scripts (a Chinese or Cyrillic address) in ReportLab's built-in CID font
STSong-Light, so it prints without embedding font files.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import cache

from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.lib.utils import simpleSplit  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from tradepost.billing.models import Invoice
from tradepost.money import money_display

LATIN = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
CJK = "STSong-Light"


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def _font_for(text: str, bold: bool = False) -> str:
    if all(ord(ch) < 256 for ch in text):
        return LATIN_BOLD if bold else LATIN
    return CJK


class _Page:
    def __init__(self, canvas: Canvas) -> None:
        self.c = canvas
        self.y = A4[1] - 20 * mm

    def line(self, text: str, *, size: float = 10, bold: bool = False, x: float = 20 * mm) -> None:
        width = A4[0] - x - 20 * mm
        for paragraph in text.splitlines() or [""]:
            font = _font_for(paragraph, bold)
            for part in simpleSplit(paragraph, font, size, width) or [""]:
                self.c.setFont(font, size)
                self.c.drawString(x, self.y, part)
                self.y -= size * 1.45

    def row(self, left: str, right: str, *, bold: bool = False) -> None:
        self.c.setFont(_font_for(left, bold), 10)
        self.c.drawString(20 * mm, self.y, left)
        self.c.setFont(_font_for(right, bold), 10)
        self.c.drawRightString(A4[0] - 20 * mm, self.y, right)
        self.y -= 14

    def gap(self, points: float = 10) -> None:
        self.y -= points


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice and receipt as PDF bytes."""
    _fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    canvas.setTitle(f"Invoice {invoice.number}")
    canvas.setAuthor(invoice.issuer.get("name", ""))
    page = _Page(canvas)
    issuer, bill_to = invoice.issuer, invoice.bill_to
    page.line(issuer.get("name", ""), size=14, bold=True)
    if issuer.get("registration_number"):
        page.line(f"Registration number: {issuer['registration_number']}", size=9)
    page.line(issuer.get("address", ""), size=9)
    page.gap(12)
    page.line("INVOICE AND RECEIPT", size=16, bold=True)
    page.line(f"Invoice number: {invoice.number}")
    page.line(f"Issued: {invoice.issued_at:%Y-%m-%d}")
    if invoice.paid_at:
        simulated = invoice.payment_provider == "simulated"
        note = ", SIMULATED: no real money moved" if simulated else ""
        page.line(
            f"Paid: {invoice.paid_at:%Y-%m-%d} ({invoice.payment_provider}{note}, "
            f"{invoice.payment_reference})"
        )
    page.gap(8)
    page.line("Bill to", bold=True)
    page.line(f"{bill_to.get('company_name', '')} (member {bill_to.get('member_id', '')})")
    page.line(bill_to.get("address", ""))
    page.line(bill_to.get("country", ""))
    if bill_to.get("registration_number"):
        page.line(f"Registration number: {bill_to['registration_number']}")
    page.gap(12)
    page.row("Description", f"Amount ({invoice.currency})", bold=True)
    for line in invoice.lines:
        period = ""
        if line.get("period_start") and line.get("period_end"):
            period = f" [{line['period_start'][:10]} to {line['period_end'][:10]}]"
        page.row(
            f"{line['description']}{period}",
            money_display(Decimal(line["amount"]), invoice.currency, locale="en"),
        )
    page.gap(4)
    page.row("Subtotal", money_display(invoice.subtotal, invoice.currency, locale="en"))
    for tax in invoice.tax_lines:
        rate = (Decimal(tax["rate"]) * 100).normalize()
        page.row(
            f"{tax['name']} {rate:f}%",
            money_display(Decimal(tax["amount"]), invoice.currency, locale="en"),
        )
    page.row("Total", money_display(invoice.total, invoice.currency, locale="en"), bold=True)
    page.gap(16)
    page.line(
        "Issued by the contracting entity of the member under clause 2.1 of the Terms of Use.",
        size=8,
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
