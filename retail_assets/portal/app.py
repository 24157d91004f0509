"""The portal's Starlette application: its parts, the routes, and two guards around every request.

- `BodyLimit`: a request body over its limit is refused with 413 before it fills a disk (uploads: the
  configured limit; any other form: 64 kB), whether it declares its length or not.
- `SecurityHeaders`: pages that only load their own stylesheet, never framed, never cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from retail_assets import settings
from retail_assets.landing.file_store import LandingFileStore
from retail_assets.landing.profiles import load_profiles
from retail_assets.portal import api, pages
from retail_assets.portal.audit_reader import UploadOutcomes
from retail_assets.portal.config import PortalConfig
from retail_assets.portal.intake import Intake
from retail_assets.portal.ledger import UploadLedger
from retail_assets.portal.sessions import SessionSigner
from retail_assets.warehouse.base import Warehouse

HERE = Path(__file__).parent
UPLOAD_PATHS = {"/uploads", "/api/uploads"}
FORM_LIMIT_BYTES = 64_000


@dataclass
class Portal:
    """Everything a route needs, built once per app."""

    config: PortalConfig
    ledger: UploadLedger
    outcomes: UploadOutcomes
    intake: Intake
    signer: SessionSigner
    templates: Jinja2Templates


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app, upload_limit: int):
        self.app, self.upload_limit = app, upload_limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            return await self.app(scope, receive, send)
        limit = self.upload_limit if scope["path"] in UPLOAD_PATHS else FORM_LIMIT_BYTES
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            return await _too_large(scope, send, limit)
        seen, started = 0, False

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
            return message

        async def tracked(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not started:
                await _too_large(scope, send, limit)


async def _too_large(scope, send, limit: int):
    text = f"the upload is over the portal's limit of {limit // 1_000_000 or limit} " + \
           ("MB for one request: send fewer or smaller files at once" if limit >= 1_000_000 else "bytes")
    response = (JSONResponse({"error": text}, status_code=413) if scope["path"].startswith("/api/")
                else PlainTextResponse(text, status_code=413))
    # The rest of the body is not read: the connection closes rather than drain it.
    response.headers["Connection"] = "close"
    await response(scope, None, send)


SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                                 b"frame-ancestors 'none'; base-uri 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *((n, v) for n, v in SECURITY_HEADERS if n not in names)]
            await send(message)

        await self.app(scope, receive, with_headers)


def build_app(config: PortalConfig, store: LandingFileStore, warehouse: Warehouse) -> Starlette:
    ledger = UploadLedger(config.ledger_path)
    outcomes = UploadOutcomes(warehouse)
    intake = Intake(store, ledger, outcomes, load_profiles(), settings.partitions_start(), config.max_request_bytes)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app = Starlette(routes=[
        *pages.routes(),
        *api.routes(),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ])
    app.state.portal = Portal(config, ledger, outcomes, intake, SessionSigner(config.token), templates)
    app.add_middleware(BodyLimit, upload_limit=config.max_request_bytes)
    app.add_middleware(SecurityHeaders)
    return app

