"""Safe, streaming XML reading shared by the XML importers: defusedxml refuses entity
expansion and external references; iterparse keeps memory flat on the full lists."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

from tradepost.compliance.importers import ImportFileError, clean


def local(tag: str) -> str:
    """The tag without its namespace: OFAC has published under two."""
    return tag.rsplit("}", 1)[-1]


def child_text(element: Element, name: str) -> str:
    for child in element:
        if local(child.tag) == name:
            return clean(child.text)
    return ""


def children(element: Element, name: str) -> list[Element]:
    return [child for child in element if local(child.tag) == name]


def descendants(element: Element, name: str) -> list[Element]:
    return [node for node in element.iter() if local(node.tag) == name]


def stream(path: Path, record_tags: set[str]) -> Iterator[tuple[str, Element, int]]:
    """Yield (tag, element, ordinal) for each record element, and (tag, root, 0) with tag
    "<root>" first, clearing each record after use. Parse errors name the line and column."""
    count = 0
    try:
        context = iterparse(str(path), events=("start", "end"))
        root: Element | None = None
        for event, element in context:
            if event == "start":
                if root is None:
                    root = element
                    yield "<root>", element, 0
                continue
            tag = local(element.tag)
            if tag in record_tags:
                count += 1
                yield tag, element, count
                element.clear()
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise ImportFileError(
            path, _("line %(line)d, column %(col)d") % {"line": line, "col": column}, str(exc)
        ) from exc
    except DefusedXmlException as exc:
        raise ImportFileError(path, _("document"), _("unsafe XML refused: %s") % exc) from exc
    if root is None:
        raise ImportFileError(path, _("document"), _("empty file"))
