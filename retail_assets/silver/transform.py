"""Bronze -> silver as set-based Ibis expressions: the warehouse does the work.

Same semantics as the former pandas implementation (`clean_batch`, shown equal on
real data and on every generated defect before it was removed; "pandas" and
"clean_batch" below refer to it), built from Ibis expressions only, so the same
code can run on DuckDB today and BigQuery later: no Python per row, no SQL strings.

    window = silver_window(con, "sales_lines", date(2010, 12, 1), date(2010, 12, 15))
    con.create_table("silver_sales_lines_window", window.clean, overwrite=True)

Every bronze row of the window ends in exactly one of clean, rejected or
duplicate, so for each file rows_read = rows_loaded + rows_rejected + rows_duplicate.

Portability notes (why some things look hand-made):
- Regexes are RE2 (DuckDB and BigQuery both use it). Python's `\\s` and the
  whitespace `str.strip()` removes are Unicode-aware, RE2's `\\s` is ASCII, so
  the whitespace class is spelt out (`_WS`).
- Text -> number goes through an explicit grammar before the cast: DuckDB
  casts '1_000' and '1e400' (to inf) where pandas.to_numeric refuses them.
- Timestamps are parsed by regex into parts and range-checked, instead of
  strptime: DuckDB's strptime raises on bad input and differs from pandas in
  what it accepts (1-digit fields, leap seconds, the nanosecond range).
- Revenue is rounded half-to-even by hand: numpy rounds ties to even, SQL
  ROUND away from zero.
- `_number_text` (float -> text in messages) relies on the backend's
  CAST(DOUBLE AS VARCHAR), which in DuckDB prints like Python's repr.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from retail_assets.entities import ENTITIES, Entity
from retail_assets.landing.formats import WHITESPACE, WHITESPACE_CHARS, format_regex, strict_layout
from retail_assets.landing.profiles import SourceProfile, is_catch_up, profile_by_name
from retail_assets.silver.columns import ACCOUNTING_COLUMNS, REJECTED_COLUMNS, silver_columns
from retail_assets.warehouse.table_schemas import REJECTED_ROWS_SCHEMA, silver_schema

__all__ = ["SilverWindow", "silver_window"]


@dataclass
class SilverWindow:
    clean: ir.Table  # silver_columns(entity), typed as silver_schema(entity), one row per business key
    rejected: ir.Table  # REJECTED_COLUMNS
    accounting: ir.Table  # ACCOUNTING_COLUMNS + superseded, one row per file


# Delivery order: "first repeat" and "latest wins" are decided along it. file_sha256 only
# breaks ties clean_batch leaves to input order (two uploads of one name at the same instant).
DELIVERY_ORDER = ["_ingested_at", "source_file", "source_row_number", "file_sha256"]

_WS = WHITESPACE  # landing/formats.py: Python's isspace() as an RE2 class

_IBIS_TYPES = {"string": dt.string, "int": dt.int64, "decimal": dt.float64, "discount": dt.float64,
               "timestamp": dt.timestamp, "date": dt.date}
_RAW = "_raw__"  # prefix of the bronze strings as they arrived (for raw_record)


Stage = Callable[[str, ir.Table], ir.Table]


def _unstaged(name: str, expr: ir.Table) -> ir.Table:
    return expr


def silver_window(con: ibis.BaseBackend, entity_name: str, start: date, end: date,
                  profiles: tuple[SourceProfile, ...] | None = None, stage: Stage = _unstaged) -> SilverWindow:
    """Clean, rejected and accounting expressions of `bronze.<entity>` rows with start <= day < end.

    `stage(name, expr)` lets the backend compute an intermediate once (a temp table) and
    return a table reading it: the typed rows and the deduplicated valid rows each feed
    two of the three outputs, and recomputing the typing per output costs 2.5x.
    """
    entity = ENTITIES[entity_name]
    bronze = _bronze_window(con, entity, start, end)
    bronze = _with_superseded(bronze)
    current = bronze.filter(~bronze._superseded)
    files = _files_in(current)
    typed = stage("silver_typed", _typed_rows(current, entity, _profiles_in(files, profiles), files))
    valid = stage("silver_valid", _deduplicate(typed.filter(typed.dq_errors == ""), entity,
                                               _silver_keys_outside(con, entity, start, end)))
    clean = valid.filter(~valid._duplicate)
    return SilverWindow(
        clean=_cast_to(clean, silver_schema(entity).names, _silver_types(entity)),
        rejected=_rejected_rows(typed.filter(typed.dq_errors != ""), current, entity),
        accounting=_accounting(bronze, typed, valid),
    )


# --- inputs ------------------------------------------------------------------------------


def _bronze_window(con, entity: Entity, start: date, end: date) -> ir.Table:
    t = con.table(entity.name, database="bronze")
    return t.filter(t._partition_date >= start, t._partition_date < end)


def _table_exists(con, schema: str, name: str) -> bool:
    try:
        return name in con.list_tables(database=schema)
    except Exception:  # the schema itself does not exist yet
        return False


def _silver_keys_outside(con, entity: Entity, start: date, end: date) -> ir.Table | None:
    """Business keys silver already holds in other partitions (re-delivery detection); None if none can exist."""
    if not _table_exists(con, "silver", entity.name):
        return None
    silver = con.table(entity.name, database="silver")
    types = {c.name: _IBIS_TYPES[c.type] for c in entity.columns}
    outside = silver.filter((silver.partition_date < start) | (silver.partition_date >= end))
    return outside.select(**{f"_k_{k}": outside[k].cast(types[k]) for k in entity.business_key}).distinct()


def _files_in(current: ir.Table) -> dict[str, list[str]]:
    """The window's file names by profile name: one small query (a row per file)."""
    pairs = current.select("_profile", "_source_file").distinct().to_pyarrow().to_pylist()
    files: dict[str, list[str]] = {}
    for pair in pairs:
        files.setdefault(pair["_profile"], []).append(pair["_source_file"])
    return {name: sorted(names) for name, names in files.items()}


