"""Uploaded files under /media/: the app decides who may have a file, then sends it or lets
the web server send it.

- Listing images (`listings/...`) and storefront logos and banners (`suppliers/...`) are
  public: anyone who can see a listing may load them. Their names are ours and never reused
  (a random UUID; a changed image is a new name), so they are cached for a year as
  `immutable`: a browser never asks again.
- Certification documents (`certifications/...`) are evidence for staff review (clause 4.4)
  and stay private: only their supplier and staff get them; everyone else gets the same 404
  as for a file that does not exist. They are sent as downloads
  (`Content-Disposition: attachment`), never rendered in the site's origin.

`settings.MEDIA_SENDFILE` picks how the bytes travel: "" streams the file from the app (the
embedded default, `make run`); "x-accel-redirect" answers with an `X-Accel-Redirect` to
`MEDIA_ACCEL_PREFIX` + the path, which nginx serves from an `internal` location;
"x-sendfile" answers with `X-Sendfile: <absolute path>` (Apache mod_xsendfile, lighttpd).
Every answer carries `X-Content-Type-Options: nosniff` (SecurityMiddleware).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.utils._os import safe_join
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe

from tradepost.catalog import selectors
from tradepost.errors import NotFound
from tradepost.members.models import User
from tradepost.members.services import api_token_authenticate

CONTENT_TYPES = {
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}
PUBLIC_MAX_AGE = 365 * 24 * 60 * 60
PUBLIC_DIRS = (selectors.LISTING_IMAGE_DIR, selectors.SUPPLIER_IMAGE_DIR)


def _viewer(request: HttpRequest) -> User | AnonymousUser:
    """The session user, or the owner of a bearer token (API clients fetch their files)."""
    if request.user.is_authenticated:
        return request.user
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() == "bearer":
        token = api_token_authenticate(raw.strip())
        if token is not None:
            request.auth = token.user  # type: ignore[attr-defined]  # read by cachecontrol
            return token.user
    return AnonymousUser()


def _local_path(name: str) -> Path:
    try:
        path = Path(safe_join(settings.MEDIA_ROOT, name))
    except (SuspiciousFileOperation, ValueError):
        raise Http404("File not found.") from None
    if not path.is_file():
        raise Http404("File not found.")
    return path


@require_safe
def media_file(request: HttpRequest, path: str) -> HttpResponseBase:
    """GET /media/<path>: a listing image to anyone, a certification to its owner and staff."""
    name = path.lstrip("/")
    extension = Path(name).suffix.lower()
    if extension not in CONTENT_TYPES or "\\" in name or "\0" in name:
        raise Http404("File not found.")
    if name.startswith(PUBLIC_DIRS):
        private = False
    elif name.startswith(selectors.CERTIFICATION_DIR):
        try:
            selectors.certification_document_for_viewer(user=_viewer(request), name=name)
        except NotFound:
            raise Http404("File not found.") from None
        private = True
    else:
        raise Http404("File not found.")
    local = _local_path(name)
    response = _send(local, name, content_type=CONTENT_TYPES[extension], attachment=private)
    if private:
        add_never_cache_headers(response)
    else:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE, immutable=True)
    return response


def _send(local: Path, name: str, *, content_type: str, attachment: bool) -> HttpResponseBase:
    mode = settings.MEDIA_SENDFILE
    if mode == "":
        return FileResponse(local.open("rb"), content_type=content_type, as_attachment=attachment)
    response = HttpResponse(content_type=content_type)
    if mode == "x-accel-redirect":
        response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + name
    else:
        response["X-Sendfile"] = str(local)
    if attachment:
        response["Content-Disposition"] = f'attachment; filename="{local.name}"'
    return response
