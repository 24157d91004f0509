"""Read a landing file's bytes into a frame of strings, as the profile describes the format.

Values stay exactly as they arrived (strings; JSON null -> None). A file that
cannot be read at all raises FileRejected with a reason a person can act on.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile

import pandas as pd

from retail_assets.entities import ENTITIES
from retail_assets.landing.file_kinds import FORMAT_WORDS, UTF16_BOMS, signature_kind, what_it_is
from retail_assets.landing.limits import xlsx_problem
from retail_assets.landing.profiles import SourceProfile

PARSER_MESSAGE_CHARS = 300


class FileRejected(ValueError):
    """The whole file cannot be trusted (unreadable, wrong columns); str() is the reason."""

    sha256 = ""  # the content's hash, when the reader had all of it


def read_source(content: bytes, profile: SourceProfile) -> pd.DataFrame:
    """Parse bytes into a frame whose columns are the source's own, all values strings."""
    if not content.strip():
        raise FileRejected("file is empty")
    try:
        if profile.format == "csv":
            frame = _read_csv(content, profile)
        elif profile.format == "xlsx":
            frame = _read_xlsx(content, profile)
        elif profile.format == "json":
            frame = _records_frame(_json_array(decode_text(content, profile)))
        else:
            frame = _records_frame(_ndjson_records(decode_text(content, profile)))
    except FileRejected:
        raise
    except UnicodeDecodeError as exc:
        raise FileRejected(f"not valid {' or '.join(encodings(profile))} text: {exc.reason} at byte {exc.start}") from None
    except Exception as exc:  # any parser failure means the file as a whole is unreadable
        # Parsers quote content ("could not convert string to float: '<a whole cell>'"): bounded.
        raise FileRejected(f"unreadable as {profile.format}: {type(exc).__name__}: "
                           f"{_bounded(str(exc), PARSER_MESSAGE_CHARS)}") from None
    if frame.empty and len(frame.columns) == 0:
        # `[]` or an NDJSON file of blank lines: a valid "nothing today" with no header to check.
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in profile.source_columns})
    # A header without rows is a valid export of a day with no activity (a closed store):
    # loaded as zero rows, so the audit shows the file arrived.
    return frame


def encodings(profile: SourceProfile) -> list[str]:
    return [profile.encoding, *profile.fallback_encodings]


def decode_text(content: bytes, profile: SourceProfile) -> str:
    """The file's text, without a byte-order mark: in the profile's encoding, else in the first of its
    `fallback_encodings` that reads every byte (utf-16 only after its byte-order mark).

    Bytes that are not text in the profile's encoding are judged before any fallback: FileRejected for
    what is plainly not text (a zip, a PDF, NUL bytes) and for a file cut in the middle of a character
    (read in a fallback encoding it would load with every accent garbled). UnicodeDecodeError (the
    profile's own encoding's) when nothing reads it.
    """
    try:
        return content.decode(profile.encoding).removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        if kind := what_it_is(content):
            expected = FORMAT_WORDS[profile.format]
            raise FileRejected(f"this is {kind}, not {expected}: save or export it as {expected}") from None
        if exc.end == len(content) and exc.reason == "unexpected end of data":
            raise FileRejected(f"the file ends in the middle of a character (its last {len(content) - exc.start} "
                               f"bytes are an incomplete {profile.encoding} sequence): it was cut off on its way; "
                               "send the whole file again") from None
        for fallback in profile.fallback_encodings:
            if codecs.lookup(fallback).name == "utf-16" and not content.startswith(UTF16_BOMS):
                continue  # without its mark, any even number of bytes "decodes" as UTF-16
            try:
                return content.decode(fallback).removeprefix("\ufeff")
            except UnicodeDecodeError:
                continue
        raise


def _read_csv(content: bytes, profile: SourceProfile) -> pd.DataFrame:
    text = decode_text(content, profile)  # decode first: a clear error for wrong encodings
    if problem := repeated_columns_problem(_csv_header(text, profile.delimiter), profile):
        raise FileRejected(problem)
    return pd.read_csv(
        io.StringIO(text),
        sep=profile.delimiter,
        dtype=str,
        keep_default_na=False,  # "" stays "", "NA" stays "NA": as arrived
        on_bad_lines="error",
        engine="c",
    )


def _csv_header(text: str, delimiter: str) -> list[str]:
    """The header's names as csv reads them ([] where csv cannot: pandas then words the problem)."""
    try:
        return next(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter), [])
    except csv.Error:  # old-Mac \r line ends, a name over csv's field limit
        return []