def _profiles_in(files: dict[str, list[str]], profiles) -> list[SourceProfile]:
    """The profiles of the window's rows: an unknown profile must fail loudly (as in clean_batch),
    not drop its rows from silver while the accounting counts them loaded."""
    return [profile_by_name(name, profiles) for name in sorted(files)]


def _with_superseded(bronze: ir.Table) -> ir.Table:
    """_superseded: rows of a file later re-uploaded under the same name; the newer version replaces it whole.

    A join with each file's latest ingestion rather than a window over the rows: the window
    sorts every wide bronze row (~1.5 s for a year of lines), the aggregate is one per file.
    """
    latest = bronze.group_by("_source_file").agg(_latest_ingest=bronze._ingested_at.max())
    joined = bronze.join(latest, "_source_file")
    return joined.mutate(_superseded=joined._ingested_at < joined._latest_ingest).drop("_latest_ingest")


# --- text -> typed values ----------------------------------------------------------------


def _strip(value: ir.StringValue) -> ir.StringValue:
    """Remove leading/trailing whitespace as Python's str.strip() does (Unicode, not only ' ').

    The regular expression runs only where the first or last character is whitespace: nearly
    no real value has any, and a regex replace on every text column was a quarter of typing."""
    edges = ibis.literal(WHITESPACE_CHARS)
    padded = edges.contains(value.left(1)) | edges.contains(value.right(1))  # '' also lands here: harmless
    return ibis.ifelse(padded, value.re_replace(f"^[{_WS}]+|[{_WS}]+$", ""), value)


def _text(value: ir.StringValue, column: str, profile: SourceProfile) -> ir.StringValue:
    """The value as the parsers see it: stripped, blank = missing, profile constants and fixes applied."""
    text = _strip(value).nullif("")
    if column in profile.constants:
        text = text.fill_null(profile.constants[column])
    if column in profile.rules.get("strip_float_suffix", []):
        text = text.re_replace(r"\.0+$", "")  # float-exported ids: '17850.0' is 17850
    return text


_C_SPACE = r"[ \t\n\x0b\f\r]"  # whitespace pandas.to_numeric tolerates around a number
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_INFINITY = r"(?i)^[+-]?inf(?:inity)?$"
_PLAIN_NUMBER = r"^-?[0-9]{1,15}(?:\.[0-9]{1,15})?$"


def _number(text: ir.StringValue) -> ir.FloatingValue:
    """A float as pandas.to_numeric reads it; NULL where it would give NaN.

    The grammar comes first because the cast alone is more lenient ('1_000', hex);
    a finite-looking number that overflows is an error there, not infinity.
    """
    body = text.re_replace(f"^{_C_SPACE}+|{_C_SPACE}+$", "")
    finite = text.re_search(f"^{_C_SPACE}*{_NUMBER}{_C_SPACE}*$")
    infinite = text.re_search(_INFINITY)
    value = body.try_cast("float64")
    keep = infinite | (finite & ~value.isinf())
    general = ibis.ifelse(keep, value, ibis.null(dt.float64))
    # Nearly every value is plain digits: one short regex instead of three, and the cast cannot
    # overflow at 15 digits. For such a text the general path gives the same cast.
    plain = text.re_search(_PLAIN_NUMBER)
    return ibis.ifelse(plain, text.try_cast("float64"), general)


_CURRENCY_SYMBOLS = r"[£$€¥]|GBP|USD|EUR"


def _decimal_text(text: ir.StringValue, decimal_mark: str) -> ir.StringValue:
    """Currency symbols and thousands separators removed ('£1,234.50' -> '1234.50').

    A separator counts as one only between groups of three digits: '2,50' in a decimal-point
    profile is NULL (an error), never 250, and so is '2.50' in a decimal-comma profile.
    """
    plain = text.re_replace(_CURRENCY_SYMBOLS, "").replace(" ", "")
    sep, mark = (".", ",") if decimal_mark == "," else (",", ".")
    grouped = plain.re_search(f"^[+-]?[0-9]{{1,3}}(?:{re.escape(sep)}[0-9]{{3}})+(?:{re.escape(mark)}[0-9]*)?$")
    digits = plain.replace(sep, "")
    number = digits.replace(",", ".") if decimal_mark == "," else digits
    return ibis.ifelse(plain.contains(sep) & ~grouped, ibis.null(dt.string), number)


