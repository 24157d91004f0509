"""The portal's settings, from the environment (data root and warehouse come from retail_assets.settings).

RETAIL_PORTAL_TOKEN   the shared secret shop managers log in with and tills send as a Bearer token
                      (required, at least 16 characters: the portal refuses to start without it)
RETAIL_PORTAL_PORT    port on 127.0.0.1 (default 8040)
RETAIL_PORTAL_MAX_UPLOAD_MB  the most one request may carry, all its files together (default 100)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from retail_assets import settings

HOST = "127.0.0.1"  # behind a reverse proxy (TLS) when other machines need it; never bound wider here
DEFAULT_PORT = 8040
MIN_TOKEN_CHARS = 16
DEFAULT_MAX_UPLOAD_MB = 100
MAX_FILES_PER_REQUEST = 50


class PortalConfigError(ValueError):
    """The portal cannot start with this environment; str() says what to set."""


@dataclass(frozen=True)
class PortalConfig:
    token: str = field(repr=False)  # never in a log line, a traceback's locals or a page
    port: int = DEFAULT_PORT
    ledger_path: Path = Path("data/portal/uploads.sqlite")
    max_request_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1_000_000
    host: str = HOST


def _whole_number(environ: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = environ.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError:
        raise PortalConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise PortalConfigError(f"{name} must be between {low} and {high}, got {value}")
    return value


def portal_config(environ: Mapping[str, str] | None = None) -> PortalConfig:
    environ = os.environ if environ is None else environ
    token = environ.get("RETAIL_PORTAL_TOKEN", "")
    if not token.strip():
        raise PortalConfigError("RETAIL_PORTAL_TOKEN is not set: the portal will not start without a shared secret (make "
                                "one with: python -c 'import secrets; print(secrets.token_urlsafe(24))')")
    if len(token) < MIN_TOKEN_CHARS or token != token.strip():
        raise PortalConfigError(f"RETAIL_PORTAL_TOKEN must be at least {MIN_TOKEN_CHARS} characters, "
                                "without leading or trailing spaces")
    return PortalConfig(
        token=token,
        port=_whole_number(environ, "RETAIL_PORTAL_PORT", DEFAULT_PORT, 1, 65535),
        ledger_path=settings.data_dir() / "portal" / "uploads.sqlite",
        max_request_bytes=_whole_number(environ, "RETAIL_PORTAL_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB, 1, 10_000) * 1_000_000,
    )
