"""Receiving a file (land, refuse, re-sends of the same day) and who may: tokens, sessions, CSRF, settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from retail_assets.landing.file_store import LocalFileStore
from retail_assets.landing.profiles import load_profiles
from retail_assets.portal.config import PortalConfigError, portal_config
from retail_assets.portal.intake import Intake
from retail_assets.portal.ledger import UploadLedger
from retail_assets.portal.outcome import UploadStatus
from retail_assets.portal.sessions import SessionSigner, bearer_token, csrf_matches, token_matches
from retail_assets.warehouse.base import WarehouseBusy

STORES = (b"store_id,store_name,country,region,city,store_type,opened_on\n"
          b"S001,High Street,United Kingdom,London,London,flagship,2015-04-01\n")
CORRECTED = STORES.replace(b"High Street", b"High St.")


class FakeOutcomes:
    """The audit as the intake asks it: whether an earlier identical upload was refused by the pipeline."""

    def __init__(self, status: str = "loaded", busy: bool = False):
        self.verdict, self.busy = status, busy

    def status(self, upload):
        if self.busy:
            raise WarehouseBusy("a run writes")
        return UploadStatus(upload.id, upload.original_name, self.verdict)


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(landing_dir=str(tmp_path / "landing"), archive_dir=str(tmp_path / "archive"),
                          rejected_dir=str(tmp_path / "rejected"))


def intake(store, tmp_path, outcomes=None) -> Intake:
    return Intake(store, UploadLedger(tmp_path / "uploads.sqlite"), outcomes or FakeOutcomes(), load_profiles(),
                  "2010-12-01", 1_000_000)


def landed(store) -> dict[str, bytes]:
    return {f.name: store.read_bytes(f.name) for f in store.list_files()}


def test_a_good_file_lands_under_its_canonical_name_and_is_noted(store, tmp_path):
    portal = intake(store, tmp_path)
    upload = portal.receive("C:\\shop\\stores_2024-03-01.csv", STORES, "page")
    assert landed(store) == {"stores_2024-03-01.csv": STORES}
    assert (upload.original_name, upload.landed_name, upload.partition, upload.refused_reason) == (
        "C:\\shop\\stores_2024-03-01.csv", "stores_2024-03-01.csv", "2024-03-01", None)
    assert portal.ledger.get(upload.id) == upload


def test_a_refused_file_never_reaches_the_landing_zone(store, tmp_path):
    portal = intake(store, tmp_path)
    upload = portal.receive("stores_2024-03-01.csv", b"\x89PNG\r\n\x1a\n\0\0", "api")
    assert landed(store) == {} and upload.landed_name is None
    assert "a PNG image" in upload.refused_reason and portal.ledger.get(upload.id).refused_reason == upload.refused_reason


def test_the_same_file_twice_is_refused_the_second_time(store, tmp_path):
    portal = intake(store, tmp_path)
    first = portal.receive("stores_2024-03-01.csv", STORES, "page")
    store.archive(first.landed_name, "2024-03-01", first.sha256)  # processed
    again = portal.receive("stores_2024-03-01.csv", STORES, "page")
    assert "same file as the one received" in again.refused_reason and landed(store) == {}


def test_the_same_file_again_after_the_pipeline_refused_it_lands(store, tmp_path):
    portal = intake(store, tmp_path, FakeOutcomes("rejected"))
    first = portal.receive("stores_2024-03-01.csv", STORES, "page")
    store.reject(first.landed_name, "dated too far ahead")
    again = portal.receive("stores_2024-03-01.csv", STORES, "page")
    assert again.refused_reason is None and landed(store) == {"stores_2024-03-01.csv": STORES}


def test_a_busy_warehouse_counts_an_identical_resend_as_a_repeat(store, tmp_path):
    portal = intake(store, tmp_path, FakeOutcomes(busy=True))
    portal.receive("stores_2024-03-01.csv", STORES, "page")
    assert "same file" in portal.receive("stores_2024-03-01.csv", STORES, "page").refused_reason


def test_a_correction_waits_until_the_first_file_is_processed_then_lands(store, tmp_path):
    portal = intake(store, tmp_path)
    first = portal.receive("stores_2024-03-01.csv", STORES, "page")
    early = portal.receive("stores_2024-03-01.csv", CORRECTED, "page")
    assert "is still waiting to be processed" in early.refused_reason and "received" in early.refused_reason
    assert landed(store) == {"stores_2024-03-01.csv": STORES}, "the waiting file is never replaced under the pipeline"
    store.archive(first.landed_name, "2024-03-01", first.sha256)
    later = portal.receive("stores_2024-03-01.csv", CORRECTED, "page")
    assert later.refused_reason is None and landed(store) == {"stores_2024-03-01.csv": CORRECTED}


def test_a_store_failure_is_a_refusal_to_send_again(store, tmp_path, monkeypatch):
    portal = intake(store, tmp_path)

    def full(name, content):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(LocalFileStore, "write", lambda self, name, content: full(name, content))
    upload = portal.receive("stores_2024-03-01.csv", STORES, "api")
    assert "could not store the file" in upload.refused_reason and upload.landed_name is None


# --- tokens, sessions, CSRF ----------------------------------------------------------------


TOKEN = "a-long-shared-portal-token"


def test_tokens_compare_whole():
    assert token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN[:-1], TOKEN) and not token_matches(TOKEN + "x", TOKEN)
    assert not token_matches("", TOKEN) and not token_matches(None, TOKEN)
    assert not token_matches("\udcff", TOKEN)


@pytest.mark.parametrize("header, token", [(f"Bearer {TOKEN}", TOKEN), (f"bearer  {TOKEN} ", TOKEN),
                                           (f"Basic {TOKEN}", None), ("Bearer", None), (None, None), (TOKEN, None)])
def test_bearer_token(header, token):
    assert bearer_token(header) == token


def test_a_session_cookie_is_signed_and_expires():
    signer = SessionSigner(TOKEN)
    session = signer.new(authenticated=True, now=1_000)
    cookie = signer.dump(session)
    assert signer.load(cookie, now=1_001) == session
    assert signer.load(cookie, now=session.expires) is None, "expired"
    assert SessionSigner(TOKEN + "2").load(cookie, now=1_001) is None, "a new token logs everyone out"
    payload, signature = cookie.split(".")
    forged = SessionSigner("attacker-chosen-token").dump(signer.new(authenticated=True, now=9_000)).split(".")[0]
    for tampered in (f"{forged}.{signature}", f"{payload}.{signature[:-2]}AA", payload, "", "..", "x.y", "é.é"):
        assert signer.load(tampered, now=1_001) is None, tampered
    login_form = signer.new(authenticated=False, now=1_000)
    assert not login_form.authenticated and login_form.expires < session.expires


def test_csrf_needs_the_sessions_own_token():
    session = SessionSigner(TOKEN).new(authenticated=True)
    assert csrf_matches(session, session.csrf)
    assert not csrf_matches(session, session.csrf[:-1]) and not csrf_matches(session, None)
    assert not csrf_matches(None, session.csrf) and not csrf_matches(session, "")


def test_the_portal_will_not_start_without_a_good_token(tmp_path, monkeypatch):
    monkeypatch.setenv("RETAIL_DATA_DIR", str(tmp_path))
    for environ, message in (({}, "RETAIL_PORTAL_TOKEN is not set"), ({"RETAIL_PORTAL_TOKEN": "  "}, "is not set"),
                             ({"RETAIL_PORTAL_TOKEN": "short"}, "at least 16 characters"),
                             ({"RETAIL_PORTAL_TOKEN": TOKEN, "RETAIL_PORTAL_PORT": "http"}, "whole number"),
                             ({"RETAIL_PORTAL_TOKEN": TOKEN, "RETAIL_PORTAL_PORT": "70000"}, "between 1 and 65535")):
        with pytest.raises(PortalConfigError, match=message):
            portal_config(environ)
    config = portal_config({"RETAIL_PORTAL_TOKEN": TOKEN})
    assert (config.host, config.port, config.ledger_path) == ("127.0.0.1", 8040, tmp_path / "portal" / "uploads.sqlite")
    assert TOKEN not in repr(config) and TOKEN not in str(config)
    assert portal_config({"RETAIL_PORTAL_TOKEN": TOKEN, "RETAIL_PORTAL_PORT": "8123"}).port == 8123