# pandas holds timestamps as int64 nanoseconds: anything outside this range is NaT there,
# so e.g. '9999-12-31' is "not a valid date" in clean_batch. Kept for parity.
_NS_MIN = ibis.timestamp("1677-09-21 00:12:44")
_NS_MAX = ibis.timestamp("2262-04-11 23:47:16")
_DEFAULT_PART = {"m": 1, "d": 1, "H": 0, "M": 0, "S": 0}
# Directive -> column-name part: SQL names ignore case, so %M and %m cannot both be 'M' and 'm'.
_FIELD_NAME = {"Y": "year", "m": "month", "d": "day", "H": "hour", "M": "minute", "S": "second"}


def _days_in_month(year: ir.IntegerValue, month: ir.IntegerValue) -> ir.IntegerValue:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return ibis.cases(
        (month == 2, ibis.ifelse(leap, 29, 28)),
        (month.isin([4, 6, 9, 11]), 30),
        else_=31,
    )


def _formats(type_: str, profile: SourceProfile) -> tuple[str, ...]:
    return profile.timestamp_formats if type_ == "timestamp" else profile.date_formats


# Parsing is spread over a few projections (see _typed_profile_rows): each step turns the
# previous step's columns into new ones. Written as one expression instead, every use of
# a piece would repeat it in the SQL (a number is used five times by the int check, a
# timestamp part a dozen times by the calendar check): megabytes of SQL per query.
# Piece columns are named by `_piece(column, name)`.


def _piece(column: str, name: str) -> str:
    return f"_{name}__{column}"


def _shapes(t: ir.Table, column: str, type_: str, profile: SourceProfile) -> dict[str, ir.Value]:
    """Step 0, timestamps: does the text have the fixed-width shape of the first format (strict_layout)?

    Nearly every real value does: its fields are then read by position in step 1, and the regular
    expressions of every format (a search and an extract per field, for each format: ~20 per value)
    run only on the other texts. Same values either way (strict_layout's docstring says why)."""
    if type_ not in ("timestamp", "date") or (layout := strict_layout(_formats(type_, profile)[0])) is None:
        return {}
    return {_piece(column, "strict"): t[column].re_search(layout[0]).fill_null(False)}


def _pieces(t: ir.Table, column: str, type_: str, profile: SourceProfile) -> dict[str, ir.Value]:
    """Step 1, from the clean text: numbers, and the fields of each timestamp format as integers."""
    text = t[column]
    if type_ == "int":
        return {_piece(column, "number"): _number(text)}
    if type_ == "decimal":
        return {_piece(column, "number"): _number(_decimal_text(text, profile.decimal))}
    if type_ == "discount":
        return {_piece(column, "number"): _number(text.re_replace("%+$", "")),  # rstrip('%')
                _piece(column, "percent"): text.endswith("%").fill_null(False)}
    if type_ in ("timestamp", "date"):
        out = {}
        strict = t[_piece(column, "strict")] if _piece(column, "strict") in t.columns else None
        for i, fmt in enumerate(_formats(type_, profile)):
            pattern, groups = format_regex(fmt)
            fits = text.re_search(pattern)
            for g, directive in enumerate(groups):
                field = text.re_extract(pattern, g + 1).strip()  # ' 1' (space-padded day) -> '1'
                piece = ibis.ifelse(fits, field, ibis.null(dt.string)).cast("int64")
                if strict is not None:  # a CASE: the regexes above run only where the shape is not strict
                    start, width = strict_layout(fmt)[1][directive] if i == 0 else (0, 0)
                    by_position = text.substr(start, width).cast("int64") if i == 0 else ibis.null(dt.int64)
                    piece = ibis.ifelse(strict, by_position, piece)
                out[_piece(column, f"f{i}{_FIELD_NAME[directive]}")] = piece
        return out
    return {}


def _calendar_checked(t: ir.Table, column: str, type_: str, profile: SourceProfile) -> dict[str, ir.Value]:
    """Step 2, timestamps: per format, the fields again, NULL unless they make a real date and time.

    NULL fields keep MAKE_TIMESTAMP (next step) from ever seeing Feb 30.
    """
    if type_ not in ("timestamp", "date"):
        return {}
    out = {}
    for i, fmt in enumerate(_formats(type_, profile)):
        groups = format_regex(fmt)[1]
        part = {d: t[_piece(column, f"f{i}{_FIELD_NAME[d]}")] if d in groups else ibis.literal(_DEFAULT_PART[d])
                for d in ["Y", *_DEFAULT_PART]}
        valid = (
            part["m"].between(1, 12) & part["d"].between(1, 31) & (part["d"] <= _days_in_month(part["Y"], part["m"]))
            & part["H"].between(0, 23) & part["M"].between(0, 59)
            & part["S"].between(0, 61)  # pandas accepts leap seconds 60 and 61, rolling over
        )
        for d, value in part.items():
            out[_piece(column, f"v{i}{_FIELD_NAME[d]}")] = ibis.ifelse(valid, value, ibis.null(dt.int64))
    return out


