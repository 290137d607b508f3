"""Background tasks of the trade app (django-tasks). Thin: each calls one service.

The order rows are the source of truth, not the queue: each deadline (`pay_by`,
`receipt_due_at`, `release_at`) is stored on the order, a lost task changes nothing, and the
order moves anyway when it is next read or when `orders_timers_sweep` runs.
"""

from __future__ import annotations

from django_tasks import task

from tradepost.pauses import pausable


@task()
@pausable
def order_timers_run_task(order_id: int) -> str:
    """Run the timers of one order that came due (issue 11: unpaid close, auto-confirm)."""
    from tradepost.trade.models.orders import Order
    from tradepost.trade.services.orders import order_timers_run

    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return "gone"
    return order_timers_run(order=order).status


@task()
@pausable
def orders_timers_sweep() -> int:
    """Every order with a timer due (a safety net behind the per-order tasks)."""
    from tradepost.trade.services.orders import orders_timers_run_due

    return orders_timers_run_due()


@task()
@pausable
def idempotency_keys_purge_task() -> int:
    """Forget Idempotency-Keys past their retention (24 h or more)."""
    from tradepost.trade.services.idempotency import idempotency_keys_purge

    return idempotency_keys_purge()


@task()
@pausable
def dispute_timers_run_task(dispute_id: int) -> str:
    """Escalate one dispute automatically on day 8 (issue 11, clause 7.3)."""
    from tradepost.trade.models.disputes import Dispute
    from tradepost.trade.services.disputes import dispute_timers_run

    dispute = Dispute.objects.filter(pk=dispute_id).first()
    if dispute is None:
        return "gone"
    return dispute_timers_run(dispute=dispute).status


@task()
@pausable
def disputes_timers_sweep() -> int:
    """Every dispute due for automatic escalation (a safety net behind the per-dispute task)."""
    from tradepost.trade.services.disputes import disputes_timers_run_due

    return disputes_timers_run_due()
