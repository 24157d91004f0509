"""Who may use the portal: the shared token, a signed session cookie for people, CSRF tokens on forms.

The session is a cookie signed with HMAC-SHA256 under a key derived from the token (changing the
token logs everyone out); it holds a CSRF token and whether the login succeeded, nothing secret.
Tokens are compared as SHA-256 digests with hmac.compare_digest: constant time, whatever the length.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

COOKIE = "portal_session"
SESSION_SECONDS = 12 * 3600      # a working day
LOGIN_FORM_SECONDS = 3600        # an unauthenticated session only carries the login form's CSRF token


def token_matches(given: str | None, token: str) -> bool:
    if not given:
        return False
    return hmac.compare_digest(hashlib.sha256(given.encode("utf-8", "surrogateescape")).digest(),
                               hashlib.sha256(token.encode("utf-8")).digest())


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, _, value = (authorization or "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


@dataclass(frozen=True)
class Session:
    csrf: str
    authenticated: bool
    expires: int


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    def __init__(self, token: str):
        self._key = hmac.new(token.encode("utf-8"), b"retail-assets portal session v1", hashlib.sha256).digest()

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode("utf-8", "surrogateescape"), hashlib.sha256).digest())

    def new(self, authenticated: bool, now: float | None = None) -> Session:
        lifetime = SESSION_SECONDS if authenticated else LOGIN_FORM_SECONDS
        return Session(secrets.token_urlsafe(24), authenticated, int((now or time.time()) + lifetime))

    def dump(self, session: Session) -> str:
        payload = _b64(json.dumps({"c": session.csrf, "a": session.authenticated, "e": session.expires}).encode())
        return f"{payload}.{self._sign(payload)}"

    def load(self, cookie: str | None, now: float | None = None) -> Session | None:
        """The session in a cookie, if it is ours, intact and not expired."""
        payload, _, signature = (cookie or "").partition(".")
        if not payload or not hmac.compare_digest(signature.encode("utf-8", "surrogateescape"),
                                                  self._sign(payload).encode()):
            return None
        try:
            data = json.loads(_unb64(payload))
            session = Session(str(data["c"]), data["a"] is True, int(data["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires > (now or time.time()) else None


def csrf_matches(session: Session | None, submitted: str | None) -> bool:
    return bool(session and submitted) and hmac.compare_digest(
        session.csrf.encode(), str(submitted).encode("utf-8", "surrogateescape"))
