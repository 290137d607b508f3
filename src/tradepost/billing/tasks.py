"""Background tasks of the billing app (django-tasks). Thin: each calls one service.

The subscription rows are the source of truth: `period_end` is stored, a lost task changes
nothing, and the next sweep renews (or lapses) whatever came due.
"""

from __future__ import annotations

from django_tasks import task


@task()
def renew_due_subscriptions() -> int:
    """Charge the next period of every subscription whose period ended, or let it lapse
    (not renewed, service withdrawn, payment refused): how many were handled."""
    from tradepost.billing.services.subscriptions import subscriptions_renew_due

    return subscriptions_renew_due()