def _stamped(t: ir.Table, column: str, type_: str, profile: SourceProfile) -> dict[str, ir.Value]:
    """Step 3, timestamps: the timestamp of the first format that fits, within pandas' range."""
    if type_ not in ("timestamp", "date"):
        return {}
    stamps = []
    for i, _fmt in enumerate(_formats(type_, profile)):
        v = {d: t[_piece(column, f"v{i}{_FIELD_NAME[d]}")] for d in ["Y", *_DEFAULT_PART]}
        stamp = ibis.timestamp(v["Y"], v["m"], v["d"], v["H"], v["M"], 0) + v["S"].as_interval("s")
        stamps.append(ibis.ifelse(stamp.between(_NS_MIN, _NS_MAX), stamp, ibis.null(dt.timestamp)))
    return {_piece(column, "stamp"): ibis.coalesce(*stamps).cast(dt.timestamp)}


def _parsed(t: ir.Table, column: str, type_: str) -> tuple[ir.Value, ir.BooleanValue | None]:
    """Step 4: (typed value, bad mask); bad = present but unparseable."""
    text = t[column]
    if type_ == "string":
        return text, None
    if type_ == "int":  # '6' and '6.0' are 6; '6.5', 'six' and beyond +-2**53 (inexact as a float) are errors
        number = t[_piece(column, "number")]
        in_range = number.abs() < 2.0**53
        safe = ibis.ifelse(in_range, number, 0.5)  # keeps FLOOR's cast to BIGINT from ever overflowing
        ok = (in_range & (safe.floor().cast("float64") == safe)).fill_null(False)
        return ibis.ifelse(ok, safe.floor(), ibis.null(dt.int64)), text.notnull() & ~ok
    if type_ == "decimal":
        number = t[_piece(column, "number")]
        return number, text.notnull() & number.isnull()
    if type_ == "discount":  # a fraction: '0.1', '10%' and '10' all mean 10%; 1 is 100%; beyond 0..1 an error
        number = t[_piece(column, "number")]
        fraction = ibis.ifelse(t[_piece(column, "percent")] | (number > 1), number / 100.0, number)
        bad = text.notnull() & (fraction.isnull() | (fraction < 0) | (fraction > 1)).fill_null(True)
        return ibis.ifelse(bad, ibis.null(dt.float64), fraction), bad
    if type_ in ("timestamp", "date"):
        stamp = t[_piece(column, "stamp")]
        return (stamp if type_ == "timestamp" else stamp.date()), text.notnull() & stamp.isnull()
    raise ValueError(f"unknown column type {type_}")


# --- messages ----------------------------------------------------------------------------


def _number_text(value: ir.NumericValue) -> ir.StringValue:
    """A number as pandas' astype('string') prints it ('-2', '-3.5', '-2.0', '1e-05').

    Integers are exact everywhere. For floats this leans on DuckDB's CAST(DOUBLE AS VARCHAR),
    which matches Python's repr; other backends may print '-2' for -2.0 (messages only).
    """
    return value.cast("string")


def _said(t: ir.Table, mask: ir.BooleanValue, prefix: str, column: str, suffix: str = "") -> ir.StringValue:
    """Per-row message naming the offending value, as rules._said formats it."""
    value = t[column]
    if value.type().is_timestamp():
        # pandas prints a datetime Series without times when *every* printed value is
        # at midnight: clean_batch formats the breaking rows of a profile's batch
        # together, so 'sold_at 2026-11-05 is after ...' appears when all of them are
        # midnights. Reproduced per profile (one union branch = one profile's rows).
        # A scalar subquery, not a window over the whole batch: a window with no partition holds every
        # row of the batch with all its columns (gigabytes at 10M lines); the aggregate reads two columns.
        dates_only = t.aggregate(_dates_only=(~mask | (value.time() == ibis.time("00:00:00"))).all()) \
            ._dates_only.as_scalar()
        text = ibis.ifelse(dates_only, value.strftime("%Y-%m-%d"), value.strftime("%Y-%m-%d %H:%M:%S"))
    else:
        text = _number_text(value) if value.type().is_numeric() else value
    return prefix + text.fill_null("null") + suffix


# --- row checks --------------------------------------------------------------------------
# Each rule: (typed table, profile) -> (mask, message), message texts as the former pandas rules wrote them.


def _quantity_zero(t, p):
    return t.quantity == 0, ibis.literal("quantity is 0")


