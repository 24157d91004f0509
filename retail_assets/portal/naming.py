"""Names: the one a browser or a till sends (kept for people), the one a file lands under (ours).

The landed name is rendered from the matched profile's `match` pattern and the business date,
never copied from the upload, so nothing a user typed reaches the file system. Two uploads of the
same export and day land under the same name: the later one supersedes the earlier (README).
"""

from __future__ import annotations

import re
from datetime import date

from retail_assets.landing.profiles import SourceProfile

# Characters a pattern may hold outside its date group for it to have one canonical name.
_LITERAL = re.compile(r"(?:[A-Za-z0-9_ -]|\\[.\-_ ])*")
_DATE_PLACEHOLDERS = {"%Y": "YYYY", "%m": "MM", "%d": "DD", "%y": "YY"}
MAX_ORIGINAL_CHARS = 300  # what the ledger keeps of a sent name


def client_file_name(sent: str) -> str:
    """The last part of a sent file name: some browsers and scripts send a whole Windows or Unix path."""
    return re.split(r"[\\/]", sent)[-1].strip(" ")


def kept_original(sent: str) -> str:
    """The sent name as the ledger keeps it: valid text, bounded."""
    text = sent.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text if len(text) <= MAX_ORIGINAL_CHARS else text[:MAX_ORIGINAL_CHARS] + "…"


def _split_on_date_group(pattern: str) -> tuple[str, str] | None:
    """(text before, text after) the `(?P<date>...)` group, if it holds no nested group."""
    start = pattern.find("(?P<date>")
    if start < 0:
        return None
    depth, i = 0, start
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "(":
            depth += 1
        elif pattern[i] == ")":
            depth -= 1
            if depth == 0:
                return pattern[:start], pattern[i + 1:]
        i += 1
    return None


def _literal(fragment: str) -> str | None:
    return re.sub(r"\\(.)", r"\1", fragment) if _LITERAL.fullmatch(fragment) else None


def _render(profile: SourceProfile, date_text: str, pattern: re.Pattern | None = None) -> str | None:
    parts = _split_on_date_group((pattern or profile.match).pattern)
    if parts is None:
        return None
    before, after = (_literal(p) for p in parts)
    if before is None or after is None:
        return None
    return f"{before}{date_text}{after}"


def canonical_name(profile: SourceProfile, day: date, catch_up: bool = False) -> str | None:
    """The one file name `profile` expects for `day` (pos_sales_2024-03-01.csv; with `catch_up`, its
    catch-up export's: pos_sales_2024-03-01_catchup.csv), or None when its pattern is more than literal
    text around the date (then the portal cannot name a file for it)."""
    pattern = profile.catch_up.match if catch_up and profile.catch_up else profile.match
    name = _render(profile, day.strftime(profile.date_format), pattern)
    return name if name is not None and pattern.fullmatch(name) else None


def name_example(profile: SourceProfile) -> str:
    """How a person should name this export: pos_sales_YYYY-MM-DD.csv."""
    placeholder = profile.date_format
    for code, text in _DATE_PLACEHOLDERS.items():
        placeholder = placeholder.replace(code, text)
    return _render(profile, placeholder) or profile.match.pattern
