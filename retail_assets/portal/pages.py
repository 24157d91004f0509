"""The pages shop managers use: login, upload with the recent uploads, one page per upload, its rejected rows.

Every form carries the session's CSRF token and every page but the login needs a logged-in session.
An upload's page refreshes itself (a meta refresh: the pages run no script) until it is processed.
"""

from __future__ import annotations

import json
import time

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from retail_assets.landing.limits import human_bytes
from retail_assets.portal.config import MAX_FILES_PER_REQUEST
from retail_assets.portal.intake import shown_time
from retail_assets.portal.ledger import is_upload_id
from retail_assets.portal.outcome import plain_words
from retail_assets.portal.rejected_csv import rejected_rows_csv
from retail_assets.portal.sessions import COOKIE, Session, csrf_matches, token_matches
from retail_assets.portal.validation import expected_names
from retail_assets.warehouse.base import WarehouseBusy

REFRESH_SECONDS = 5
ROWS_SHOWN = 200        # rejected rows on the page; the CSV has them all


def _portal(request: Request):
    return request.app.state.portal


def _session(request: Request) -> Session | None:
    return _portal(request).signer.load(request.cookies.get(COOKIE))


def _with_session(response: Response, request: Request, session: Session | None) -> Response:
    if session is None:
        response.delete_cookie(COOKIE, path="/")
    else:
        response.set_cookie(COOKIE, _portal(request).signer.dump(session), path="/", httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", max_age=max(session.expires - int(time.time()), 0))
    return response


def _render(request: Request, template: str, session: Session | None, status_code: int = 200, **context) -> Response:
    context |= {"csrf": session.csrf if session else "", "logged_in": bool(session and session.authenticated),
                "shown_time": shown_time, "human_bytes": human_bytes}
    return _portal(request).templates.TemplateResponse(request, template, context, status_code=status_code)


def _to_login() -> Response:
    return RedirectResponse("/login", status_code=303)


async def home(request: Request) -> Response:
    return RedirectResponse("/uploads", status_code=303)


async def login_form(request: Request) -> Response:
    session = _session(request)
    if session and session.authenticated:
        return RedirectResponse("/uploads", status_code=303)
    session = session or _portal(request).signer.new(authenticated=False)
    return _with_session(_render(request, "login.html", session), request, session)


async def login(request: Request) -> Response:
    session = _session(request)
    form = await request.form()
    if not csrf_matches(session, form.get("csrf")):
        session = _portal(request).signer.new(authenticated=False)
        response = _render(request, "login.html", session, 400, error="This form has expired: please log in again.")
        return _with_session(response, request, session)
    if not token_matches(str(form.get("token", "")), _portal(request).config.token):
        return _render(request, "login.html", session, 401, error="That token is not right. Ask the person who "
                                                                   "supports the portal for the current one.")
    # A new session (and CSRF token) on login: nothing issued before it stays valid.
    session = _portal(request).signer.new(authenticated=True)
    return _with_session(RedirectResponse("/uploads", status_code=303), request, session)


async def logout(request: Request) -> Response:
    session = _session(request)
    form = await request.form()
    if csrf_matches(session, form.get("csrf")):
        return _with_session(_to_login(), request, None)
    return RedirectResponse("/uploads", status_code=303)


async def uploads_page(request: Request) -> Response:
    session = _session(request)
    if not (session and session.authenticated):
        return _to_login()
    portal = _portal(request)
    uploads = portal.ledger.recent()
    received = set(request.query_params.get("received", "").split(","))
    try:
        statuses, busy = await run_in_threadpool(portal.outcomes.statuses, uploads), False
    except WarehouseBusy:
        statuses, busy = {}, True
    waiting = any(u.id in received and not (statuses.get(u.id) and statuses[u.id].final) for u in uploads)
    return _render(request, "uploads.html", session, uploads=uploads, statuses=statuses, busy=busy,
                   received=received, refresh=REFRESH_SECONDS if waiting else None,
                   expected=expected_names(portal.intake.profiles), error=request.query_params.get("error"))


async def upload_files(request: Request) -> Response:
    session = _session(request)
    if not (session and session.authenticated):
        return _to_login()
    try:
        form = await request.form(max_files=MAX_FILES_PER_REQUEST, max_fields=10)
    except MultiPartException as exc:
        return _render(request, "message.html", session, 400, message=f"The upload could not be read: {exc}")
    try:
        if not csrf_matches(session, form.get("csrf")):
            return _render(request, "message.html", session, 400,
                           message="This form has expired: open the upload page again and send the files again.")
        files = [f for f in form.getlist("file") if isinstance(f, UploadFile) and (f.filename or f.size)]
        if not files:
            return RedirectResponse("/uploads?error=choose", status_code=303)
        ids = []
        for upload_file in files:
            content = await upload_file.read()
            upload = await run_in_threadpool(_portal(request).intake.receive, upload_file.filename or "", content, "page")
            ids.append(upload.id)
    finally:
        await form.close()
    target = f"/uploads/{ids[0]}" if len(ids) == 1 else f"/uploads?received={','.join(ids)}"
    return RedirectResponse(target, status_code=303)


def _upload_or_none(request: Request):
    upload_id = request.path_params["upload_id"]
    return _portal(request).ledger.get(upload_id) if is_upload_id(upload_id) else None


def _values(raw: str | None) -> str:
    """A rejected row's values as a person reads them: 'quantity: 0, unit_price: 33.99'."""
    record = json.loads(raw) if raw else {}
    return ", ".join(f"{k}: {v}" for k, v in record.items() if v is not None)


def _signed_in_upload(request: Request):
    """(session, upload, None) for a signed-in request naming a known upload, else (.., .., the answer)."""
    session = _session(request)
    if not (session and session.authenticated):
        return session, None, _to_login()
    upload = _upload_or_none(request)
    if upload is None:
        return session, None, _render(request, "message.html", session, 404,
                                      message="There is no upload with this address.")
    return session, upload, None


async def upload_page(request: Request) -> Response:
    session, upload, answer = _signed_in_upload(request)
    if answer is not None:
        return answer
    portal = _portal(request)
    try:
        status = await run_in_threadpool(portal.outcomes.status, upload)
        rejected = (await run_in_threadpool(portal.outcomes.rejected_rows, upload, None, ROWS_SHOWN)
                    if status.rows_rejected else None)
    except WarehouseBusy:
        return _render(request, "upload.html", session, upload=upload, status=None, busy=True, rejected=None,
                       refresh=REFRESH_SECONDS)
    rows = [] if rejected is None else [
        {"row": int(r.row_number), "reasons": r.dq_errors, "values": _values(r.raw_record)} for r in rejected.itertuples()]
    return _render(request, "upload.html", session, upload=upload, status=status, busy=False, sentence=plain_words(status),
                   rejected=rows, rows_shown=ROWS_SHOWN, refresh=None if status.final else REFRESH_SECONDS)


async def rejected_csv(request: Request) -> Response:
    session, upload, answer = _signed_in_upload(request)
    if answer is not None:
        return answer
    try:
        rows = await run_in_threadpool(_portal(request).outcomes.rejected_rows, upload)
    except WarehouseBusy:
        return _render(request, "message.html", session, 503, message="The warehouse is busy loading files: "
                                                                      "try again in a moment.")
    stem = (upload.landed_name or "upload").rsplit(".", 1)[0]
    return Response(rejected_rows_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{stem}_rejected_rows.csv"'})


def routes() -> list[Route]:
    return [
        Route("/", home),
        Route("/login", login_form, methods=["GET"]),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/uploads", uploads_page, methods=["GET"]),
        Route("/uploads", upload_files, methods=["POST"]),
        Route("/uploads/{upload_id}", upload_page, methods=["GET"]),
        Route("/uploads/{upload_id}/rejected.csv", rejected_csv, methods=["GET"]),
    ]
