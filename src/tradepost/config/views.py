"""Site-wide error pages that need the request (the base template shows who is logged in)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400 for a request Django cannot read (a form upload with a broken multipart body):
    a message in words on the page, never a 500."""
    return render(request, "bad_request.html", status=400)
