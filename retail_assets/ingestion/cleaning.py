"""Bronze rows -> typed silver rows, rejected rows and duplicates, with per-file accounting.

Pure: takes frames, returns frames. Every bronze row ends in exactly one of
clean, rejected or duplicate, so for each file
rows_read = rows_loaded + rows_rejected + rows_duplicate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from retail_assets.entities import ENTITIES, Entity
from retail_assets.ingestion import parsing
from retail_assets.ingestion.rules import ENTITY_RULES, derive_sales_fields
from retail_assets.landing.profiles import SourceProfile, profile_by_name

LINEAGE = ["partition_date", "source_file", "file_sha256", "source_row_number"]
REJECTED_COLUMNS = ["entity", "partition_date", "source_file", "file_sha256", "row_number", "raw_record", "dq_errors"]
ACCOUNTING_COLUMNS = ["file_sha256", "source_file", "rows_read", "rows_loaded", "rows_rejected", "rows_duplicate"]
# ...plus `superseded`: the file was replaced by a newer upload of the same name.


@dataclass
class CleanResult:
    clean: pd.DataFrame  # typed, one row per business key
    rejected: pd.DataFrame  # REJECTED_COLUMNS
    accounting: pd.DataFrame  # ACCOUNTING_COLUMNS, one row per file


def silver_columns(entity: Entity) -> list[str]:
    return entity.column_names + list(entity.derived) + LINEAGE


def clean_batch(
    bronze: pd.DataFrame,
    entity_name: str,
    keys_elsewhere: pd.DataFrame | None = None,
    profiles: tuple[SourceProfile, ...] | None = None,
) -> CleanResult:
    """Type, validate and deduplicate a batch of bronze rows of one entity.

    `keys_elsewhere` holds business keys already in silver outside this batch's
    partitions: a row repeating one of them is a re-delivery, counted as duplicate.
    """
    entity = ENTITIES[entity_name]
    bronze = bronze.sort_values(["_ingested_at", "_source_file", "_row_number"], kind="stable")
    superseded = _superseded_versions(bronze)
    current = bronze[~superseded]
    parts = [
        _type_and_check(group.reset_index(drop=True), entity, profile_by_name(name, profiles))
        for name, group in current.groupby("_profile", sort=True)
    ]
    typed = pd.concat(parts, ignore_index=True) if parts else _empty_typed(entity)
    # Profiles were typed group by group; restore delivery order so "latest wins" holds across them.
    typed = typed.sort_values(["_ingested_at", "source_file", "source_row_number"], kind="stable")
    typed = typed.reset_index(drop=True)
    rejected_mask = typed["dq_errors"] != ""
    valid = typed[~rejected_mask].copy()
    duplicate_mask = _duplicates(valid, entity, keys_elsewhere)
    clean = valid[~duplicate_mask]
    superseded_rows = bronze.loc[superseded, ["_file_sha256"]].rename(columns={"_file_sha256": "file_sha256"})
    accounting = _accounting(bronze, typed[rejected_mask], pd.concat([valid[duplicate_mask], superseded_rows]))
    accounting["superseded"] = accounting["file_sha256"].isin(superseded_rows["file_sha256"])
    return CleanResult(
        clean=clean[silver_columns(entity)].reset_index(drop=True),
        rejected=_rejected_frame(typed[rejected_mask], entity),
        accounting=accounting,
    )


def _superseded_versions(bronze: pd.DataFrame) -> pd.Series:
    """Rows of a file that was later re-uploaded under the same name with new content.

    A re-export replaces its earlier version as a whole (lines it dropped are gone
    too), so the older version's rows all count as duplicates of the newer one.
    """
    if bronze.empty:
        return pd.Series(False, index=bronze.index)
    latest = bronze.groupby("_source_file")["_ingested_at"].transform("max")
    return bronze["_ingested_at"] < latest


def _type_and_check(rows: pd.DataFrame, entity: Entity, profile: SourceProfile) -> pd.DataFrame:
    """Parse every column by its type, apply generic and entity rules, collect dq_errors."""
    raw = pd.DataFrame({c: parsing.blank_to_null(rows[c]) for c in entity.column_names})
    for column, value in profile.constants.items():
        raw[column] = raw[column].fillna(value)
    for column in profile.rules.get("strip_float_suffix", []):
        raw[column] = raw[column].str.replace(r"\.0+$", "", regex=True)

    typed = pd.DataFrame(index=rows.index)
    errors: list[tuple[pd.Series, pd.Series | str]] = []
    for col in entity.columns:
        if col.name == "line_number" and profile.rules.get("derive_line_number"):
            typed[col.name] = pd.array([pd.NA] * len(rows), dtype="Int64")  # numbered after dedup
            continue
        values = raw[col.name]
        if col.type == "string":
            typed[col.name] = values.astype(object).where(values.notna(), None)
            bad = None
        elif col.type == "int":
            typed[col.name], bad = parsing.parse_int(values)
        elif col.type == "decimal":
            typed[col.name], bad = parsing.parse_decimal(values, profile.decimal)
        elif col.type == "discount":
            typed[col.name], bad = parsing.parse_discount(values)
        elif col.type == "timestamp":
            typed[col.name], bad = parsing.parse_timestamp(values, profile.timestamp_formats)
        elif col.type == "date":
            stamps, bad = parsing.parse_date(values, profile.date_formats)
            typed[col.name] = _as_dates(stamps)
        else:
            raise ValueError(f"unknown column type {col.type}")
        if bad is not None and bad.any():
            errors.append((bad, f"{col.name} " + _quoted(values[bad]) + f" is not a valid {col.type}"))
        if col.required:
            errors.append((values.isna(), f"{col.name} is missing"))

    typed["_partition_ts"] = pd.to_datetime(rows["_partition_date"])
    if entity.name == "sales_lines":
        typed = derive_sales_fields(typed, profile)
    for rule in ENTITY_RULES[entity.name]:
        errors.append(rule(typed, profile))

    typed["dq_errors"] = _join_errors(errors, rows.index)
    typed["partition_date"] = _as_dates(typed.pop("_partition_ts"))
    typed["source_file"] = rows["_source_file"].values
    typed["file_sha256"] = rows["_file_sha256"].values
    typed["source_row_number"] = rows["_row_number"].astype("int64").values
    typed["_ingested_at"] = pd.to_datetime(rows["_ingested_at"]).values
    typed["_derive_line_number"] = bool(profile.rules.get("derive_line_number"))
    typed["_raw_record"] = None
    rejected = (typed["dq_errors"] != "").to_numpy()
    if rejected.any():  # only rejected rows need their raw record: json.dumps is the slow part
        typed.loc[rejected, "_raw_record"] = _raw_records(rows[rejected], entity)
    if entity.name == "sales_lines":
        typed["sale_date"] = _as_dates(typed["sold_at"])
        typed["revenue"] = (
            typed["quantity"].astype("float64") * typed["unit_price"] * (1.0 - typed["discount"])
        ).round(4)
    return typed


def _as_dates(stamps: pd.Series) -> pd.Series:
    """datetime64 -> python dates (object), NaT -> None: the shape Arrow's date32 and pandera expect."""
    return stamps.dt.date.astype(object).where(stamps.notna(), None)


