"""Debian's Chromium driven by Playwright, offline: every request not to 127.0.0.1 is blocked and recorded."""

from contextlib import contextmanager
from urllib.parse import urlparse

from retail_assets_tests import chromium


@contextmanager
def local_page(viewport=(1600, 1000)):
    """A page that can only reach 127.0.0.1; yields (page, blocked_urls)."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def only_local(route):
        url = route.request.url
        if urlparse(url).hostname == "127.0.0.1" or url.startswith("data:"):
            route.continue_()
        else:  # e.g. the UI's telemetry script: it must not leave the machine
            blocked.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = chromium.launch(p)
        try:
            page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
            page.route("**/*", only_local)
            yield page, blocked
        finally:
            browser.close()
