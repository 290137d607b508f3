from django.apps import AppConfig


class TrustConfig(AppConfig):
    """Trust & Safety owns enforcement (clauses 4.5, 6.1-6.5); it sits above members and catalog,
    so one of its actions can take effect in every app below it in one transaction."""

    name = "tradepost.trust"
    verbose_name = "Trust & Safety"

    def ready(self) -> None:
        """Clause 6.2: the apps below ask `tradepost.gates` at each entry point; the
        disciplinary actions answer."""
        from tradepost import gates
        from tradepost.trust.selectors import actions as action_selectors
        from tradepost.trust.services import actions as action_services

        gates.register(
            feature=action_selectors.feature_allowed,
            listing_cap=action_selectors.listing_cap_in_force,
            search_hidden=action_selectors.search_hidden_member_pks,
            expire_due=action_services.expire_due_hook,
        )
