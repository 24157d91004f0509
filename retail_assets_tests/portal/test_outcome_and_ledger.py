"""The upload's status is the audit's verdict (pure), the ledger keeps only what was received, the CSV is safe."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from retail_assets.portal.ledger import Upload, UploadLedger, is_upload_id, new_upload_id
from retail_assets.portal.outcome import plain_words, rejection_summary, status_of
from retail_assets.portal.rejected_csv import rejected_rows_csv

LANDED = Upload(id="u1234567", original_name="Pos Sales.csv", landed_name="pos_sales_2024-03-01.csv",
                profile="synthetic_pos_sales", partition="2024-03-01", sha256="a" * 64, size=100,
                received_at="2024-03-01T10:00:00+00:00", channel="page")


def audit(status: str, file="pos_sales_2024-03-01.csv", sha="a" * 64, read=10, loaded=10, rejected=0, duplicate=0,
          reason=None, at="2024-03-01 10:01:00") -> dict:
    return dict(file=file, sha256=sha, status=status, rows_read=read, rows_loaded=loaded, rows_rejected=rejected,
                rows_duplicate=duplicate, reason=reason, loaded_at=at)


def test_no_audit_row_is_waiting():
    status = status_of(LANDED, [audit("loaded", sha="b" * 64), audit("loaded", file="other.csv")])
    assert (status.status, status.rows_read, status.final) == ("waiting", 0, False)
    assert status.file == "Pos Sales.csv", "the API answers with the name the file was sent with"


def test_bronze_is_still_waiting_with_its_rows_read():
    status = status_of(LANDED, [audit("bronze", loaded=0)])
    assert (status.status, status.rows_read, status.reason) == ("waiting", 10, "being processed")
    assert "being processed" in plain_words(status)


def test_loaded_counts_are_the_audit_counts():
    status = status_of(LANDED, [audit("loaded", read=12, loaded=11, duplicate=1)])
    assert status.api() == {"id": "u1234567", "file": "Pos Sales.csv", "status": "loaded", "rows_read": 12,
                            "rows_loaded": 11, "rows_rejected": 0, "rows_duplicate": 1, "reason": None}
    assert plain_words(status) == "11 of 12 rows were loaded; 1 were repeats of rows already loaded and count once."
    assert plain_words(status_of(LANDED, [audit("loaded")])) == "All 10 rows were loaded."


def test_rejected_rows_make_loaded_with_rejects_with_their_reasons_in_words():
    errors = ["quantity is not a number", "quantity is not a number; unit_price is missing", "quantity is 0"]
    status = status_of(LANDED, [audit("loaded", read=10, loaded=7, rejected=3)], errors)
    assert status.status == "loaded_with_rejects" and status.rows_rejected == 3
    assert status.reason == ("3 rows could not be loaded: quantity is not a number (2 rows); "
                             "unit_price is missing (1 row); quantity is 0 (1 row)")
    assert plain_words(status).startswith("7 of 10 rows were loaded. 3 rows could not be loaded: quantity is not a number")


def test_a_long_list_of_reasons_is_cut_short():
    summary = rejection_summary([f"reason {i}" for i in range(7)])
    assert summary.startswith("7 rows could not be loaded: reason 0 (1 row)") and summary.endswith("and 3 other reasons")


def test_refused_by_the_pipeline_or_the_same_content_is_rejected():
    status = status_of(LANDED, [audit("rejected", read=0, loaded=0, reason="missing columns ['quantity']")])
    assert (status.status, status.reason) == ("rejected", "missing columns ['quantity']")
    assert plain_words(status) == "Your file was not loaded: missing columns ['quantity']."
    status = status_of(LANDED, [audit("duplicate_file", loaded=0, duplicate=10, reason="same content as x.csv, already loaded")])
    assert (status.status, status.rows_duplicate) == ("rejected", 10)


def test_a_file_replaced_by_a_later_upload_counts_as_processed():
    status = status_of(LANDED, [audit("superseded", loaded=0, duplicate=10)])
    assert status.status == "loaded" and status.final and "replaced by a later upload" in status.reason


def test_the_first_load_is_this_uploads_row_not_a_later_duplicate_delivery():
    rows = [audit("duplicate_file", loaded=0, duplicate=10, at="2024-03-02 00:00:00"), audit("loaded")]
    assert status_of(LANDED, rows).status == "loaded"


def test_refused_at_once_never_looks_at_the_audit():
    upload = Upload(**{**LANDED.__dict__, "landed_name": None, "refused_reason": "the file is empty"})
    status = status_of(upload, [audit("loaded")])
    assert (status.status, status.reason, status.rows_read) == ("rejected", "the file is empty", 0)


def test_the_ledger_keeps_what_was_received(tmp_path):
    ledger = UploadLedger(tmp_path / "portal" / "uploads.sqlite")
    first = ledger.add(LANDED)
    second = ledger.add(Upload(**{**LANDED.__dict__, "id": new_upload_id(), "sha256": "b" * 64}))
    refused = ledger.add(Upload(**{**LANDED.__dict__, "id": new_upload_id(), "landed_name": None,
                                   "refused_reason": "the file is empty"}))
    assert ledger.get(first.id) == first and ledger.get("nope0000") is None
    assert [u.id for u in ledger.recent()] == [refused.id, second.id, first.id]
    assert ledger.landed_with(LANDED.landed_name, "a" * 64) == first
    assert ledger.latest_landed_as(LANDED.landed_name) == second
    reopened = UploadLedger(tmp_path / "portal" / "uploads.sqlite")
    assert [u.id for u in reopened.recent(limit=1)] == [refused.id]


# Fixed ids only in the parameters: pytest-xdist workers must collect the same test names.
@pytest.mark.parametrize("text, ok", [("../../etc", False), ("a" * 41, False), ("x", False)])
def test_upload_ids_are_url_safe_and_bounded(text, ok):
    assert is_upload_id(text) is ok


def test_new_upload_ids_are_upload_ids_and_unique():
    ids = {new_upload_id() for _ in range(1000)}
    assert len(ids) == 1000 and all(is_upload_id(i) for i in ids)


def test_rejected_rows_csv_expands_the_record_and_neutralises_formulas():
    rows = pd.DataFrame({
        "row_number": [7, 32],
        "dq_errors": ["quantity is 0", "=unit_price is missing"],
        "raw_record": [json.dumps({"product_name": '=HYPERLINK("http://x")', "quantity": "0"}),
                       json.dumps({"product_name": "Mug", "quantity": "-2", "unit_price": None})],
    })
    parsed = list(csv.DictReader(io.StringIO(rejected_rows_csv(rows))))
    assert list(parsed[0]) == ["row", "reasons", "product_name", "quantity", "unit_price"]
    assert parsed[0] == {"row": "7", "reasons": "quantity is 0", "product_name": "'=HYPERLINK(\"http://x\")",
                         "quantity": "0", "unit_price": ""}
    assert parsed[1]["reasons"] == "'=unit_price is missing" and parsed[1]["quantity"] == "'-2"
    empty = rejected_rows_csv(pd.DataFrame(columns=["row_number", "dq_errors", "raw_record"]))
    assert empty.strip() == "row,reasons"