def _quoted(values: pd.Series) -> pd.Series:
    return "'" + values.astype("string").fillna("") + "'"


def _join_errors(errors, index) -> pd.Series:
    joined = pd.Series("", index=index, dtype="string")
    for mask, message in errors:
        mask = mask.fillna(False).astype(bool)
        if not mask.any():
            continue
        text = message.reindex(joined.index)[mask] if isinstance(message, pd.Series) else message
        sep = joined[mask].where(joined[mask] == "", joined[mask] + "; ")
        joined[mask] = sep + text
    return joined.astype(object)


def _raw_records(rows: pd.DataFrame, entity: Entity) -> list[str]:
    """The row as it arrived (canonical names, original strings), for rejected_rows."""
    subset = rows[entity.column_names].astype(object).where(rows[entity.column_names].notna(), None)
    return [json.dumps(dict(zip(entity.column_names, r)), ensure_ascii=False) for r in subset.itertuples(index=False)]


def _duplicates(valid: pd.DataFrame, entity: Entity, keys_elsewhere: pd.DataFrame | None) -> pd.Series:
    """Mark duplicates: repeated content, superseded deliveries and re-deliveries.

    Within one file, identical rows of a source without line numbers are repeats.
    Across deliveries the latest wins: an earlier row with the same business
    key is superseded. Rows whose key already sits in another partition are
    re-deliveries of data silver already holds.
    """
    dup = pd.Series(False, index=valid.index)
    derive = valid["_derive_line_number"]
    if derive.any():
        content = [c for c in entity.column_names if c != "line_number"] + ["file_sha256"]
        repeats = valid[derive].duplicated(subset=content, keep="first")
        dup.loc[repeats.index] = repeats
        numbered = valid[derive & ~dup]
        order = numbered.groupby(["file_sha256", "transaction_id"], sort=False).cumcount() + 1
        valid.loc[numbered.index, "line_number"] = order.astype("Int64")
    keys = list(entity.business_key)
    live = valid[~dup]
    superseded = live.duplicated(subset=keys, keep="last")
    dup.loc[superseded.index] |= superseded
    if keys_elsewhere is not None and not keys_elsewhere.empty:
        elsewhere = _comparable_keys(keys_elsewhere, entity).drop_duplicates().assign(_elsewhere=True)
        probe = _comparable_keys(valid, entity).merge(elsewhere, on=keys, how="left")
        dup |= pd.Series(probe["_elsewhere"].eq(True).values, index=valid.index)
    return dup


