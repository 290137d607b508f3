"""The WSGI application the live-server tests run under gunicorn `--preload`: the URL
configuration (the ninja API with its schemas) is built once in the master before it forks
its workers, so every worker answers its first request at once."""

from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018
connections.close_all()
