"""Pure rules about members: decided from plain data, no database."""

from __future__ import annotations

from dataclasses import dataclass

from tradepost.policy import ContractingEntity, ContractingPolicy, load_contracting_policy


@dataclass(frozen=True)
class EntityDecision:
    entity: ContractingEntity
    rule_id: str
    clause: str


def contracting_entity_for(
    *, site: str, country: str, access_country: str, policy: ContractingPolicy | None = None
) -> EntityDecision:
    """Clause 2.1: the Alibaba.com entity a member contracts with; 12.7 and 11.1 ride along.

    The first rule of the policy file that matches decides; the decision names that rule.
    """
    policy = policy or load_contracting_policy()
    facts = {"country": country.upper(), "access_country": access_country.upper()}
    for rule in policy.rules:
        if site not in rule.sites:
            continue
        for cond in rule.any:
            value = facts[cond.field]
            if cond.in_ is not None and value in policy.sets[cond.in_]:
                break
            if cond.not_in is not None and value not in policy.sets[cond.not_in]:
                break
        else:
            continue
        return EntityDecision(policy.entity(rule.entity), rule.id, rule.clause)
    raise LookupError(f"no clause 2.1 rule matches site={site} {facts}")  # policy gap


# Abuse throttles per client address (tradepost.ratelimit; limits in settings.RATE_LIMITS).
REGISTRATIONS_FROM_ADDRESS = (
    "Too many registrations from your address. Try again in {retry_after} seconds."
)
RESET_REQUESTS_FROM_ADDRESS = (
    "Too many password-reset requests from your address. Try again in {retry_after} seconds."
)
