"""Silver reads a timestamp of the first format's fixed-width shape by position (landing/formats.strict_layout,
silver/transform._shapes) and leaves the ~20 regular expressions per value to the other texts. The same texts
through silver with and without that fast path give the same rows, values, errors and messages; strict-shaped
texts that are not real times (Feb 30, hour 24, leap seconds, pandas' year range) included."""

from __future__ import annotations

import re

import pytest

from retail_assets.landing.formats import format_regex, strict_layout
from retail_assets.landing.profiles import load_profiles
from retail_assets.silver import transform

from .bronze_tables import online, pos, silver_tables

STRICT = ["2026-11-01 10:00:00", "2026-11-01 00:00:00", "2026-11-01 23:59:59", "2024-02-29 12:00:00",
          "2026-02-29 12:00:00", "2026-02-30 10:00:00", "2026-04-31 10:00:00", "2026-11-01 24:00:00",
          "2026-11-01 10:60:00", "2026-11-01 23:59:60", "2026-11-01 23:59:61", "2026-11-01 10:00:62",
          "2026-13-01 10:00:00", "2026-00-10 10:00:00", "2026-11-00 10:00:00", "0001-11-01 10:00:00",
          "1677-09-21 00:12:44", "1677-09-21 00:12:43", "2262-04-11 23:47:16", "2262-04-11 23:47:17",
          "9999-12-31 23:59:59", "2026-10-31 10:00:00"]
OTHER = ["2026-11-01T10:00:00", "2026-11-01t10:00:00", "2026-11-1 10:00:00", "2026-11-01  10:00:00",
         "01/11/2026 10:15", "1/11/2026 10:15", "2026-11-01T10:00:00+01:00", "2026-11-01 10:00",
         "2026-11-01", "yesterday", "", "2026-11-01 10:00:00 ", "٢٠٢٦-11-01 10:00:00"]


def _silver(monkeypatch, fast: bool):
    if not fast:
        monkeypatch.setattr(transform, "_shapes", lambda *a: {})
    frames = [pos([{"transaction_id": f"T{i}", "sold_at": v} for i, v in enumerate(STRICT + OTHER)],
                  partition="2026-11-01"),
              online([{"sold_at": v, "product_id": f"P{i}"} for i, v in enumerate(STRICT + OTHER)],
                     partition="2026-11-01")]
    tables = silver_tables(frames, "sales_lines")
    monkeypatch.undo()
    return {name: table.to_pylist() for name, table in tables.items()}


def test_the_fast_path_changes_no_row_value_or_message(monkeypatch):
    engaged = transform._shapes.__code__
    fast, slow = _silver(monkeypatch, fast=True), _silver(monkeypatch, fast=False)
    assert transform._shapes.__code__ is engaged
    def rows(result, name):  # in a stable order: the outputs are sets
        return sorted(({k: v for k, v in r.items() if k != "rejected_at"} for r in result[name]), key=repr)

    for name in ("clean", "rejected", "accounting"):
        assert rows(fast, name) == rows(slow, name), name
    assert len(fast["clean"]) >= 8 and len(fast["rejected"]) >= 20  # both kinds are there to compare


@pytest.mark.parametrize("profile", [p for p in load_profiles() if p.timestamp_formats], ids=lambda p: p.name)
def test_every_strict_shape_is_a_text_the_first_format_takes_with_the_same_fields(profile):
    fmt = profile.timestamp_formats[0]
    layout = strict_layout(fmt)
    if layout is None:
        pytest.skip(f"{profile.name}: first format {fmt!r} has no fixed-width shape (the regex path serves it)")
    pattern, fields = layout
    regex, groups = format_regex(fmt)
    python = lambda p: re.compile(re.sub(r"\\x\{([0-9a-f]+)\}", lambda m: "\\u%04x" % int(m[1], 16), p))  # noqa: E731
    sample = fmt.replace("%Y", "2026").replace("%m", "07").replace("%d", "09").replace("%H", "08") \
        .replace("%M", "05").replace("%S", "03")
    assert python(pattern).fullmatch(sample)
    match = python(regex).match(sample)
    assert match, (regex, sample)
    for g, directive in enumerate(groups):
        start, width = fields[directive]
        assert int(match.group(g + 1).strip()) == int(sample[start:start + width])
