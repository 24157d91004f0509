"""Debian's Chromium for Playwright (Playwright's own browser download does not work here)."""

from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def launch(playwright):
    """A headless Chromium; fails (never skips) with the fix when the package is missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium) before the tests")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)


@contextmanager
def opened(path: Path):
    """The page rendered in headless Chromium, with its console errors and every URL it requested."""
    from playwright.sync_api import sync_playwright

    errors, requests = [], []
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-rendered=true]", timeout=20_000)
            yield page, errors, requests
        finally:
            browser.close()
