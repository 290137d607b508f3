"""`penalties.toml`: penalty points, IP strikes, what each complaint ground earns, and the
notice and counter-notice of rights claims (clauses 5.4, 6.1 iv, 6.2, 6.3, 6.5), validated at
load."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from tradepost.policy import POLICY_DIR, PolicyError, _Strict, load_toml
from tradepost.policy.actions import ActionsPolicy, load_actions_policy

ActionKind = Literal[
    "warn",
    "restrict",
    "suspend",
    "terminate",
    "remove_listings",
    "cap_listings",
    "restrict_feature",
]
Ground = Literal["6.3 a", "6.3 b", "6.3 c", "6.3 d", "6.5", "5.4"]
GROUNDS: tuple[Ground, ...] = ("6.3 a", "6.3 b", "6.3 c", "6.3 d", "6.5", "5.4")


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
    return name


class PrescribedAction(_Strict):
    """One disciplinary action of clause 6.2 a threshold prescribes."""

    kind: ActionKind
    days: int | None = Field(default=None, ge=1, le=3650)
    feature: str = ""
    # The clause this action relies on when the threshold's does not grant this kind of
    # measure (`kind_clauses` in actions.toml): one threshold may prescribe several kinds.
    clause: str = ""

    @model_validator(mode="after")
    def _feature_only_when_restricting_one(self) -> PrescribedAction:
        if (self.kind == "restrict_feature") != bool(self.feature):
            raise ValueError("restrict_feature needs a feature, and only it takes one")
        return self


class Threshold(_Strict):
    id: str
    clause: str
    label: str
    automatic: bool
    actions: list[PrescribedAction] = Field(min_length=1)


class PointsThreshold(Threshold):
    points: int = Field(ge=1)


class StrikeThreshold(Threshold):
    strikes: int = Field(ge=1)


def _ascending(values: list[int], what: str) -> None:
    if values != sorted(set(values)):
        raise ValueError(f"{what} must be strictly ascending")


class PointsPolicy(_Strict):
    lifetime_days: int = Field(ge=1, le=3650)
    same_day_cap: int = Field(ge=1)
    timezone: str = "UTC"
    thresholds: list[PointsThreshold] = Field(min_length=1)

    _zone = field_validator("timezone")(_zone)

    @model_validator(mode="after")
    def _ordered(self) -> PointsPolicy:
        _ascending([t.points for t in self.thresholds], "points thresholds")
        return self


class StrikesPolicy(_Strict):
    group_days: int = Field(ge=0, le=365)
    lifetime_days: int = Field(ge=1, le=3650)
    thresholds: list[StrikeThreshold] = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> StrikesPolicy:
        _ascending([t.strikes for t in self.thresholds], "strike thresholds")
        return self


class GroundPolicy(_Strict):
    label: str
    points: int = Field(ge=0, le=1000)
    strike: bool = False


class IPClaimsPolicy(_Strict):
    max_listings: int = Field(ge=1, le=10_000)
    counter_notice_working_days: int = Field(ge=1, le=60)
    timezone: str = "UTC"
    holidays: frozenset[date] = frozenset()
    max_documents: int = Field(ge=1, le=50)

    _zone = field_validator("timezone")(_zone)


class PenaltiesPolicy(_Strict):
    points: PointsPolicy
    strikes: StrikesPolicy
    grounds: dict[Ground, GroundPolicy]
    ip_claims: IPClaimsPolicy

    @model_validator(mode="after")
    def _every_ground(self) -> PenaltiesPolicy:
        missing = sorted(set(GROUNDS) - set(self.grounds))
        if missing:
            raise ValueError(f"grounds {missing} have no entry")
        return self


def parse_penalties_policy(data: dict) -> PenaltiesPolicy:
    try:
        return PenaltiesPolicy.model_validate(data)
    except ValueError as exc:
        raise PolicyError(f"penalties.toml: {exc}") from exc


def check_prescribed_clauses(policy: PenaltiesPolicy, actions: ActionsPolicy) -> None:
    """Every prescribed action cites a clause that grants its kind (clause 6.2,
    `kind_clauses` in actions.toml): its own `clause`, or else the threshold's."""
    thresholds: list[Threshold] = [*policy.points.thresholds, *policy.strikes.thresholds]
    for threshold in thresholds:
        for step in threshold.actions:
            clause = step.clause or threshold.clause
            allowed = actions.kind_clauses[step.kind]
            if clause not in allowed:
                raise PolicyError(
                    f"penalties.toml: threshold {threshold.id!r} prescribes {step.kind} citing "
                    f"{clause!r}; a {step.kind} may rely on {allowed}"
                )


@cache
def load_penalties_policy() -> PenaltiesPolicy:
    policy = parse_penalties_policy(load_toml(POLICY_DIR / "penalties.toml"))
    check_prescribed_clauses(policy, load_actions_policy())
    return policy