def _comparable_keys(frame: pd.DataFrame, entity: Entity) -> pd.DataFrame:
    """Business keys in one representation: the warehouse returns DATE as datetime64 while
    silver frames hold python dates, and those never compare equal."""
    types = {c.name: c.type for c in entity.columns}
    out = pd.DataFrame(index=frame.index)
    for key in entity.business_key:
        if types.get(key) in ("date", "timestamp"):
            out[key] = pd.to_datetime(frame[key]).astype("datetime64[ns]")
        else:
            out[key] = frame[key].astype("string")
    return out


def _accounting(bronze: pd.DataFrame, rejected: pd.DataFrame, duplicate: pd.DataFrame) -> pd.DataFrame:
    read = bronze.groupby(["_file_sha256", "_source_file"]).size().rename("rows_read")
    rej = rejected.groupby("file_sha256").size().rename("rows_rejected")
    dup = duplicate.groupby("file_sha256").size().rename("rows_duplicate")
    acc = read.reset_index().rename(columns={"_file_sha256": "file_sha256", "_source_file": "source_file"})
    acc = acc.merge(rej, left_on="file_sha256", right_index=True, how="left")
    acc = acc.merge(dup, left_on="file_sha256", right_index=True, how="left")
    acc[["rows_rejected", "rows_duplicate"]] = acc[["rows_rejected", "rows_duplicate"]].fillna(0).astype("int64")
    acc["rows_loaded"] = acc["rows_read"] - acc["rows_rejected"] - acc["rows_duplicate"]
    return acc[ACCOUNTING_COLUMNS]


def _rejected_frame(rejected: pd.DataFrame, entity: Entity) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "entity": entity.name,
            "partition_date": rejected["partition_date"],
            "source_file": rejected["source_file"],
            "file_sha256": rejected["file_sha256"],
            "row_number": rejected["source_row_number"],
            "raw_record": rejected["_raw_record"],
            "dq_errors": rejected["dq_errors"],
        }
    )
    return out[REJECTED_COLUMNS].reset_index(drop=True)


# pandas dtypes of silver frames by column type: an empty window (a day without a file)
# must still carry them, or the pandera contract fails on a frame of `object` columns.
_DTYPES = {"string": object, "int": "Int64", "decimal": "float64", "discount": "float64",
           "timestamp": "datetime64[ns]", "date": object}
_OTHER_DTYPES = {"revenue": "float64", "is_cancellation": bool, "is_guest": bool, "source_row_number": "int64",
                 "_ingested_at": "datetime64[ns]", "_derive_line_number": bool}


def _empty_typed(entity: Entity) -> pd.DataFrame:
    types = {c.name: _DTYPES[c.type] for c in entity.columns}
    columns = silver_columns(entity) + ["dq_errors", "_derive_line_number", "_raw_record", "_ingested_at"]
    return pd.DataFrame({c: pd.Series(dtype=types.get(c, _OTHER_DTYPES.get(c, object))) for c in columns})