def _negative_sale(t, p):
    mask = (t.quantity < 0) & ~t.is_cancellation
    return mask, _said(t, mask, "quantity ", "quantity", " is negative on a sale that is not a cancellation")


def _positive_cancellation(t, p):
    mask = (t.quantity > 0) & t.is_cancellation
    return mask, _said(t, mask, "cancellation with positive quantity ", "quantity")


def _negative_price(t, p):
    mask = t.unit_price < 0
    return mask, _said(t, mask, "unit_price ", "unit_price", " is negative")


def _zero_price_product(t, p):
    mask = (t.unit_price == 0) & (t.line_type == "product")
    return mask, ibis.literal("unit_price is 0 on a product line (a stock adjustment, not a sale)")


def _discount_whole(t, p):
    return t.discount >= 1, ibis.literal("discount of 100% or more")


def _sold_after_file(t, p):
    mask = t.sold_at.date() > t._partition_date
    return mask, _said(t, mask, "sold_at ", "sold_at", " is after the file's business date")


def _sold_too_early(t, p):
    """Older than max_late_days before the file's date (a till with a wrong clock); a catch-up file
    (profile.catch_up) may reach back its own max_late_days."""
    def older_than(days: int) -> ir.BooleanValue:
        return t.sold_at.date() < t._partition_date - ibis.interval(days=days)

    daily = older_than(p.max_late_days)
    message = _said(t, daily, "sold_at ", "sold_at", f" is more than {p.max_late_days} days before the file's date")
    if p.catch_up is None:
        return daily, message
    reach = p.catch_up.max_late_days
    catch_up = older_than(reach)
    mask = ibis.ifelse(t._catch_up, catch_up, daily)
    catch_up_message = _said(t, t._catch_up & catch_up, "sold_at ", "sold_at",
                             f" is more than {reach} days before the catch-up file's date")
    return mask, ibis.ifelse(t._catch_up, catch_up_message, message)


def _email_shape(t, p):
    mask = t.email.notnull() & ~t.email.re_search(f"^[^@{_WS}]+@[^@{_WS}]+\\.[^@{_WS}]+$")
    return mask, _said(t, mask, "email ", "email", " is not an address")


def _negative(column: str):
    def rule(t, p):
        mask = t[column] < 0
        return mask, _said(t, mask, f"{column} ", column, " is negative")

    return rule


def _shift_order(t, p):
    return t.shift_end <= t.shift_start, ibis.literal("shift_end is not after shift_start")


ENTITY_RULES = {
    "sales_lines": [_quantity_zero, _negative_sale, _positive_cancellation, _negative_price,
                    _zero_price_product, _discount_whole, _sold_after_file, _sold_too_early],
    "customers": [_email_shape],
    "products": [_negative("unit_cost"), _negative("list_price")],
    "stores": [],
    "employees": [_negative("hourly_rate")],
    "shifts": [_shift_order],
    "inventory": [_negative("on_hand"), _negative("reorder_point")],
}


def _re2(python_pattern: str) -> str:
    """A profile's Python regex for RE2. Python's `\\d` matches any Unicode digit, RE2's only 0-9;
    `\\p{Nd}` is the same class in RE2. (The only difference the shipped patterns touch.)"""
    return re.sub(r"(?<!\\)((?:\\\\)*)\\d", lambda m: m.group(1) + r"\p{Nd}", python_pattern)


def _sales_flags(t: ir.Table, profile: SourceProfile) -> dict[str, ir.Value]:
    """Cancellation, guest and product/non-product flags the rules and silver need; no discount = 0."""
    prefix = profile.rules.get("cancellation_prefix")
    pattern = profile.rules.get("product_code_pattern")
    is_product = t.product_id.re_search(f"^(?:{_re2(pattern)})$").fill_null(False) if pattern else ibis.literal(True)
    return {
        "is_cancellation": t.transaction_id.startswith(prefix).fill_null(False) if prefix else ibis.literal(False),
        "is_guest": t.customer_id.isnull(),
        "line_type": ibis.ifelse(is_product, "product", "non_product"),
        "discount": t.discount.fill_null(0.0),
    }


def _join_errors(errors: list[tuple[ir.BooleanValue, ir.StringValue]]) -> ir.StringValue:
    """'; '-joined messages of the checks a row failed, in check order ('' = none)."""
    if not errors:
        return ibis.literal("")
    pieces = [ibis.ifelse(mask.fill_null(False), message, ibis.null(dt.string)) for mask, message in errors]
    return ibis.literal("; ").join(pieces).fill_null("")


# --- typing one profile's rows -------------------------------------------------------------


