"""The JSON API for tills and scripts: `Authorization: Bearer <token>`, no cookies, no CSRF.

POST /api/uploads      multipart, one or more fields named `file` -> 201 {"uploads": [{id, file, status, reason}]}
                       one entry per file in the order sent, files refused at once included (status rejected)
GET  /api/uploads/<id> -> {id, file, status, rows_read, rows_loaded, rows_rejected, rows_duplicate, reason}
                       503 with Retry-After while a run holds the warehouse
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from retail_assets.portal.config import MAX_FILES_PER_REQUEST
from retail_assets.portal.ledger import is_upload_id
from retail_assets.portal.outcome import status_of
from retail_assets.portal.sessions import bearer_token, token_matches
from retail_assets.warehouse.base import WarehouseBusy

RETRY_AFTER_SECONDS = 5


def _unauthorised() -> Response:
    return JSONResponse({"error": "send the portal token as Authorization: Bearer <token>"}, status_code=401,
                        headers={"WWW-Authenticate": 'Bearer realm="retail-assets portal"'})


def _authorised(request: Request) -> bool:
    return token_matches(bearer_token(request.headers.get("authorization")), request.app.state.portal.config.token)


async def post_uploads(request: Request) -> Response:
    if not _authorised(request):
        return _unauthorised()
    try:
        form = await request.form(max_files=MAX_FILES_PER_REQUEST, max_fields=MAX_FILES_PER_REQUEST)
    except MultiPartException as exc:
        return JSONResponse({"error": f"the request is not a readable multipart form: {exc}"}, status_code=400)
    try:
        sent = form.getlist("file")
        if not sent:
            return JSONResponse({"error": "no field named file: send each file as a multipart field named file"},
                                status_code=400)
        intake, entries = request.app.state.portal.intake, []
        for item in sent:
            if isinstance(item, UploadFile):
                name, content = item.filename or "", await item.read()
            else:  # a text field named file: recorded and refused like a file without a name
                name, content = "", str(item).encode("utf-8", "surrogateescape")
            upload = await run_in_threadpool(intake.receive, name, content, "api")
            status = status_of(upload, [])
            entries.append({"id": upload.id, "file": status.file, "status": status.status, "reason": status.reason})
    finally:
        await form.close()
    return JSONResponse({"uploads": entries}, status_code=201)


async def get_upload(request: Request) -> Response:
    if not _authorised(request):
        return _unauthorised()
    upload_id = request.path_params["upload_id"]
    portal = request.app.state.portal
    upload = portal.ledger.get(upload_id) if is_upload_id(upload_id) else None
    if upload is None:
        return JSONResponse({"error": "no upload with this id"}, status_code=404)
    try:
        status = await run_in_threadpool(portal.outcomes.status, upload)
    except WarehouseBusy:
        return JSONResponse({"error": "the warehouse is busy loading files: ask again shortly"}, status_code=503,
                            headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
    return JSONResponse(status.api())


def routes() -> list[Route]:
    return [
        Route("/api/uploads", post_uploads, methods=["POST"]),
        Route("/api/uploads/{upload_id}", get_upload, methods=["GET"]),
    ]
