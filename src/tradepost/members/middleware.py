"""Session idle and absolute timeouts (ASVS 3.3), from settings."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

SESSION_STARTED = "_tp_started"
SESSION_SEEN = "_tp_seen"
# The last-seen time is written at most this often (seconds), to spare a session write per
# request; never less often than a quarter of the idle timeout, so short timeouts stay exact.
SEEN_WRITE_INTERVAL = 60


def mark_session_start(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now


class SessionTimeoutMiddleware:
    """Ends a session idle longer than SESSION_IDLE_TIMEOUT or older than
    SESSION_ABSOLUTE_TIMEOUT.

    The check runs in `process_view`, after every middleware's request phase, so the user
    and the message store (installed later in MIDDLEWARE) are both available.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        user = getattr(request, "user", None)
        if user is None or not hasattr(request, "session") or not user.is_authenticated:
            return None
        now = int(time.time())
        started = request.session.get(SESSION_STARTED, now)
        seen = request.session.get(SESSION_SEEN, now)
        idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
        absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
        if now - seen > idle or now - started > absolute:
            logout(request)
            messages.info(request, "Your session expired. Please log in again.", fail_silently=True)
            return None
        if SESSION_STARTED not in request.session:
            request.session[SESSION_STARTED] = now
        if SESSION_SEEN not in request.session or now - seen >= min(SEEN_WRITE_INTERVAL, idle / 4):
            request.session[SESSION_SEEN] = now
        return None