def _typed_profile_rows(current: ir.Table, entity: Entity, profile: SourceProfile, files: list[str]) -> ir.Table:
    """One profile's rows typed, flagged and checked: dq_errors lists every check a row failed."""
    rows = current.filter(current._profile == profile.name)
    derive = bool(profile.rules.get("derive_line_number"))
    meta = {
        "_partition_date": rows._partition_date,
        "_catch_up": _from_catch_up_file(rows, profile, files),
        "source_file": rows._source_file,
        "file_sha256": rows._file_sha256,
        "source_row_number": rows._row_number.cast("int64"),
        "_ingested_at": rows._ingested_at.cast(dt.timestamp),
    }
    # Clean text, so the (regex) stripping is written once per column.
    texts = rows.select(**meta, **{c: _text(rows[c].cast("string"), c, profile) for c in entity.column_names})

    # Typed values in steps (see _pieces), then the generic checks: "not a valid <type>", "missing".
    parsed = [c for c in entity.columns if not (c.name == "line_number" and derive)]
    steps = texts
    for step in (_shapes, _pieces, _calendar_checked, _stamped):
        new = {k: v for c in parsed for k, v in step(steps, c.name, c.type, profile).items()}
        steps = steps.mutate(**new).view() if new else steps  # view(): a subquery Ibis will not inline
    typed_cols, errors = {}, []
    for col in entity.columns:
        if col not in parsed:
            typed_cols[col.name] = ibis.null(dt.int64)  # line numbers of this source: numbered after dedup
            continue
        text = steps[col.name]
        value, bad = _parsed(steps, col.name, col.type)
        typed_cols[col.name] = value.cast(_IBIS_TYPES[col.type])
        if bad is not None:
            errors.append((bad, f"{col.name} '" + text.fill_null("") + f"' is not a valid {col.type}"))
        if col.required:
            errors.append((text.isnull(), ibis.literal(f"{col.name} is missing")))
    typed = steps.select(*meta, **typed_cols, _generic_errors=_join_errors(errors))

    # Entity flags and rules, on typed values; their messages follow the generic ones.
    if entity.name == "sales_lines":
        typed = typed.mutate(**_sales_flags(typed, profile))
    rule_errors = [rule(typed, profile) for rule in ENTITY_RULES[entity.name]]
    generic = typed._generic_errors.nullif("")
    checked = typed.mutate(dq_errors=ibis.literal("; ").join([generic, _join_errors(rule_errors).nullif("")]).fill_null(""))
    extra = {"_derive_line_number": ibis.literal(derive)}
    if entity.name == "sales_lines":
        extra |= {"sale_date": checked.sold_at.date(), "revenue": _revenue(checked)}
    return checked.mutate(partition_date=checked._partition_date, **extra)


def _from_catch_up_file(rows: ir.Table, profile: SourceProfile, files: list[str]) -> ir.BooleanValue:
    """Whether the row's file is named as the profile's catch-up export. The window's file names are
    matched in Python with the very pattern the sensor and bronze used, not translated to the backend's
    regex dialect."""
    catch_up = [name for name in files if is_catch_up(name, profile)]
    return rows._source_file.isin(catch_up) if catch_up else ibis.literal(False)


def _revenue(t: ir.Table) -> ir.FloatingValue:
    """round(quantity * unit_price * (1 - discount), 4), in pandas' operation order."""
    return _round_half_even(t.quantity.cast("float64") * t.unit_price * (1.0 - t.discount), 4)


def _round_half_even(x: ir.FloatingValue, digits: int) -> ir.FloatingValue:
    """numpy.round: rint(x * 10**d) / 10**d, ties to even. SQL ROUND sends ties away from zero,
    and floats precise enough to have a tie do occur (0.03125 -> 0.0312)."""
    scale = 10.0**digits
    y = x * scale
    exact = y.abs() >= 2.0**52  # already an integer (or inf/NaN): nothing to round
    safe = ibis.ifelse(exact, 0.0, y)  # keeps FLOOR's cast to BIGINT in range
    low = safe.floor().cast("float64")
    frac = safe - low
    even = (low.cast("int64") % 2) == 0
    rounded = ibis.cases((frac > 0.5, low + 1.0), (frac < 0.5, low), (even, low), else_=low + 1.0)
    return ibis.ifelse(exact, y, rounded) / scale


_TYPED_EXTRA = {"_derive_line_number": dt.boolean, "dq_errors": dt.string, "_ingested_at": dt.timestamp}


def _typed_columns(entity: Entity) -> dict[str, dt.DataType]:
    """Column names and types every profile's branch produces (so they can be unioned)."""
    types = _silver_types(entity)
    columns = {c: types[c] for c in silver_columns(entity)}
    columns |= {"_partition_date": dt.date, **_TYPED_EXTRA}
    return columns


def _typed_rows(current: ir.Table, entity: Entity, profiles: list[SourceProfile],
                files: dict[str, list[str]]) -> ir.Table:
    """All profiles' rows, typed and checked: one union branch per profile present in the window."""
    columns = _typed_columns(entity)
    if not profiles:  # an empty window still needs the typed shape
        return ibis.memtable(ibis.schema(columns).to_pyarrow().empty_table())
    branches = [_typed_profile_rows(current, entity, p, files[p.name]) for p in profiles]
    branches = [b.select(**{c: b[c].cast(t) for c, t in columns.items()}) for b in branches]
    return ibis.union(*branches, distinct=False)


