"""Issue 11 against a real server process: N parallel pay, confirm-receipt (the release) and
cancel (the refund) requests for one order, sent over HTTP at once to a separate gunicorn
process (several worker processes, several threads each) that serves the same test database
the test writes to: on SQLite the test database file (WAL, IMMEDIATE transactions; see
tests/conftest.py), on PostgreSQL the test database pytest-django created. Exactly one
request succeeds; every other one gets a clear 409 or the idempotent replay, never a 5xx; the
order's ledger holds the one money movement and the whole ledger balances.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.factories import staff_create
from tests.trade.orders_helpers import make_parties, new_key, order_at
from tradepost.members.services import api_token_create

pytestmark = pytest.mark.django_db(transaction=True)

N = 12
PORTS = range(8141, 8150)
WORKERS = 3
THREADS = 4
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 30.0


# --- The server process ------------------------------------------------------------------------


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    offset: int = field(default=0)

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode(errors="replace")

    def log_size(self) -> int:
        return self.log.stat().st_size


def _listening_socket() -> socket.socket:
    """A loopback socket bound to the first free port of PORTS (else any free port) and
    listening; gunicorn inherits it, so two test workers never race for one port."""
    for port in [*PORTS, 0]:
        sock = socket.socket()
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.close()
            continue
        sock.listen(128)
        sock.set_inheritable(True)
        return sock
    raise AssertionError("no free loopback port")


def _database_url() -> str:
    """The URL of the database this test process uses right now (the test database)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            pytest.fail("the live server needs a SQLite test database file (tests/conftest.py)")
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    base = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(base._replace(path=f"/{db['NAME']}"))


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)  # gunicorn's quick shutdown
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def live_server_process(django_db_setup, django_db_blocker) -> Iterator[LiveServer]:
    """gunicorn serving `tradepost` on a free loopback port against the test database, ready
    when it answers; stopped (the master and its workers) after the module."""
    with django_db_blocker.unblock():
        database_url = _database_url()
        connection.close()
    sock = _listening_socket()
    port = sock.getsockname()[1]
    log = Path(tempfile.mkstemp(prefix="tradepost-live-", suffix=".log")[1])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tradepost.config.test_settings",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "TRADEPOST_DATA_DIR": str(settings.DATA_DIR),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    command = [
        *(sys.executable, "-m", "gunicorn", "tests.trade.live_wsgi:application"),
        *("--bind", f"fd://{sock.fileno()}", "--preload"),
        *("--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS)),
        *("--timeout", "60", "--graceful-timeout", "2", "--log-level", "warning"),
        *("--error-logfile", "-"),
    ]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command,
            cwd=Path(__file__).resolve().parents[2],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            pass_fds=(sock.fileno(),),
        )
    sock.close()
    server = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log=log)
    started = time.monotonic()
    try:
        deadline = started + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"the server exited ({process.returncode}):\n{server.log_since(0)}")
            status, _, _ = _request(server.url, "GET", "/api/v1/orders", timeout=2)
            if status == 401:
                print(f"server up in {time.monotonic() - started:.1f} s")
                break
            if time.monotonic() > deadline:
                log_text = server.log_since(0)
                pytest.fail(f"the server did not answer in {START_TIMEOUT} s:\n{log_text}")
            time.sleep(0.1)
        yield server
    finally:
        _stop(process)
        log.unlink(missing_ok=True)


@pytest.fixture
def live(live_server_process: LiveServer, bundled_terms) -> Iterator[LiveServer]:
    """The server, with what it logged during the test printed afterwards (pytest shows it
    when the test fails)."""
    offset = live_server_process.log_size()
    yield live_server_process
    logged = live_server_process.log_since(offset)
    if logged:
        print(f"--- server log ---\n{logged}")


# --- HTTP ----------------------------------------------------------------------------------------


def _request(
    base: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body); status 0 when nothing answered."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method)  # noqa: S310
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, {}, b""


@dataclass(frozen=True)
class Answer:
    status: int
    code: str
    replayed: bool
    body: bytes


def _answer(status: int, headers: dict[str, str], body: bytes) -> Answer:
    code = ""
    if status != 200:
        try:
            code = json.loads(body)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = f"<not the API's error shape: {body[:200]!r}>"
    return Answer(status, code, headers.get("Idempotent-Replayed") == "true", body)


