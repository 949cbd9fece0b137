"""What every HTTP handler shares: JSON bodies, the signed-in officer, the kiosk, errors, and the
request guards that run before any route (CSRF, JSON shape limits).

Input hardening happens here once, for every route, whatever the route's own parsing: a JSON body
nested deeper than MAX_DEPTH, an integer outside the database's 64-bit range, a lone surrogate in
any string or a NaN/Infinity is a 4xx before a handler sees it. Path integers are bounded by the
`int` converter (`BoundedInt`), so 2^63 in a path is a 404 and never reaches the database."""
from __future__ import annotations

import json
import logging
import secrets
from urllib.parse import urlsplit

from flask import g, jsonify, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.routing import IntegerConverter

from db.models import Staff
from intranet_server.actions import ActionError, Forbidden, Invalid, Unauthorized
from intranet_server.actions import security
from intranet_server.actions.kiosks import authenticate_kiosk
from intranet_server.rules.limits import INT_MAX, INT_MIN
from intranet_server.schemas.errors import LANGUAGES, localize

log = logging.getLogger(__name__)
MAX_DEPTH = 32
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_HEADER = "X-CSRF-Token"
CSRF_COOKIE = "ptsa_csrf"

trusted_origins: set[str] = set()   # [security] trusted_origins: extra origins the pages are served from


class CsrfRefused(ActionError):
    status, code = 403, "csrf"

    def __init__(self, message: str):
        super().__init__(message)
        # a refused forgery is worth a line in the log: someone's page is attacking a booth
        log.warning("csrf refused: %s %s (%s)", request.method, request.path, message)


class BoundedInt(IntegerConverter):
    """`<int:...>` in every route: at most 18 digits and within the 64-bit range of the database."""
    regex = r"\d{1,18}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is `Secure` whenever the request came over HTTPS (ProxyFix sets the scheme
    behind nginx), so one settings file serves both plain intranet HTTP and HTTPS."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure

    def open_session(self, app, request):
        # no cookie (the kiosk, API clients, the board): an empty session without building the signer
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


# ---- bodies -------------------------------------------------------------------------------

def body(required: bool = True) -> dict:
    """The request's JSON object. A missing, malformed or non-object body is a 400."""
    if not request.data and not required:
        return {}
    if not request.is_json:
        raise ActionError("send the body as JSON with 'Content-Type: application/json'", code="bad_json")
    try:
        data = request.get_json(silent=True)
    except RecursionError:   # deep nesting ("[[[[…") is not caught by silent=True: a 500 without this
        raise ActionError("the body is nested too deeply", code="bad_json") from None
    if not isinstance(data, dict):
        raise ActionError("the body must be a JSON object", code="bad_json")
    return data


