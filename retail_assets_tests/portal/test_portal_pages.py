"""The pages' guards in-process (Starlette's TestClient): sessions, CSRF, escaping, headers, limits."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from retail_assets.landing.file_store import LocalFileStore
from retail_assets.portal.app import build_app
from retail_assets.portal.config import PortalConfig
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse

with warnings.catch_warnings():  # Starlette 1.x would rather have httpx2; httpx is what the project installs
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

TOKEN = "pages-test-token-0123456789"
STORES = (b"store_id,store_name,country,region,city,store_type,opened_on\n"
          b"S001,High Street,United Kingdom,London,London,flagship,2015-04-01\n")


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return tmp_path / "landing"


@pytest.fixture
def client(tmp_path: Path, landing: Path):
    store = LocalFileStore(landing_dir=str(landing), archive_dir=str(tmp_path / "archive"),
                           rejected_dir=str(tmp_path / "rejected"))
    config = PortalConfig(token=TOKEN, port=0, ledger_path=tmp_path / "portal" / "uploads.sqlite")
    app = build_app(config, store, DuckDBWarehouse(path=str(tmp_path / "warehouse.duckdb")))
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def logged_in(client: TestClient) -> str:
    """Log in; the CSRF token of the new session."""
    form = client.get("/login")
    assert client.post("/login", data={"csrf": csrf_of(form.text), "token": TOKEN}).status_code == 303
    return csrf_of(client.get("/uploads").text)


def test_pages_need_a_session(client):
    for path in ("/", "/uploads", "/uploads/abcdefghijkl", "/uploads/abcdefghijkl/rejected.csv"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] in {"/login", "/uploads"}
    assert client.get("/uploads", headers={"Authorization": f"Bearer {TOKEN}"}).headers["location"] == "/login", \
        "the API's token does not open the pages"


def test_login_needs_the_forms_csrf_and_the_token(client):
    form = client.get("/login")
    cookie = form.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    expired = client.post("/login", data={"token": TOKEN})
    assert expired.status_code == 400 and client.get("/uploads").status_code == 303
    wrong = client.post("/login", data={"csrf": csrf_of(expired.text), "token": TOKEN + "x"})
    assert wrong.status_code == 401 and "That token is not right" in wrong.text
    assert client.get("/uploads").status_code == 303
    assert logged_in(client) != csrf_of(wrong.text), "a login issues a new session"
    assert client.get("/uploads").status_code == 200
    assert TOKEN not in client.get("/uploads").text


def test_an_upload_without_the_sessions_csrf_is_refused_and_lands_nothing(client, landing):
    logged_in(client)
    for data in ({}, {"csrf": "forged"}):
        response = client.post("/uploads", data=data, files=[("file", ("stores_2024-03-01.csv", STORES))])
        assert response.status_code == 400 and "form has expired" in response.text
    assert not landing.exists() or not any(landing.iterdir())


def test_an_upload_lands_and_its_page_shows_it_waiting(client, landing):
    csrf = logged_in(client)
    response = client.post("/uploads", data={"csrf": csrf}, files=[("file", ("stores_2024-03-01.csv", STORES))])
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert 'data-status="waiting"' in page.text and '<meta http-equiv="refresh" content="5">' in page.text
    assert (landing / "stores_2024-03-01.csv").read_bytes() == STORES
    assert client.post("/uploads", data={"csrf": csrf}).headers["location"] == "/uploads?error=choose"


def test_a_hostile_file_name_is_shown_as_text(client, landing):
    csrf = logged_in(client)
    name = '<img src=x onerror=alert(1)>"stores_2024-03-01.csv'
    response = client.post("/uploads", data={"csrf": csrf}, files=[("file", (name, STORES))])
    page = client.get(response.headers["location"])
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text
    assert 'data-status="rejected"' in page.text and not landing.exists()


def test_pages_carry_the_security_headers(client):
    headers = client.get("/login").headers
    assert "default-src 'none'" in headers["content-security-policy"] and "frame-ancestors 'none'" in headers[
        "content-security-policy"]
    assert (headers["x-frame-options"], headers["x-content-type-options"], headers["cache-control"]) == (
        "DENY", "nosniff", "no-store")
    assert "server" not in headers or "uvicorn" not in headers.get("server", "")


def test_the_api_does_not_take_the_session_cookie(client):
    logged_in(client)
    assert client.get("/api/uploads/abcdefghijkl").status_code == 401


def test_a_large_form_is_refused_before_it_is_read(client):
    assert client.post("/login", content=b"a" * 70_000,
                       headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 413


def test_logout_needs_its_csrf(client):
    csrf = logged_in(client)
    assert client.post("/logout", data={}).headers["location"] == "/uploads"
    assert client.get("/uploads").status_code == 200, "still logged in"
    assert client.post("/logout", data={"csrf": csrf}).headers["location"] == "/login"
    assert client.get("/uploads").status_code == 303