def race(n: int, send: Callable[[int], tuple[int, dict[str, str], bytes]]) -> list[Answer]:
    """Send `n` requests from `n` threads released at once by a barrier."""
    barrier = threading.Barrier(n)
    answers: list[Answer | None] = [None] * n

    def worker(i: int) -> None:
        barrier.wait(timeout=REQUEST_TIMEOUT)
        answers[i] = _answer(*send(i))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * REQUEST_TIMEOUT)
    assert all(a is not None for a in answers), "a request thread did not finish"
    return [a for a in answers if a is not None]


def tally(answers: list[Answer]) -> Counter[tuple[int, str]]:
    counts = Counter((a.status, a.code) for a in answers)
    print(f"outcome: {dict(counts)}")
    return counts


# --- Data ----------------------------------------------------------------------------------------


def token_for(member_or_user: Any) -> str:
    user = getattr(member_or_user, "user", member_or_user)
    return api_token_create(user=user, name="live")[1]


@dataclass(frozen=True)
class Deal:
    order_id: int
    buyer: str
    supplier: str
    staff: str


def deal_at(status: str) -> Deal:
    """A committed order at `status` with bearer tokens for its parties and a ledger staff."""
    buyer, supplier, listing = make_parties()
    order = order_at(status, buyer, supplier, listing)
    staff = staff_create(username=f"ledger-{order.pk}", role="Trust & safety agent")
    return Deal(order.pk, token_for(buyer), token_for(supplier), token_for(staff))


def get_json(live: LiveServer, path: str, token: str) -> Any:
    status, _, body = _request(live.url, "GET", path, token=token)
    assert status == 200, body
    return json.loads(body)


def ledger_kinds(live: LiveServer, deal: Deal) -> Counter[str]:
    """How many transactions of each kind the order's ledger holds (over the API)."""
    entries = get_json(live, f"/api/v1/orders/{deal.order_id}/ledger", deal.buyer)["entries"]
    return Counter(kind for _, kind in {(e["transaction"], e["kind"]) for e in entries})


def ledger_balanced(live: LiveServer, deal: Deal) -> dict[str, Any]:
    check = get_json(live, "/api/v1/staff/ledger/check", deal.staff)
    return {k: check[k] for k in ("balanced", "unbalanced", "negative_escrow")}


BALANCED = {"balanced": True, "unbalanced": [], "negative_escrow": []}


def pay_sender(live: LiveServer, deal: Deal, keys: list[str]) -> Callable[[int], Any]:
    def send(i: int) -> tuple[int, dict[str, str], bytes]:
        return _request(
            live.url,
            "POST",
            f"/api/v1/orders/{deal.order_id}/pay",
            token=deal.buyer,
            body={"method": "test_card"},
            headers={"Idempotency-Key": keys[i]},
        )

    return send


# --- Tests ---------------------------------------------------------------------------------------


def test_parallel_payments_with_their_own_keys_pay_once(live):
    deal = deal_at("accepted")
    keys = [new_key() for _ in range(N)]

    answers = race(N, pay_sender(live, deal, keys))

    assert tally(answers) == Counter({(200, ""): 1, (409, "order_invalid_transition"): N - 1})
    order = get_json(live, f"/api/v1/orders/{deal.order_id}", deal.buyer)
    assert (order["status"], order["paid"]) == ("paid", order["total"])
    assert order["held"] == order["total"]
    assert [e["action"] for e in order["events"]].count("pay") == 1
    assert ledger_kinds(live, deal) == Counter({"payment": 1})
    assert ledger_balanced(live, deal) == BALANCED


def test_parallel_retries_under_one_key_pay_once_and_replay_the_answer(live):
    deal = deal_at("accepted")
    key = new_key()

    answers = race(N, pay_sender(live, deal, [key] * N))

    outcome = tally(answers)
    assert set(outcome) <= {(200, ""), (409, "idempotency_key_in_progress")}
    done = [a for a in answers if a.status == 200]
    assert [a.replayed for a in done].count(False) == 1
    assert {a.body for a in done} == {next(a.body for a in done if not a.replayed)}
    replay = _answer(*pay_sender(live, deal, [key])(0))
    assert (replay.status, replay.replayed, replay.body) == (200, True, done[0].body)
    assert get_json(live, f"/api/v1/orders/{deal.order_id}", deal.buyer)["status"] == "paid"
    assert ledger_kinds(live, deal) == Counter({"payment": 1})
    assert ledger_balanced(live, deal) == BALANCED