# --- duplicates ----------------------------------------------------------------------------


def _deduplicate(valid: ir.Table, entity: Entity, keys_elsewhere: ir.Table | None) -> ir.Table:
    """Mark duplicates: repeats within a file, superseded deliveries and re-deliveries.

    Within one file, identical rows of a source without line numbers are repeats (the
    first is kept), and the rest are numbered per transaction in file order. Across
    deliveries the latest wins per business key. A row whose key silver already holds
    in another partition is a re-delivery.

    The flags are computed on a narrow projection (content, keys and delivery order; not the raw
    strings, revenue, flags, ...) and join back on the delivery order, which identifies a bronze
    row. Window functions run only on the rows that need one: rows without line numbers (repeats,
    numbering) and rows whose business key occurs more than once (latest wins). Everything else
    goes through aggregates and joins, which DuckDB spills to disk: a window over every row of a
    10M-line day ran out of a 2 GB memory limit.
    """
    content = [c for c in entity.column_names if c != "line_number"] + ["file_sha256", "_derive_line_number"]
    narrow_columns = list(dict.fromkeys([*DELIVERY_ORDER, *content, *entity.business_key]))
    narrow = valid.select(*narrow_columns)
    marked = _mark_repeats(narrow, content)
    numbered = _number_lines(marked) if "line_number" in entity.column_names else marked
    # Business-key columns are required (entities.py), so plain equality joins on them are exact.
    numbered = _mark_older_versions(numbered, [*entity.business_key, "_repeat"])  # repeats neither win nor lose

    flagged = _mark_redeliveries(numbered, entity, keys_elsewhere)
    derived = ["line_number"] if "line_number" in entity.column_names else []
    flags = flagged.select(*[flagged[c].name(f"_f_{c}") for c in DELIVERY_ORDER], *derived,
                           _duplicate=flagged._repeat | flagged._older_version | flagged._elsewhere)
    joined = valid.join(flags, [valid[c] == flags[f"_f_{c}"] for c in DELIVERY_ORDER])
    return joined.select(*[joined[c] if c not in derived else flags[c] for c in valid.columns], "_duplicate")


def _mark_repeats(t: ir.Table, content: list[str]) -> ir.Table:
    """_repeat: a row without a line number whose whole content came earlier in the same file."""
    derive = t.filter(t._derive_line_number)
    first = ibis.row_number().over(group_by=content, order_by=[derive[c] for c in DELIVERY_ORDER])
    given = t.filter(~t._derive_line_number)
    return derive.mutate(_repeat=first > 0).union(given.mutate(_repeat=ibis.literal(False)))


def _number_lines(t: ir.Table) -> ir.Table:
    """Line numbers of sources without them: 1, 2, ... per file and transaction, after repeats."""
    numbering = t._derive_line_number & ~t._repeat
    todo, rest = t.filter(numbering), t.filter(~numbering)
    position = ibis.row_number().over(group_by=[todo.file_sha256, todo.transaction_id],
                                      order_by=[todo[c] for c in DELIVERY_ORDER]) + 1
    return todo.mutate(line_number=position.cast(t.line_number.type())).union(rest)


def _mark_older_versions(t: ir.Table, key: list[str]) -> ir.Table:
    """_older_version: a later delivery holds the same key (latest wins); ordered only where a key repeats."""
    counted = t.group_by(key).aggregate(_versions=ibis._.count())
    contested_keys = counted.filter(counted._versions > 1).drop("_versions")
    contested = t.semi_join(contested_keys, key)
    later = ibis.row_number().over(group_by=key, order_by=[ibis.desc(contested[c]) for c in DELIVERY_ORDER])
    return contested.mutate(_older_version=~contested._repeat & (later > 0)).union(
        t.anti_join(contested_keys, key).mutate(_older_version=ibis.literal(False)))


def _mark_redeliveries(t: ir.Table, entity: Entity, keys_elsewhere: ir.Table | None) -> ir.Table:
    """_elsewhere: the row's business key is already in silver outside the window."""
    if keys_elsewhere is None:
        return t.mutate(_elsewhere=ibis.literal(False))
    hits = keys_elsewhere.mutate(_hit=ibis.literal(True))
    joined = t.left_join(hits, [t[k] == hits[f"_k_{k}"] for k in entity.business_key])
    return joined.select(*t.columns, _elsewhere=joined._hit.fill_null(False))


# --- outputs -------------------------------------------------------------------------------


def _silver_types(entity: Entity) -> dict[str, dt.DataType]:
    return dict(ibis.Schema.from_pyarrow(silver_schema(entity)).items())


def _cast_to(t: ir.Table, names: list[str], types: dict[str, dt.DataType]) -> ir.Table:
    return t.select(**{n: t[n].cast(types[n]) for n in names})


