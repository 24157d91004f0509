"""Same seed and dates give byte-identical files; a day alone equals that day in a range."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

from retail_assets.synthetic.generate import generate
from retail_assets_tests.synthetic.landing_files import digests, files

START = date(2026, 10, 1)


def test_two_runs_write_byte_identical_files(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", START, 3, seed=11, defect_rate=0.05, lines_per_day=600)
    b = generate(tmp_path / "b", START, 3, seed=11, defect_rate=0.05, lines_per_day=600)
    assert [p.name for p in a] == [p.name for p in b]
    first, second = digests(tmp_path / "a"), digests(tmp_path / "b")
    assert any(name.endswith(".xlsx") for name in first)
    assert first == second


def test_another_seed_gives_other_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", START, 1, seed=1, lines_per_day=300)
    generate(tmp_path / "b", START, 1, seed=2, lines_per_day=300)
    a, b = digests(tmp_path / "a"), digests(tmp_path / "b")
    assert a.keys() == b.keys()
    assert a["pos_sales_2026-10-01.csv"] != b["pos_sales_2026-10-01.csv"]
    assert a["customers_2026-10-01.xlsx"] != b["customers_2026-10-01.xlsx"]


def test_xlsx_timestamps_are_pinned_to_the_business_date(tmp_path: Path) -> None:
    generate(tmp_path, START, 1, seed=3, lines_per_day=200)
    [xlsx] = files(tmp_path, "customers")
    with zipfile.ZipFile(xlsx) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 10, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert core.count("2026-10-01T00:00:00Z") == 2  # created and modified


def test_a_day_alone_equals_the_same_day_inside_a_range(tmp_path: Path) -> None:
    whole = tmp_path / "range"
    generate(whole, START, 6, seed=5, defect_rate=0.05, lines_per_day=500)
    day4, day1 = tmp_path / "day4", tmp_path / "day1"
    generate(day4, date(2026, 10, 4), 1, seed=5, defect_rate=0.05, lines_per_day=500, universe_start=START)
    generate(day1, START, 1, seed=5, defect_rate=0.05, lines_per_day=500)

    in_range = digests(whole)
    for single in (day4, day1):
        alone = digests(single)
        assert len(alone) >= 4  # at least shifts, inventory and both sales files
        assert alone == {name: in_range[name] for name in alone}
    # Day 4 alone writes everything the range wrote for day 4, no more, no less.
    assert set(digests(day4)) == {n for n in in_range if "2026-10-04" in n}
