"""`screening.toml`: sanctions name screening (clauses 5.6 (k), 5.13): the words name matching
ignores, the review and hold scores, and the weights of secondary identifiers, validated at
load."""

from __future__ import annotations

from functools import cache

import pycountry
from pydantic import Field, model_validator

from tradepost.policy import POLICY_DIR, PolicyError, _Strict, load_toml


class ScreeningWeights(_Strict):
    country_match: float = Field(default=0.03, ge=0, le=0.5)
    country_mismatch: float = Field(default=-0.05, ge=-0.5, le=0)
    birth_date_exact: float = Field(default=0.05, ge=0, le=0.5)
    birth_year_close: float = Field(default=0.02, ge=0, le=0.5)
    birth_year_far: float = Field(default=-0.10, ge=-0.5, le=0)
    identifier_match: float = Field(default=0.10, ge=0, le=0.5)


class ScreeningPolicy(_Strict):
    review_score: float = Field(ge=0, le=1)
    hold_score: float = Field(ge=0, le=1)
    legal_forms: frozenset[str] = frozenset()
    legal_forms_native: tuple[str, ...] = ()
    titles: frozenset[str] = frozenset()
    stopwords: frozenset[str] = frozenset()
    weights: ScreeningWeights = ScreeningWeights()
    # Country names as the lists write them that ISO 3166 does not know ("Korea, North",
    # "Burma"), casefolded, to their alpha-2 code.
    country_names: dict[str, str] = {}

    @model_validator(mode="after")
    def _ordered_scores(self) -> ScreeningPolicy:
        if self.hold_score < self.review_score:
            raise ValueError("hold_score must not be below review_score")
        for name in ("legal_forms", "titles", "stopwords"):
            for word in getattr(self, name):
                if not word or word != word.casefold() or not word.isalnum():
                    raise ValueError(f"{name}: {word!r} must be one lower-case word")
        for written, code in self.country_names.items():
            if written != written.casefold().strip():
                raise ValueError(f"country_names: {written!r} must be written casefolded")
            if pycountry.countries.get(alpha_2=code) is None:
                raise ValueError(f"country_names: {code!r} is not an ISO 3166 alpha-2 code")
        return self


def parse_screening_policy(data: dict) -> ScreeningPolicy:
    try:
        return ScreeningPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"screening.toml: {exc}") from exc


@cache
def load_screening_policy() -> ScreeningPolicy:
    return parse_screening_policy(load_toml(POLICY_DIR / "screening.toml"))


def review_score() -> float:
    """Clause 5.13: the score from which a hit is queued for compliance review."""
    return load_screening_policy().review_score


def hold_score() -> float:
    """Clause 5.13: the score from which a hit also restricts the member pending review."""
    return load_screening_policy().hold_score