def repeated_columns_problem(header: list[str], profile: SourceProfile) -> str | None:
    """Why a header naming a mapped column more than once cannot load: which of the two is the
    quantity is a guess (pandas would silently take the first and rename the other 'quantity.1')."""
    repeated = [name for name in dict.fromkeys(profile.source_columns) if header.count(name) > 1]
    if not repeated:
        return None
    said = "; ".join(f"{_bounded(name)!r} appears {header.count(name)} times in the header" for name in repeated)
    return f"{said}: which one to load is unknown; send the file with each column once"


def _read_xlsx(content: bytes, profile: SourceProfile) -> pd.DataFrame:
    if not content.startswith(b"PK\x03\x04"):  # a CSV renamed .xlsx, an old .xls: say so, not "BadZipFile"
        kind = signature_kind(content) or "text or another kind of file"
        raise FileRejected(f"this is {kind}, not an Excel workbook (.xlsx): save it as Excel Workbook (.xlsx)")
    # An XLSX is a zip: a few kB can declare gigabytes of sheet XML. Refused from its directory alone.
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        if problem := xlsx_problem(archive, profile.limits):
            raise FileRejected(problem)
    frame = pd.read_excel(io.BytesIO(content), sheet_name=profile.sheet or 0, dtype=str, engine="openpyxl")
    return frame.astype(object).where(frame.notna(), None)


def _json_array(text: str) -> list[dict]:
    data = json.loads(text)
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise FileRejected("JSON file must hold an array of objects")
    return data


def _ndjson_records(text: str) -> list[dict]:
    lines = enumerate(text.splitlines(), start=1)
    return [ndjson_record(line, number) for number, line in lines if line.strip()]


def ndjson_record(line: str, number: int) -> dict:
    """One NDJSON line's object; FileRejected naming the line (shared with the streamed reader)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise FileRejected(f"line {number} is not valid JSON ({exc.msg}); the file may be truncated") from None
    if not isinstance(record, dict):
        raise FileRejected(f"line {number} is not a JSON object")
    return record


def _records_frame(records: list[dict]) -> pd.DataFrame:
    """Flatten nested objects to dotted columns (product.id) and stringify scalars.

    Values become text before any frame exists: a column of integers with a null
    would otherwise pass through float and turn 17850 into '17850.0'.
    """
    return pd.DataFrame([flatten(r) for r in records], dtype=object)


def flatten(record: dict, prefix: str = "") -> dict[str, str | None]:
    flat: dict[str, str | None] = {}
    for key, value in record.items():
        kind = type(value)  # exact types first: the per-value hot path of a big NDJSON file
        if kind is str:
            flat[prefix + key if prefix else key] = value
        elif kind is int:
            flat[prefix + key if prefix else key] = str(value)
        elif kind is dict and value:
            flat.update(flatten(value, prefix=f"{prefix}{key}."))
        else:
            flat[prefix + key if prefix else key] = _as_text(value)
    return flat


def _as_text(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _bounded(name: str, limit: int = 60) -> str:
    return name if len(name) <= limit else name[:limit] + "…"


def to_bronze_columns(source: pd.DataFrame, profile: SourceProfile) -> pd.DataFrame:
    """Rename source columns to the entity's canonical names; values untouched.

    Missing mapped columns mean the wrong file or a changed export: the file is
    rejected as a whole rather than loaded half-empty.
    """
    missing = [src for src in profile.source_columns if src not in source.columns]
    if missing:
        raise FileRejected(
            f"missing columns {missing} expected by profile {profile.name}; "
            # header names are file content: bounded, so a 1 MB header cannot bloat the reason
            f"file has {[_bounded(str(c)) for c in list(source.columns)[:20]]}"
            + _other_delimiter_hint([str(c) for c in source.columns], missing, profile)
        )
    entity = ENTITIES[profile.entity]
    out = pd.DataFrame(index=source.index)
    for name in entity.column_names:
        source_column = profile.columns.get(name)
        out[name] = source[source_column].astype(object) if source_column else None
    return out.reset_index(drop=True)


OTHER_DELIMITERS = (";", "\t", "|", ",")


def _other_delimiter_hint(header: list[str], missing: list[str], profile: SourceProfile) -> str:
    """'; the header is separated by ';', not ','...' when another separator would give the missing names."""
    for delimiter in OTHER_DELIMITERS:
        if delimiter != profile.delimiter and set(missing) <= {n.strip() for c in header for n in c.split(delimiter)}:
            return (f"; the header is separated by {delimiter!r}, not {profile.delimiter!r}: export it with "
                    f"{profile.delimiter!r} as the separator (a format of its own needs a profile of its own)")
    return ""
