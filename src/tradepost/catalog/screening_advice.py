"""Screening results in plain words: what matched, where, and what to change.

The rule ids and clauses stay available for a "why?" disclosure; the sentences built here
never name them (clause 5.5 and the Product Listing Policy decide; this only explains).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

FIELD_NAMES = {
    "title": gettext_noop("title"),
    "description": gettext_noop("description"),
    "port": gettext_noop("port of shipment"),
    "keywords": gettext_noop("keyword list"),
    "attributes": gettext_noop("specification list"),
    "ships_to": gettext_noop("destination list"),
    "category": gettext_noop("category"),
}


def field_name(field: str) -> str:
    """'keywords[2]' → 'keywords'; 'attributes[0].value' → 'attributes'."""
    base = field.split("[", 1)[0].split(".", 1)[0]
    return _(FIELD_NAMES.get(base, gettext_noop("listing")))


def match_advice(match: dict) -> dict[str, str]:
    """{"problem": ..., "change": ...} for one screening match, in plain language."""
    where = field_name(match.get("field", ""))
    text = match.get("text") or ""
    kind = match.get("kind", "")
    title = match.get("title") or ""
    if kind == "offsite":
        problem = _("Your %(where)s contains contact details or a link (“%(text)s”).") % {
            "where": where,
            "text": text,
        }
        change = _(
            "Remove it: buyers contact you through Tradepost, not by e-mail, phone or another site."
        )
    elif kind == "sanctions":
        problem = _("%(title)s: your listing offers shipping to “%(text)s”.") % {
            "title": title,
            "text": text,
        }
        change = _("Remove that destination from “Ships to”, or wait for our staff to check it.")
    elif kind == "counterfeit" and match.get("action") == "review":
        problem = _("Your %(where)s names the brand “%(text)s”.") % {"where": where, "text": text}
        change = _(
            "Our staff check that you may sell it: upload proof, such as the brand's "
            "authorisation, on your supplier profile."
        )
    elif kind == "counterfeit":
        problem = _("Your %(where)s names a protected brand as a copy (“%(text)s”).") % {
            "where": where,
            "text": text,
        }
        change = _("Remove the wording: replicas and copies of brands cannot be listed.")
    elif kind == "wording":
        problem = _("Your %(where)s contains wording we do not allow (“%(text)s”).") % {
            "where": where,
            "text": text,
        }
        change = _("Reword it politely.")
    elif kind == "restricted" or match.get("action") == "review":
        problem = _("%(title)s: your %(where)s mentions “%(text)s”.") % {
            "title": title,
            "where": where,
            "text": text,
        }
        if match.get("documents"):
            change = _(
                "Our staff check it before it is published. Upload the documents they need "
                "on your supplier profile."
            )
        else:
            change = _("Our staff check it before it is published; nothing to do for now.")
    else:
        problem = _("%(title)s: your %(where)s mentions “%(text)s”.") % {
            "title": title,
            "where": where,
            "text": text,
        }
        change = _("Products of this kind cannot be listed. Remove the wording if it is a mistake.")
    return {"problem": problem, "change": change}


def screening_advice(screening: dict | None) -> list[dict]:
    """Each match with its plain-language sentences; one per rule and field, so "Replica
    Louis Vuitton" and "Louis Vuitton" in the same title make one sentence, not two."""
    out: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for match in (screening or {}).get("matches", []):
        key = (match.get("rule", ""), field_name(match.get("field", "")))
        if key in seen:
            continue
        seen.add(key)
        out.append(
            {
                **match_advice(match),
                "action": match.get("action", ""),
                "rule": match.get("rule", ""),
                "clause": match.get("clause", ""),
            }
        )
    return out


_RULE_IDS = re.compile(r"\s*\((?:rules?: [^)]*|a previous staff decision)\)")


def without_rule_ids(message: str) -> str:
    """A stored transition message for the page: the "(rules: a.b, c.d)" part, which is for
    the record and the "why?" disclosure, taken out of the sentence."""
    return _RULE_IDS.sub("", message or "")
