"""Large volumes: sales lines are vectorised, so 200k lines are quick and exact in count."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd

from retail_assets.synthetic import patterns
from retail_assets.synthetic.generate import generate
from retail_assets_tests.synthetic.test_contract import ONLINE_KEYS, POS_COLUMNS

DAY = date(2026, 10, 7)
LINES = 200_000


def test_200k_lines_have_the_planned_count_and_schema(tmp_path: Path) -> None:
    generate(tmp_path, DAY, 1, seed=9, defect_rate=0.0, lines_per_day=LINES)
    pos = pd.read_csv(tmp_path / f"pos_sales_{DAY}.csv", dtype=str, keep_default_na=False)
    online_lines = (tmp_path / f"online_sales_{DAY}.ndjson").read_text(encoding="utf-8").splitlines()

    expected = patterns.line_target(9, DAY, LINES)
    assert 0.7 * LINES < expected < 1.3 * LINES
    assert len(pos) + len(online_lines) == expected
    assert ",".join(pos.columns) == POS_COLUMNS
    assert pos["quantity"].astype(int).gt(0).all()
    assert pos["unit_price"].astype(float).gt(0).all()
    assert pd.to_datetime(pos["sold_at"], format="%Y-%m-%d %H:%M:%S").notna().all()
    assert not pos.duplicated(["transaction_id", "line_number"]).any()
    for line in online_lines[:: len(online_lines) // 50]:
        assert list(json.loads(line)) == ONLINE_KEYS
