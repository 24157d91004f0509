"""A CSV or NDJSON landing file's canonical rows from one streamed read: hashed, counted and parsed a block at a time.

The whole-file reader (arrow_rows.canonical_rows) holds the file's bytes, their text, a re-encoded copy and
the rows at once; here a file costs its rows plus a few blocks, and one over its row or cell limit is refused
at the first block that shows it (read no further than pyarrow's read-ahead, 32 blocks). Whatever this reader
cannot judge exactly as the whole-file reader does (a decoding or parser error, blank, duplicate or missing
column names, no records) returns None, and the caller reads the file whole: what is accepted and every
rejection message stay that reader's. By design a file over a limit is refused for the limit, even where a
later line would have been refused for something else; the whole-file reader, which sees that line first,
says the other reason.
JSON arrays and XLSX are not streamed (json.loads and openpyxl need the whole file).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pacsv

from retail_assets.bronze.arrow_rows import canonical, cells_problem, csv_header_ok, csv_options
from retail_assets.bronze.readers import FileRejected, flatten, ndjson_record
from retail_assets.entities import ENTITIES
from retail_assets.landing.limits import rows_problem
from retail_assets.landing.profiles import SourceProfile
from retail_assets.landing.streams import MeteredReader, Utf8Stream, decoded_chunks, text_lines

STREAMED_FORMATS = frozenset({"csv", "ndjson"})
NDJSON_BATCH_ROWS = 50_000
# A real header is a few hundred characters; a longer first record is left to the whole-file reader.
HEADER_MAX_CHARS = 1 << 20


class _CannotJudge(Exception):
    """The whole-file reader must decide this file."""


@dataclass(frozen=True)
class StreamedRows:
    rows: pa.Table  # the entity's columns, strings as they arrived
    sha256: str  # of every byte of the file


class CannotJudge(Exception):
    """The whole-file reader must decide this file (raised by `streamed_batches` at any point, even after
    some batches were given out: the caller drops those)."""


def streamed_batches(stream: BinaryIO, profile: SourceProfile) -> Iterator[pa.RecordBatch]:
    """The file's canonical rows a batch at a time, each judged before it is given out; returns (as the
    generator's value) the sha256 of every byte read, or "" if the parser stopped before the end.

    Raises FileRejected for a row or cell limit or an NDJSON line that is not a JSON object, CannotJudge
    where the whole-file reader must decide, FileTooBig one byte past the byte limit, OSError if the
    stream fails. A CSV batch is one block of arrow_rows.CSV_BLOCK_BYTES. Memory: two batches, whatever
    the file's size, so the caller can write each batch away before the next is read.
    """
    reader = MeteredReader(stream, profile.limits.max_bytes)
    text = decoded_chunks(reader, profile.encoding)
    try:
        batches = _csv_batches(text, profile) if profile.format == "csv" else _ndjson_batches(text, profile)
        yield from _judged(batches, profile)
    except (_CannotJudge, UnicodeError, csv.Error, pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise CannotJudge from None
    except FileRejected as exc:
        exc.sha256 = reader.file_sha256()  # refused once read to the end: the audit needs no second read
        raise
    finally:
        reader.stop()  # before the caller closes the file: pyarrow's read-ahead may still be asking
    return reader.file_sha256()


def streamed_rows(stream: BinaryIO, profile: SourceProfile) -> StreamedRows | None:
    """`streamed_batches` gathered into one table with the file's sha256, or None where the whole-file reader
    must decide. Holds the whole file's rows: bronze appends batch by batch instead; this is the reader's
    verdict in one piece, as the whole-file reader gives it (tests compare the two)."""
    kept: list[pa.RecordBatch] = []
    batches = streamed_batches(stream, profile)
    try:
        while True:
            kept.append(next(batches))
    except StopIteration as end:
        sha = end.value
    except CannotJudge:
        return None
    if not sha:
        return None  # the parser stopped early: not the file's rows
    names = ENTITIES[profile.entity].column_names
    return StreamedRows(pa.Table.from_batches(kept, schema=pa.schema([(n, pa.string()) for n in names])), sha)


def _judged(batches: Iterator[pa.RecordBatch], profile: SourceProfile) -> Iterator[pa.RecordBatch]:
    """Each batch once judged: one followed by more on its own (rows so far, its cells); the last with the count
    of the whole file, in the whole-file reader's words (its cells are the whole file's: the earlier ones passed)."""
    rows = 0
    batch = next(batches, None)
    while batch is not None:
        following = next(batches, None)
        rows += batch.num_rows
        last = following is None
        if problem := rows_problem(rows, profile.limits, complete=last) or cells_problem(batch, profile):
            raise FileRejected(problem)
        yield batch
        batch = following


def _csv_batches(chunks: Iterator[str], profile: SourceProfile) -> Iterator[pa.RecordBatch]:
    chunks = _without_bom(chunks)
    header, head = _first_record(chunks, profile.delimiter)
    if not head.strip() or not csv_header_ok(header) or any(c not in header for c in profile.source_columns):
        raise _CannotJudge  # an empty file, names pandas would rename, missing columns: pandas words these
    reader = pacsv.open_csv(Utf8Stream(itertools.chain([head], chunks)), **csv_options(profile, header))
    if reader.schema.names != header or set(reader.schema.types) != {pa.string()}:
        raise _CannotJudge  # pyarrow split the header otherwise than csv.reader
    return (canonical(batch, profile) for batch in reader)


def _without_bom(chunks: Iterator[str]) -> Iterator[str]:
    """pandas drops a BOM too: it must not stick to the first name."""
    yield next(chunks, "").removeprefix("\ufeff")
    yield from chunks


def _first_record(chunks: Iterator[str], delimiter: str) -> tuple[list[str], str]:
    """The header exactly as the whole-file reader takes it (csv.reader over io.StringIO of the whole text),
    and the text taken from `chunks` to find it."""
    head = ""
    while True:
        chunk = next(chunks, None)
        head += chunk or ""
        taken: list[str] = []
        header = next(csv.reader(_taking(io.StringIO(head), taken), delimiter=delimiter), [])
        # csv.reader pulls lines only while its record goes on: text left over means the record ended by itself.
        if chunk is None or sum(map(len, taken)) < len(head):
            return header, head
        if len(head) > HEADER_MAX_CHARS:
            raise _CannotJudge


def _taking(lines: Iterator[str], taken: list[str]) -> Iterator[str]:
    for line in lines:
        taken.append(line)
        yield line


def _ndjson_batches(chunks: Iterator[str], profile: SourceProfile) -> Iterator[pa.RecordBatch]:
    """Flattened records as canonical batches, with readers.py's messages for a bad line."""
    names = list(dict.fromkeys(profile.source_columns))
    seen: set[str] = set()
    pending: list[dict] = []
    lines = text_lines(chunks)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = flatten(ndjson_record(line, number))
        except FileRejected:
            for _ in lines:  # the whole-file reader decodes first: a bad byte further on is its reason
                pass
            raise
        seen.update(record)
        pending.append(record)
        if len(pending) == NDJSON_BATCH_ROWS:
            yield _ndjson_batch(pending, names, profile)
            pending = []
    if not seen or not seen.issuperset(names):
        raise _CannotJudge  # no records (empty, or an empty day) or missing columns: pandas words these
    if pending:
        yield _ndjson_batch(pending, names, profile)


def _ndjson_batch(records: list[dict], names: list[str], profile: SourceProfile) -> pa.RecordBatch:
    columns = [pa.array([record.get(name) for record in records], pa.string()) for name in names]
    return canonical(pa.RecordBatch.from_arrays(columns, names=names), profile)
