"""An upload's rejected rows as a CSV a shop manager can open, fix and send again.

One line per rejected row: its row number, the reasons, then the row's values as they arrived,
one column per field. Values come from the uploaded file itself, so every text cell that a
spreadsheet would run as a formula is neutralised, as the report exports do.
"""

from __future__ import annotations

import json

import pandas as pd

from retail_assets.reports.exports import neutralise_formulas


def rejected_rows_csv(rows: pd.DataFrame) -> str:
    """`rows` (row_number, dq_errors, raw_record as JSON) as spreadsheet-safe CSV text."""
    records = [json.loads(raw) if raw else {} for raw in rows["raw_record"]]
    fields = list(dict.fromkeys(key for record in records for key in record))
    frame = pd.DataFrame({"row": rows["row_number"].astype("int64").tolist(),
                          "reasons": rows["dq_errors"].astype(str).tolist()})
    for field in fields:
        frame[field] = [None if record.get(field) is None else str(record[field]) for record in records]
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\n")
