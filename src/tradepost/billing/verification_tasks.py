"""Background tasks of verification (django-tasks). Thin: each calls one service.

Run `verifications_expire_task` daily (the queue's scheduler or cron enqueues it). The
public page and API check `expires_at` themselves, so a late run never shows a lapsed
verification there; the catalog's flag follows when the task runs."""

from __future__ import annotations

from django_tasks import task


@task()
def verifications_expire_task() -> int:
    """Clause 7.2: expire the verifications past their validity period."""
    from tradepost.billing.services.verification import verification_expire_due

    return verification_expire_due()
