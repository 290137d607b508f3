"""`disclosure.toml`: information requests to members (clauses 5.9, 7.5) and the data
categories a disclosure request may cover (clause 6.4), validated at load."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, model_validator

from tradepost.policy import POLICY_DIR, PolicyError, _Strict, load_toml


class InformationRequestPolicy(_Strict):
    min_deadline_hours: int = Field(ge=1)
    max_deadline_days: int = Field(ge=1, le=365)
    answer_max_chars: int = Field(ge=100, le=100_000)
    max_files: int = Field(ge=0, le=50)
    max_file_mb: int = Field(ge=1, le=100)
    deadline_action: Literal["suspend", "restrict"]

    @model_validator(mode="after")
    def _window_is_open(self) -> InformationRequestPolicy:
        if self.min_deadline_hours >= self.max_deadline_days * 24:
            raise ValueError("min_deadline_hours must be shorter than max_deadline_days")
        return self


class DataCategory(_Strict):
    key: str = ""
    title: str
    description: str
    attachments: bool


class DisclosurePolicy(_Strict):
    information_requests: InformationRequestPolicy
    categories: dict[str, DataCategory] = Field(min_length=1)

    def category(self, key: str) -> DataCategory:
        return self.categories[key].model_copy(update={"key": key})

    @property
    def category_keys(self) -> tuple[str, ...]:
        return tuple(self.categories)


def parse_disclosure_policy(data: dict) -> DisclosurePolicy:
    try:
        return DisclosurePolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"disclosure.toml: {exc}") from exc


@cache
def load_disclosure_policy() -> DisclosurePolicy:
    return parse_disclosure_policy(load_toml(POLICY_DIR / "disclosure.toml"))
