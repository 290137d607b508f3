"""Writing a parsed clause tree as Clause rows.

Takes the Clause model as an argument so the import service (real model) and the data
migration (`apps.get_model`) write trees the same way. One bulk insert per tree depth.
"""

from __future__ import annotations

import itertools
from typing import Any

from tradepost.terms.parsing import ParsedPart, ParsedSubItem


def clause_rows_create(*, clause_model: Any, version: Any, part: ParsedPart) -> int:
    """Create the rows for `part` under `version` in document order; return how many."""
    positions = itertools.count(1)
    levels: list[list[Any]] = []

    def add(depth: int, row: Any) -> None:
        while len(levels) <= depth:
            levels.append([])
        levels[depth].append(row)

    def walk(items: tuple[ParsedSubItem, ...], parent: Any, depth: int) -> None:
        for item in items:
            row = clause_model(
                version=version,
                parent=parent,
                number=item.number,
                label=item.label,
                section=parent.section,
                text=item.text,
                position=next(positions),
            )
            add(depth, row)
            walk(item.sub_items, row, depth + 1)

    for clause in part.clauses:
        row = clause_model(
            version=version,
            parent=None,
            number=clause.number,
            label=clause.number,
            section=clause.section,
            heading=clause.heading,
            lead_in=clause.lead_in,
            text=clause.text,
            closing_text=clause.closing_text,
            position=next(positions),
        )
        add(0, row)
        walk(clause.sub_items, row, 1)

    for rows in levels:
        created = clause_model.objects.bulk_create(rows)
        if any(row.pk is None for row in created):  # backends that return no ids
            raise RuntimeError("bulk_create did not return primary keys for clause rows")
    return sum(len(rows) for rows in levels)