def test_parallel_receipt_confirmations_release_once(live):
    deal = deal_at("shipped")

    answers = race(
        N,
        lambda i: _request(
            live.url,
            "POST",
            f"/api/v1/orders/{deal.order_id}/confirm-receipt",
            token=deal.buyer,
            headers={"Idempotency-Key": new_key()} if i % 2 else None,
        ),
    )

    assert tally(answers) == Counter({(200, ""): 1, (409, "order_invalid_transition"): N - 1})
    order = get_json(live, f"/api/v1/orders/{deal.order_id}", deal.buyer)
    assert (order["status"], order["held"]) == ("completed", "0")
    assert ledger_kinds(live, deal) == Counter({"payment": 1, "release": 1, "fee": 1})
    assert ledger_balanced(live, deal) == BALANCED


def test_parallel_cancellations_of_a_paid_order_refund_once(live):
    deal = deal_at("paid")

    answers = race(
        N,
        lambda i: _request(
            live.url,
            "POST",
            f"/api/v1/orders/{deal.order_id}/cancel",
            token=deal.buyer if i % 2 else deal.supplier,
            body={"reason": f"race {i}"},
        ),
    )

    assert tally(answers) == Counter({(200, ""): 1, (409, "order_invalid_transition"): N - 1})
    order = get_json(live, f"/api/v1/orders/{deal.order_id}", deal.buyer)
    assert (order["status"], order["refunded"], order["held"]) == (
        "cancelled",
        order["total"],
        "0",
    )
    assert ledger_kinds(live, deal) == Counter({"payment": 1, "refund": 1})
    assert ledger_balanced(live, deal) == BALANCED


def test_cancel_racing_shipment_of_a_paid_order_one_wins_and_the_money_follows(live):
    deal = deal_at("paid")

    def send(i: int) -> tuple[int, dict[str, str], bytes]:
        if i % 2:
            return _request(
                live.url, "POST", f"/api/v1/orders/{deal.order_id}/cancel", token=deal.buyer
            )
        return _request(
            live.url,
            "POST",
            f"/api/v1/orders/{deal.order_id}/ship",
            token=deal.supplier,
            body={"carrier": "DHL", "tracking": f"JD{i:04d}"},
        )

    answers = race(N, send)

    assert tally(answers) == Counter({(200, ""): 1, (409, "order_invalid_transition"): N - 1})
    order = get_json(live, f"/api/v1/orders/{deal.order_id}", deal.buyer)
    if order["status"] == "cancelled":
        assert ledger_kinds(live, deal) == Counter({"payment": 1, "refund": 1})
    else:
        assert (order["status"], order["held"]) == ("shipped", order["total"])
        assert ledger_kinds(live, deal) == Counter({"payment": 1})
    assert ledger_balanced(live, deal) == BALANCED


@pytest.mark.parametrize(
    ("headers", "raw", "expected"),
    [
        ({}, b'{"method": "test_card"}', (400, "idempotency_key_required")),
        ({"Idempotency-Key": "k"}, b'{"method": "bitcoin"}', (422, "invalid_input")),
        ({"Idempotency-Key": "k"}, b'{"method": ', (400, "malformed_request")),
    ],
)
def test_bad_payment_requests_get_a_clear_4xx_from_the_server(live, headers, raw, expected):
    deal = deal_at("accepted")
    request = urllib.request.Request(  # noqa: S310
        f"{live.url}/api/v1/orders/{deal.order_id}/pay",
        data=raw,
        method="POST",
        headers={"Authorization": f"Bearer {deal.buyer}", "Content-Type": "application/json"},
    )

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT)  # noqa: S310

    answer = _answer(refused.value.code, dict(refused.value.headers), refused.value.read())
    assert (answer.status, answer.code) == expected
    assert ledger_kinds(live, deal) == Counter()
