"""Pure rules about accepting the Terms (clauses 1.1, 1.3, 4.4): plain data in, a decision out.

Every decision names the rule and the clause that made it, so the gate's answer can be
explained to the member and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SensitiveAction(StrEnum):
    """The actions that need the member bound by the Terms in force (and by any Additional
    Agreement of the service). Every feature that performs one calls
    `terms.services.terms_acceptance_guard` with its name before doing anything."""

    POST_CONTENT = "post_content"  # listings, images, company information (3.7, 4.4)
    PLACE_ORDER = "place_order"
    ACCEPT_ORDER = "accept_order"
    PAY = "pay"  # subscribing to or paying for services (4.4)


ACTION_WORDS = {
    SensitiveAction.POST_CONTENT: "post content",
    SensitiveAction.PLACE_ORDER: "place an order",
    SensitiveAction.ACCEPT_ORDER: "accept an order",
    SensitiveAction.PAY: "pay for a service",
}


class Outcome(StrEnum):
    ALLOW = "allow"
    NEEDS_NOTICE = "needs_notice"  # the answer depends on whether the member was notified
    RECORD_CONTINUED_USE = "record_continued_use"
    REQUIRE_EXPLICIT = "require_explicit"


@dataclass(frozen=True)
class AcceptanceDecision:
    outcome: Outcome
    rule_id: str
    clause: str


CONTINUED_USE = "continued_use"
EXPLICIT = "explicit"


def terms_acceptance_decision(
    *,
    in_force_version_id: int,
    accepted_version_id: int | None,
    mode: str,
    notified: bool | None,
) -> AcceptanceDecision:
    """Whether a member may take a sensitive action under the version in force.

    `accepted_version_id` is the newest version the member accepted on the site; `mode` the
    site's acceptance mode; `notified` whether the member is deemed to have received notice of
    the version in force (clause 11.2), or None when not looked up yet.

    - Accepted the version in force: allowed.
    - Explicit mode: the member must click to accept it first.
    - Continued use, notified: the action is continued use after the amended Terms were
      posted and notified, so it records acceptance (1.3).
    - Continued use, not notified: still bound by the version accepted before; allowed, and
      nothing is recorded.
    """
    if accepted_version_id == in_force_version_id:
        return AcceptanceDecision(Outcome.ALLOW, "accepted-version-in-force", "1.1")
    if mode == EXPLICIT:
        return AcceptanceDecision(Outcome.REQUIRE_EXPLICIT, "explicit-reacceptance-required", "1.3")
    if mode != CONTINUED_USE:
        raise ValueError(f"unknown acceptance mode {mode!r}")
    if notified is None:
        return AcceptanceDecision(Outcome.NEEDS_NOTICE, "continued-use-needs-notice", "1.3")
    if notified:
        return AcceptanceDecision(
            Outcome.RECORD_CONTINUED_USE, "continued-use-after-notice", "1.3, 11.2"
        )
    return AcceptanceDecision(Outcome.ALLOW, "bound-by-accepted-version-until-notified", "1.3")
