"""Security for the diary's pages and API: the session cookie and CSRF tokens.

- The session cookie is HttpOnly, SameSite=Lax, Secure when the page is served over https, and
  holds a random secret whose hash is the session's key in the database.
- Every form carries a CSRF token: the session's own token once signed in, otherwise a random
  token also set in an HttpOnly cookie (double submit). A cross-site ``Origin`` is refused too.
- Diary and account answers are sent with ``Cache-Control: no-store``, and every answer with the
  security headers (CSP without inline script, nosniff, Referrer-Policy, frame-ancestors 'none'),
  by ``web.middleware``, which also limits request bodies and rates.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response

from twitchcheck.errors import TwitchcheckError

SESSION_COOKIE = "tc_session"
CSRF_COOKIE = "tc_csrf"
SESSION_MAX_AGE = 14 * 24 * 3600


def is_https(request: Request) -> bool:
    """Whether the page was requested over https (directly or through a trusted proxy)."""
    return request.url.scheme == "https"


def set_session_cookie(response: Response, request: Request, value: str) -> None:
    """Set the signed-in cookie."""
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
        path="/",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    """Remove the signed-in cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=is_https(request))


def anonymous_csrf(request: Request) -> str:
    """The CSRF token for forms shown before signing in (from its cookie, or a new one)."""
    token = request.cookies.get(CSRF_COOKIE)
    if token and 20 <= len(token) <= 100:
        return token
    token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
    request.state.new_csrf = token
    return token


def remember_anonymous_csrf(request: Request, response: Response) -> None:
    """Set the CSRF cookie if this request made a new token."""
    token = getattr(request.state, "new_csrf", None)
    if token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", secure=is_https(request), path="/")


def check_origin(request: Request) -> None:
    """Refuse a form posted from another site (when the browser says where it came from)."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = request.headers.get("host", "")
        if urlsplit(origin).netloc != host:
            raise TwitchcheckError("forbidden", "csrf_failed", "This form was sent from another site and was refused.")


def check_csrf(request: Request, sent: str | None, expected: str | None) -> None:
    """Refuse a form without the right CSRF token."""
    check_origin(request)
    if not sent or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise TwitchcheckError(
            "forbidden", "csrf_failed", "This form has expired. Please reload the page and try again."
        )


def safe_next(target: str | None, default: str = "/diary") -> str:
    """A local address to go to after signing in (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def client_address(request: Request) -> str:
    """The client's address, for the sign-in rate limit."""
    return request.client.host if request.client else "unknown"
