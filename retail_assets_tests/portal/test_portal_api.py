"""The JSON API on a real server (python -m retail_assets.portal) and a real ingestion (python -m retail_assets.ingest).

One data root for the module: uploads, an ingestion, the statuses against audit.file_loads; then a
corrected file for the same day, a second ingestion, and the first upload shown as replaced.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date, timedelta

import httpx
import pytest

from retail_assets_tests.portal.live import DAY, TOKEN, PortalServer, audit_rows, exports, run_ingestion

POS = f"pos_sales_{DAY}.csv"
ONLINE = f"online_sales_{DAY}.ndjson"
CUSTOMERS = f"customers_{DAY}.xlsx"
AHEAD = f"pos_sales_{date.today() + timedelta(days=30)}.csv"  # the sensor refuses it: a wrong till clock


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("portal_api") / "data"


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, bytes]:
    return exports(tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="module")
def server(data_dir, tmp_path_factory):
    portal = PortalServer(data_dir, tmp_path_factory.mktemp("logs") / "portal.log", RETAIL_PORTAL_MAX_UPLOAD_MB="1")
    portal.start()
    yield portal
    portal.stop()


@pytest.fixture(scope="module")
def sent(server, files):
    """Several files in one request, good and bad, in this order."""
    with server.api() as api:
        response = api.post("/api/uploads", files=[
            ("file", (POS, files[POS], "text/csv")),
            ("file", ("notes.txt", b"Monday: till 2 jammed", "text/plain")),
            ("file", (ONLINE, files[ONLINE], "application/x-ndjson")),
            ("file", (f"stores_{DAY}.csv", b"\x00\x01garbage\xff\xfe" * 50, "text/csv")),
            ("file", (CUSTOMERS, files[CUSTOMERS], "application/octet-stream")),
            ("file", (AHEAD, files[POS], "text/csv")),
        ])
    assert response.status_code == 201, response.text
    return response.json()["uploads"]


@pytest.fixture(scope="module")
def ingested(sent, data_dir):
    return run_ingestion(data_dir)


def test_without_the_token_the_api_answers_401(server):
    for headers in ({}, {"Authorization": "Bearer wrong-token-of-some-length"}, {"Authorization": f"Basic {TOKEN}"},
                    {"Authorization": TOKEN}):
        response = httpx.post(f"{server.url}/api/uploads", headers=headers, files=[("file", (POS, b"x"))])
        assert response.status_code == 401 and response.headers["www-authenticate"].startswith("Bearer")
        assert httpx.get(f"{server.url}/api/uploads/abcdefghijkl", headers=headers).status_code == 401
    assert not (server.data_dir / "landing").exists() or not any((server.data_dir / "landing").iterdir())


def test_several_files_answer_one_entry_each_in_the_order_sent(sent, data_dir):
    assert [(u["file"], u["status"]) for u in sent] == [
        (POS, "waiting"), ("notes.txt", "rejected"), (ONLINE, "waiting"), (f"stores_{DAY}.csv", "rejected"),
        (CUSTOMERS, "waiting"), (AHEAD, "waiting")]
    assert all(set(u) == {"id", "file", "status", "reason"} for u in sent)
    assert len({u["id"] for u in sent}) == len(sent)
    assert "'notes.txt' is not one of our exports" in sent[1]["reason"]
    assert "this is a binary file, not CSV text" in sent[3]["reason"], "garbage is refused by its content"
    landing = sorted(p.name for p in (data_dir / "landing").iterdir())
    assert landing == sorted([POS, ONLINE, CUSTOMERS, AHEAD]), "refused files never reach the landing zone"


def test_before_ingestion_a_landed_file_is_waiting(server, sent):
    with server.api() as api:
        body = api.get(f"/api/uploads/{sent[0]['id']}").json()
    assert body == {"id": sent[0]["id"], "file": POS, "status": "waiting", "rows_read": 0, "rows_loaded": 0,
                    "rows_rejected": 0, "rows_duplicate": 0, "reason": "waiting to be processed"}


def test_after_ingestion_every_status_is_the_audits(server, sent, ingested, data_dir, files):
    audit = audit_rows(data_dir)
    with server.api() as api:
        bodies = [api.get(f"/api/uploads/{u['id']}").json() for u in sent]
    assert [b["status"] for b in bodies] == ["loaded_with_rejects", "rejected", "loaded", "rejected", "loaded", "rejected"]
    for body, name in ((bodies[0], POS), (bodies[2], ONLINE), (bodies[4], CUSTOMERS), (bodies[5], AHEAD)):
        row = audit[(name, hashlib.sha256(files[POS] if name == AHEAD else files[name]).hexdigest())]
        assert {k: body[k] for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_duplicate")} == {
            k: int(row[k]) for k in ("rows_read", "rows_loaded", "rows_rejected", "rows_duplicate")}, name
        assert row["status"] == ("rejected" if name == AHEAD else "loaded")
    assert bodies[0]["rows_rejected"] == 1 and bodies[0]["reason"].startswith("1 row could not be loaded: quantity")
    assert "days after today" in bodies[5]["reason"] and bodies[5]["reason"] == audit[
        (AHEAD, hashlib.sha256(files[POS]).hexdigest())]["reason"], "the pipeline's own reason"
    assert bodies[1]["reason"] == sent[1]["reason"] and bodies[1]["rows_read"] == 0


def test_a_corrected_file_for_the_same_day_replaces_the_first(server, sent, ingested, data_dir, files):
    corrected = files[POS].replace(b",two,", b",2,")
    assert corrected != files[POS]
    with server.api() as api:
        again = api.post("/api/uploads", files=[("file", (POS, files[POS]))]).json()["uploads"][0]
        assert again["status"] == "rejected" and "same file" in again["reason"]
        new = api.post("/api/uploads", files=[("file", (POS, corrected))]).json()["uploads"][0]
        assert new["status"] == "waiting"
        run_ingestion(data_dir)
        first, second = (api.get(f"/api/uploads/{u}").json() for u in (sent[0]["id"], new["id"]))
    assert second["status"] == "loaded" and second["rows_rejected"] == 0 and second["rows_loaded"] == second["rows_read"]
    assert first["status"] == "loaded" and first["rows_loaded"] == 0 and "replaced by a later upload" in first["reason"]


def test_while_a_run_writes_the_warehouse_the_api_says_try_again(server, sent, ingested, data_dir):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('open', flush=True); "
                               "sys.stdin.read()", str(data_dir / "warehouse.duckdb")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        with server.api() as api:
            response = api.get(f"/api/uploads/{sent[0]['id']}")
        assert response.status_code == 503 and response.headers["retry-after"] == "5"
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)


def test_unknown_ids_bad_requests_and_oversized_bodies(server):
    with server.api() as api:
        assert api.get("/api/uploads/doesnotexist0").status_code == 404
        assert api.get("/api/uploads/..%2f..%2fetc").status_code == 404
        assert api.post("/api/uploads", files=[("other", (POS, b"x"))]).status_code == 400
        assert api.post("/api/uploads", content=b"not multipart", headers={"Content-Type": "text/plain"}).status_code == 400
        big = api.post("/api/uploads", files=[("file", (POS, b"a" * 1_500_000))])
        assert big.status_code == 413 and "over the portal's limit of 1 MB" in big.json()["error"]


def test_the_token_never_reaches_the_servers_log(server, sent):
    assert server.log() and TOKEN not in server.log()


def test_the_portal_refuses_to_start_without_a_token(tmp_path):
    portal = PortalServer(tmp_path / "data", tmp_path / "portal.log", token="")
    with pytest.raises(RuntimeError, match="RETAIL_PORTAL_TOKEN is not set"):
        portal.start(timeout=120)
    assert portal.process.returncode == 2
