"""A shop manager's visit in headless Chromium: log in, upload a good and a bad file, see what became of each.

The real portal (python -m retail_assets.portal) and the real ingestion (python -m retail_assets.ingest).
The page is closed while the ingestion runs: the portal's reads are short and retried by the
pipeline's Python steps and by dbt (README, "Upload portal"), but a test must not depend on that timing.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from retail_assets_tests.portal.live import DAY, TOKEN, PortalServer, exports, run_ingestion
from retail_assets_tests.ui.browser import local_page

POS = f"pos_sales_{DAY}.csv"
BAD = f"stores_{DAY}.csv"


@pytest.fixture
def server(tmp_path):
    portal = PortalServer(tmp_path / "data", tmp_path / "portal.log")
    portal.start()
    yield portal
    portal.stop()


def test_upload_two_files_through_the_page_and_see_both_outcomes(server, tmp_path):
    files = exports(tmp_path / "exports")
    good = tmp_path / "from the till" / POS
    good.parent.mkdir()
    good.write_bytes(files[POS])
    bad = tmp_path / "from the till" / BAD
    bad.write_bytes(files[f"customers_{DAY}.xlsx"])  # a workbook saved under a CSV name

    with local_page(viewport=(1280, 900)) as (page, blocked):
        page.goto(f"{server.url}/uploads")
        assert page.url.endswith("/login"), "every page but the login needs a session"
        page.fill("#token", "not-the-token-at-all")
        page.click("button[type=submit]")
        assert "That token is not right" in page.inner_text("[role=alert]")
        page.fill("#token", TOKEN)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/uploads$"), timeout=60_000)

        page.set_input_files("#file", [str(good), str(bad)])
        page.click("form[action='/uploads'] button[type=submit]")
        page.wait_for_url(re.compile(r"/uploads\?received="), timeout=120_000)
        rows = page.locator("tr.just")
        assert rows.count() == 2
        by_name = {rows.nth(i).locator("td.name").inner_text(): rows.nth(i) for i in range(2)}
        assert by_name[BAD].locator("[data-status]").get_attribute("data-status") == "rejected"
        assert by_name[POS].locator("[data-status]").get_attribute("data-status") == "waiting"
        good_page = server.url + by_name[POS].locator("a").get_attribute("href")
        bad_page = server.url + by_name[BAD].locator("a").get_attribute("href")

        page.goto(good_page)
        assert page.get_attribute("[data-status]", "data-status") == "waiting"
        assert "waiting to be processed" in page.inner_text("#outcome")
        with page.expect_navigation(timeout=60_000):  # the waiting page refreshes by itself
            pass
        page.goto("about:blank")

        run_ingestion(server.data_dir)

        page.goto(good_page)
        assert page.get_attribute("[data-status]", "data-status") == "loaded_with_rejects"
        outcome = page.inner_text("#outcome")
        assert re.search(r"of \d+ rows were loaded\. 1 row could not be loaded: quantity", outcome), outcome
        assert page.locator("meta[http-equiv=refresh]").count() == 0, "a processed upload's page stops refreshing"
        assert page.locator("#rejected-rows tbody tr").count() == 1
        assert "two" in page.inner_text("#rejected-rows")
        page.screenshot(path=str(tmp_path / "portal_upload_page.png"), full_page=True)
        with page.expect_download() as download:
            page.click("text=Download these rows as CSV")
        rejected = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
        assert len(rejected) == 1 and rejected[0]["quantity"] == "two" and rejected[0]["reasons"].startswith("quantity")

        page.goto(bad_page)
        assert page.get_attribute("[data-status]", "data-status") == "rejected"
        assert page.inner_text("#outcome") == ("Your file was not loaded: this is an Excel workbook or another zip file, "
                                               "not CSV text: save or export it as CSV text.")
        page.goto(f"{server.url}/uploads")
        statuses = sorted(page.locator("tbody [data-status]").evaluate_all("els => els.map(e => e.dataset.status)"))
        assert statuses == ["loaded_with_rejects", "rejected"]
        page.screenshot(path=str(tmp_path / "portal_uploads.png"), full_page=True)

        page.click("text=Log out")
        page.wait_for_url(re.compile(r"/login$"), timeout=60_000)
        page.goto(good_page)
        assert page.url.endswith("/login"), "logged out means logged out"
        assert blocked == []
    assert (tmp_path / "portal_upload_page.png").stat().st_size > 10_000
    assert sorted(p.name for p in (server.data_dir / "archive" / DAY).iterdir())[0].endswith(POS)
