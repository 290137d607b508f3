from __future__ import annotations

from pathlib import Path

import pytest

from tradepost.terms.models import TermsVersion
from tradepost.terms.services import ImportResult, terms_import

DATA = Path(__file__).parent / "data"


@pytest.fixture
def terms_path() -> Path:
    """Two parts: Part A effective March 1st, 2024, Part B effective November 2, 2023."""
    return DATA / "terms-two-parts.md"


@pytest.fixture
def terms_text(terms_path) -> str:
    return terms_path.read_text(encoding="utf-8")


@pytest.fixture
def no_versions(db) -> None:
    """Start without the versions the 0002/0004 migrations load from the bundled Terms."""
    TermsVersion.objects.all().delete()


@pytest.fixture
def imported(no_versions, terms_text) -> dict[str, TermsVersion]:
    result: ImportResult = terms_import(site="alibaba", text=terms_text, source_name="t.md")
    by_part = {v.label.split(":")[0]: v.version_pk for v in result.versions}
    return {
        "A": TermsVersion.objects.get(pk=by_part["Part A"]),
        "B": TermsVersion.objects.get(pk=by_part["Part B"]),
    }
