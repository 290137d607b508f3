"""Idempotency-Key for requests that move money (IETF draft "The Idempotency-Key HTTP Header
Field", Stripe's practice), as one helper every such endpoint wraps its work in.

- no key where one is required: 400 `idempotency_key_required`;
- the same key with another request (method, path or body): 422 `idempotency_key_reused`;
- a retry while the first request still runs: 409 `idempotency_key_in_progress`;
- a finished request: its stored status and body again (`replayed`).

The claim is its own committed row (the unique user+key constraint decides a race), so a
concurrent retry sees it at once. The work and the stored answer commit together; a domain
error is an answer too and is stored; an unexpected failure (a 500) drops the claim so the
client may retry. A claim left running past its lease (its process died) may be taken over.
Keys belong to the user and are kept `idempotency_retention_hours` (24 h or more).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from tradepost.errors import Conflict, DomainError, InvalidInput
from tradepost.policy.trade import load_trade_policy
from tradepost.trade.models.idempotency import IdempotencyKey, IdempotencyStatus

MAX_KEY_LENGTH = 255


class IdempotencyKeyRequired(DomainError):
    code = "idempotency_key_required"
    status = 400


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"


class IdempotencyKeyInProgress(Conflict):
    code = "idempotency_key_in_progress"


@dataclass(frozen=True)
class IdempotentResponse:
    status: int
    body: str
    content_type: str = "application/json"
    replayed: bool = False


def request_fingerprint(*, method: str, path: str, body: bytes) -> str:
    """SHA-256 of the method, path and body; a JSON body in canonical form, so key order and
    spacing do not make two equal requests differ."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":"))
        payload = canonical.encode()
    except (ValueError, UnicodeDecodeError):
        payload = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), payload):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _key_check(key: str | None) -> str:
    key = (key or "").strip()
    if not key:
        raise IdempotencyKeyRequired(
            "Send an Idempotency-Key header (a unique value per operation) with this request."
        )
    if len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            f"The Idempotency-Key is at most {MAX_KEY_LENGTH} printable characters.",
            code="idempotency_key_invalid",
        )
    return key


def _stored(row: IdempotencyKey) -> IdempotentResponse:
    return IdempotentResponse(
        status=row.response_status or 200,
        body=row.response_body,
        content_type=row.response_content_type or "application/json",
        replayed=True,
    )


def _claim(
    *, user: Any, key: str, method: str, path: str, fingerprint: str, now: datetime
) -> IdempotencyKey | IdempotentResponse:
    """The new claim on `key`, or the stored answer of a finished request; raises on reuse
    with another request or while the first still runs."""
    policy = load_trade_policy().payments
    lease = timedelta(seconds=policy.idempotency_lease_seconds)
    fields = {
        "fingerprint": fingerprint,
        "method": method.upper(),
        "path": path[:255],
        "status": IdempotencyStatus.RUNNING,
        "locked_until": now + lease,
        "created_at": now,
        "expires_at": now + timedelta(hours=policy.idempotency_retention_hours),
    }
    # A new key is claimed by its INSERT alone (one statement in its own transaction).
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, **fields)
    except IntegrityError:
        pass
    row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is not None and row.expires_at <= now:
        # A key past its retention is gone: forget it (conditionally) and claim afresh, in
        # one transaction (the savepoint keeps the forgetting when another claim wins).
        with transaction.atomic():
            IdempotencyKey.objects.filter(pk=row.pk, expires_at__lte=now).delete()
            try:
                with transaction.atomic():
                    return IdempotencyKey.objects.create(user=user, key=key, **fields)
            except IntegrityError:
                pass
        row = IdempotencyKey.objects.filter(user=user, key=key).first()
    if row is None:
        raise IdempotencyKeyInProgress("A request with this Idempotency-Key is being handled.")
    if row.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was used for another request; use a new key."
        )
    if row.status == IdempotencyStatus.DONE:
        return _stored(row)
    if row.locked_until > now:
        raise IdempotencyKeyInProgress(
            "A request with this Idempotency-Key is still running; retry later.",
            extra={"retry_after": max(1, int((row.locked_until - now).total_seconds()))},
        )
    # The first request's process died: take its claim over, if no one else did first.
    taken = IdempotencyKey.objects.filter(
        pk=row.pk, status=IdempotencyStatus.RUNNING, locked_until=row.locked_until
    ).update(locked_until=now + lease)
    if not taken:
        raise IdempotencyKeyInProgress("A request with this Idempotency-Key is being handled.")
    row.locked_until = now + lease
    return row


def _finish(row: IdempotencyKey, status: int, body: str, now: datetime) -> None:
    IdempotencyKey.objects.filter(pk=row.pk).update(
        status=IdempotencyStatus.DONE,
        response_status=status,
        response_body=body,
        response_content_type="application/json",
        completed_at=now,
    )


def idempotent_call(
    *,
    user: Any,
    key: str | None,
    method: str,
    path: str,
    body: bytes,
    run: Callable[[], tuple[int, Any]],
    required: bool = True,
    now: datetime | None = None,
) -> IdempotentResponse:
    """Run `run` (which returns a status and a JSON-able body, or raises a `DomainError`) at
    most once per user and key, and answer what it answered. Without a key and not
    `required`, `run` simply runs."""
    if not (key or "").strip() and not required:
        try:
            status, payload = run()
        except DomainError as exc:
            status, payload = exc.status, {"error": exc.as_dict()}
        return IdempotentResponse(status, json.dumps(payload, cls=DjangoJSONEncoder))
    key = _key_check(key)
    now = now or timezone.now()
    fingerprint = request_fingerprint(method=method, path=path, body=body)
    claim = _claim(user=user, key=key, method=method, path=path, fingerprint=fingerprint, now=now)
    if isinstance(claim, IdempotentResponse):
        return claim
    try:
        with transaction.atomic():
            status, payload = run()
            text = json.dumps(payload, cls=DjangoJSONEncoder)
            _finish(claim, status, text, timezone.now())
    except DomainError as exc:
        status, text = exc.status, json.dumps({"error": exc.as_dict()}, cls=DjangoJSONEncoder)
        _finish(claim, status, text, timezone.now())
    except BaseException:
        IdempotencyKey.objects.filter(pk=claim.pk, status=IdempotencyStatus.RUNNING).delete()
        raise
    return IdempotentResponse(status, text)


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Forget the keys past their retention; how many were removed."""
    deleted, _ = IdempotencyKey.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
