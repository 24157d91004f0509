"""Debian's Chromium for Playwright (Playwright's own browser download does not work here)."""

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
