"""Sanctions screening thresholds (clauses 5.6 (k), 5.13): policy/screening.toml."""

from __future__ import annotations

from functools import cache

from pydantic import Field, model_validator

from tradepost.policy import POLICY_DIR, PolicyError, _Strict, load_toml


class ScreeningPolicy(_Strict):
    review_score: float = Field(gt=0, le=1)
    hold_score: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _hold_above_review(self) -> ScreeningPolicy:
        if self.hold_score < self.review_score:
            raise ValueError("hold_score must not be below review_score")
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
