"""A Flask test client that behaves like the pages' script: after signing in it sends the session's
CSRF token (from the `ptsa_csrf` cookie) in the X-CSRF-Token header of every request."""
from __future__ import annotations

from flask.testing import FlaskClient


class CsrfClient(FlaskClient):
    def open(self, *args, **kwargs):
        cookie = self.get_cookie("ptsa_csrf")
        if cookie is not None:
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRF-Token", cookie.value)
            kwargs["headers"] = headers
        return super().open(*args, **kwargs)