def _depth_ok(text: str, limit: int = MAX_DEPTH) -> bool:
    """Nesting depth of JSON text without parsing it (the parser itself recurses)."""
    depth, in_string, escaped = 0, False, False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def check_value(value, where: str = "body") -> None:
    """Every integer in the database's range, every string valid Unicode (no lone surrogates)."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, bool) or item is None or isinstance(item, float):
            continue
        if isinstance(item, int):
            if not INT_MIN <= item <= INT_MAX:
                raise Invalid(f"'{path}': angka di luar jangkauan / the number is out of range", code="invalid")
        elif isinstance(item, str):
            if not _valid_unicode(item):
                raise Invalid(f"'{path}': teks berisi karakter yang tidak sah / the text contains an invalid "
                              "character (a lone surrogate)",
                              code="invalid")
        elif isinstance(item, dict):
            for key, sub in item.items():
                if not _valid_unicode(key):
                    raise Invalid(f"'{path}': nama isian berisi karakter yang tidak sah / a field name contains an "
                                  "invalid character", code="invalid")
                stack.append((sub, key if path == "body" else f"{path}.{key}"))
        elif isinstance(item, list):
            stack.extend((sub, f"{path}.{i}") for i, sub in enumerate(item))


def _valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def guard_json() -> None:
    """Runs before every request: refuse JSON the handlers (or the database) cannot take."""
    if not request.data or not request.is_json:
        return
    try:
        text = request.data.decode("utf-8")
    except UnicodeDecodeError:
        raise ActionError("isi permintaan bukan UTF-8 / the body is not valid UTF-8", code="bad_json") from None
    if not _depth_ok(text):
        raise ActionError(f"isi permintaan bersarang lebih dari {MAX_DEPTH} tingkat / the body is nested deeper "
                          f"than {MAX_DEPTH} levels", code="bad_json", status=400)
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except ValueError:
        return   # malformed JSON: body() answers bad_json
    check_value(data)


def guard_args() -> None:
    for key, value in request.args.items(multi=True):
        if not _valid_unicode(key) or not _valid_unicode(value) or "\x00" in value:
            raise Invalid(f"parameter {key!r} berisi karakter yang tidak sah / query parameter {key!r} contains "
                          "an invalid character")


# ---- CSRF ---------------------------------------------------------------------------------

def _origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origin(origin: str | None, environ: dict | None = None) -> bool:
    """Is `origin` this server itself (scheme://host as the request names it) or a trusted one?"""
    if origin is None:
        return True    # not a browser (the kiosk, scripts): no cross-site request is possible
    environ = environ if environ is not None else request.environ
    scheme = environ.get("wsgi.url_scheme", "http")
    host = environ.get("HTTP_HOST", "")
    own = f"{scheme}://{host}".lower()
    return origin.lower() in ({own} | trusted_origins)


def _bearer() -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def check_csrf() -> None:
    """Every state-changing request from a browser: a same-origin Origin (or Referer), and, with a
    signed-in session, the session's token in the X-CSRF-Token header. Bearer-token callers (the kiosk,
    API clients) are exempt: a browser cannot attach an Authorization header to a cross-site request
    without a CORS preflight, which this server never grants, and no cookie authenticates them."""
    if request.method in SAFE_METHODS or _bearer():
        return
    origin = request.headers.get("Origin")
    if origin is not None:
        if not allowed_origin(origin.strip()):
            raise CsrfRefused(f"permintaan dari situs lain ditolak / cross-site request refused "
                              f"(Origin {origin[:80]!r})")
    else:
        referer = request.headers.get("Referer")
        if referer and not allowed_origin(_origin_of(referer) or "null"):
            raise CsrfRefused("permintaan dari situs lain ditolak / cross-site request refused (Referer of "
                              "another site)")
    row = current_session()
    if row is not None:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not secrets.compare_digest(sent, row.csrf_token):
            raise CsrfRefused("the CSRF token is missing or wrong; reload the page / "
                              "token keamanan tidak ada atau salah; muat ulang halaman")


# What a session signed in with a one-time password may still do on the API: change the password,
# sign out, read who it is (and sign in as someone else). Everything else is refused until then.
PASSWORD_CHANGE_OPEN = frozenset({"api.change_password", "api.logout", "api.logout_everywhere", "api.me",
                                  "api.login"})


def check_password_change() -> None:
    """The pages send such a session to /password; the API refuses it too, so a script holding the
    cookie cannot work around the screens (a kiosk or API client with a bearer token has no session)."""
    if not request.path.startswith("/api/") or request.endpoint in PASSWORD_CHANGE_OPEN or _bearer():
        return
    row = current_session() if session.get("sid") else None
    if row is not None and row.staff.must_change_password:
        raise Forbidden("Change your one-time password before you continue (POST /api/v1/auth/password).",
                        code="password_change_required")


# ---- who is asking ------------------------------------------------------------------------

def current_session():
    """The live StaffSession of this request's cookie (idle and lifetime applied), or None."""
    if "staff_session" not in g:
        g.staff_session = security.session_for(session.get("sid"))
    return g.staff_session


def current_staff(*roles: str) -> Staff:
    staff = g.get("staff")
    if staff is None and current_client() is not None:
        staff = g.staff = g.client.staff   # a unit's system works as its own receiver account
    if staff is None:
        row = current_session()
        if row is None:
            raise Unauthorized("sign in first (POST /api/v1/auth/login)")
        staff = g.staff = row.staff
    if roles and staff.role not in roles:
        raise Forbidden(f"this needs the role {' or '.join(roles)}; you are {staff.role}")
    return staff


def current_client():
    """The API client whose secret the request carries (`Authorization: Bearer ptsa_c_…`), or None."""
    if "client" not in g:
        from intranet_server.actions.integrations import SECRET_PREFIX, authenticate_client
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        secret = secret.strip()
        g.client = authenticate_client(secret) if scheme.lower() == "bearer" and \
            secret.startswith(SECRET_PREFIX) else None
    return g.client


def client_address() -> str:
    return request.remote_addr or ""


def current_kiosk():
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("this endpoint needs 'Authorization: Bearer <kiosk token>'")
    return authenticate_kiosk(token.strip())


def int_field(data: dict, name: str, required: bool = True):
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not INT_MIN <= value <= INT_MAX:
        raise Invalid(f"'{name}' must be a whole number")
    return value


def requester_language() -> str:
    """The signed-in staff's language, else the best of Accept-Language, else Indonesian."""
    staff = g.get("staff")
    if staff is None:
        try:
            row = current_session()
            staff = row.staff if row is not None else None
        except Exception:   # an error answer must not fail on the lookup (e.g. no database)
            staff = None
    if staff is not None and staff.language in LANGUAGES:
        return staff.language
    return request.accept_languages.best_match(LANGUAGES) or "id"


def error_body(code: str, message: str) -> dict:
    """`message` in the requester's language; the developer's English text stays in `detail`."""
    return {"error": code, "message": localize(code, message, requester_language()), "detail": message}


def error_response(exc: ActionError):
    response = jsonify(error_body(exc.code, exc.message))
    response.status_code = exc.status
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response
