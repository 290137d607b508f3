"""Session idle and absolute timeouts (ASVS 3.3), from settings."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

SESSION_STARTED = "_tp_started"
SESSION_SEEN = "_tp_seen"


def mark_session_start(request) -> None:
    now = int(time.time())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.get(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if now - seen > idle or now - started > absolute:
                logout(request)
                messages.info(request, "Your session expired. Please log in again.")
            else:
                if SESSION_STARTED not in request.session:
                    request.session[SESSION_STARTED] = now
                if now - seen >= 60:  # write at most once a minute
                    request.session[SESSION_SEEN] = now
        return self.get_response(request)
