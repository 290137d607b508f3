"""Background tasks of Promotion Services (django-tasks). Thin: each calls one service."""

from __future__ import annotations

from django_tasks import task


@task()
def promotions_enforce_task() -> int:
    """Clause 2.6 and 6.2: record the stop of promotions of members enforcement stopped."""
    from tradepost.billing.services.promotions import promotions_enforce_all

    return promotions_enforce_all()