def _json_string(value: ir.StringValue) -> ir.StringValue:
    """A JSON string literal of `value` with backslash and quote escaped (control characters: _json_controls)."""
    return '"' + value.re_replace(r"\\", r"\\\\").re_replace('"', r'\\"') + '"'


def _json_controls(record: ir.StringValue) -> ir.StringValue:
    """Control characters escaped as json.dumps does (\\n, \\t, ... or \\u00XX). Applied once to the
    whole record: only values can hold them, and almost none do, so most rows skip the chain."""
    named = {0x08: "b", 0x09: "t", 0x0A: "n", 0x0C: "f", 0x0D: "r"}
    escaped = record
    for code in range(0x20):
        replacement = f"\\\\{named[code]}" if code in named else f"\\\\u{code:04x}"
        escaped = escaped.re_replace(f"\\x{{{code:x}}}", replacement)
    return ibis.ifelse(record.re_search(r"[\x00-\x1f]"), escaped, record)


def _raw_record(t: ir.Table, entity: Entity) -> ir.StringValue:
    """The row as it arrived (canonical names, original strings), byte for byte as
    json.dumps(dict, ensure_ascii=False) writes it: '{"a": "x", "b": null}'."""
    members = [f'"{c}": ' + _json_string(t[f"{_RAW}{c}"]).fill_null("null") for c in entity.column_names]
    return "{" + ibis.literal(", ").join(members) + "}"


def _with_raw_strings(rejected: ir.Table, current: ir.Table, entity: Entity) -> ir.Table:
    """The rejected rows with the bronze strings they arrived as (for raw_record), joined back on the
    bronze row's identity. Not carried through typing: on every row of the window, half the typed
    table's width was raw copies that only the few rejected rows need (~40% of the typing time)."""
    raw = current.select(_j_file=current._source_file, _j_sha=current._file_sha256,
                         _j_row=current._row_number.cast("int64"), _j_at=current._ingested_at.cast(dt.timestamp),
                         **{f"{_RAW}{c}": current[c].cast("string") for c in entity.column_names})
    joined = rejected.join(raw, [rejected.source_file == raw._j_file, rejected.file_sha256 == raw._j_sha,
                                 rejected.source_row_number == raw._j_row, rejected._ingested_at == raw._j_at])
    return joined.select(*rejected.columns, *[f"{_RAW}{c}" for c in entity.column_names])


def _rejected_rows(typed_rejected: ir.Table, current: ir.Table, entity: Entity) -> ir.Table:
    types = dict(ibis.Schema.from_pyarrow(REJECTED_ROWS_SCHEMA).items())
    rejected = _with_raw_strings(typed_rejected, current, entity)
    out = rejected.select(
        entity=ibis.literal(entity.name),
        partition_date=rejected.partition_date,
        source_file=rejected.source_file,
        file_sha256=rejected.file_sha256,
        row_number=rejected.source_row_number,
        raw_record=_raw_record(rejected, entity),  # control characters escaped below
        dq_errors=rejected.dq_errors,
    )
    out = out.view().mutate(raw_record=lambda t: _json_controls(t.raw_record))
    return _cast_to(out, REJECTED_COLUMNS, types)


def _accounting(bronze: ir.Table, typed: ir.Table, valid: ir.Table) -> ir.Table:
    """Per file: rows read, loaded, rejected, duplicate (superseded uploads count whole as duplicates).

    Each bronze row has exactly one outcome: superseded (never typed), rejected (typed with
    errors) or valid (clean or duplicate), so the three sets together are the window's bronze.
    """
    superseded = bronze.filter(bronze._superseded)
    rejected = typed.filter(typed.dq_errors != "")

    def outcome(t, sha, file, rejected_, duplicate, superseded_):
        return t.select(file_sha256=sha, source_file=file, _rejected=ibis.literal(rejected_).cast("int64"),
                        _duplicate=duplicate.cast("int64"), _superseded=ibis.literal(superseded_))

    outcomes = ibis.union(
        outcome(superseded, superseded._file_sha256, superseded._source_file, 0, ibis.literal(1), True),
        outcome(rejected, rejected.file_sha256, rejected.source_file, 1, ibis.literal(0), False),
        outcome(valid, valid.file_sha256, valid.source_file, 0, valid._duplicate, False),
        distinct=False,
    )
    per_file = outcomes.group_by(["file_sha256", "source_file"]).aggregate(
        rows_read=outcomes.count(),
        rows_rejected=outcomes._rejected.sum(),
        rows_duplicate=outcomes._duplicate.sum(),
        superseded=outcomes._superseded.any(),
    )
    per_file = per_file.mutate(rows_loaded=per_file.rows_read - per_file.rows_rejected - per_file.rows_duplicate)
    types = {"file_sha256": dt.string, "source_file": dt.string, "superseded": dt.boolean}
    return _cast_to(per_file, ACCOUNTING_COLUMNS + ["superseded"], {c: types.get(c, dt.int64) for c in
                                                                       ACCOUNTING_COLUMNS + ["superseded"]})
