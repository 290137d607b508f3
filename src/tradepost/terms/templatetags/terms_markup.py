"""Rendering the Terms' Markdown-ish text (bold, links, escapes, paragraphs) as safe HTML."""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tradepost.terms.parsing import unescape_markdown

register = template.Library()

_LINK = re.compile(r"\[([^\]\n]+)\]\(((?:https?://|mailto:)[^\s)]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


@register.filter
def terms_inline(text: str) -> SafeString:
    """Escape first, then turn `[t](url)` (http, https, mailto only) and `**x**` into tags."""
    html = str(escape(unescape_markdown(text or "")))
    html = _LINK.sub(r'<a href="\2" rel="nofollow noopener">\1</a>', html)
    html = _BOLD.sub(r"<strong>\1</strong>", html)
    return mark_safe(html.replace("\n", "<br>\n"))  # noqa: S308 - escaped above


@register.filter
def terms_paragraphs(text: str) -> SafeString:
    paragraphs = [p for p in (text or "").split("\n\n") if p.strip()]
    return mark_safe("".join(f"<p>{terms_inline(p)}</p>\n" for p in paragraphs))  # noqa: S308
