"""The stream plumbing under bronze's streamed reader (retail_assets/landing/streams.py): one pass gives the
file's sha256, its size check and its text, with the whole-file readers' line numbering and decoding."""

from __future__ import annotations

import hashlib
import io
import random

import pytest

from retail_assets.landing.file_store import FileTooBig
from retail_assets.landing.streams import MeteredReader, Utf8Stream, decoded_chunks, text_lines

BREAKS = ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\n\n", "\r\r\n"]


def _chunked(text: str, rng: random.Random) -> list[str]:
    cuts = sorted(rng.sample(range(1, len(text)), min(len(text) - 1, rng.randint(1, 12))))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]


@pytest.mark.parametrize("seed", range(200))
def test_text_lines_cut_any_way_are_the_whole_texts_splitlines(seed):
    """\\r\\n split over two chunks stays one line end, as in the whole text."""
    rng = random.Random(seed)
    text = "".join(rng.choice(["ab", "{}", " ", "é", *BREAKS]) for _ in range(rng.randint(2, 40)))
    assert list(text_lines(_chunked(text, rng))) == text.splitlines()


def test_metered_reader_hashes_and_counts_what_passed():
    content = bytes(range(256)) * 10_000
    reader = MeteredReader(io.BytesIO(content), max_bytes=len(content))
    assert reader.file_sha256() == ""  # not read to the end yet
    pieces = list(iter(lambda: reader.read(65_536), b""))
    assert b"".join(pieces) == content and reader.bytes_read == len(content)
    assert reader.file_sha256() == hashlib.sha256(content).hexdigest()


def test_metered_reader_stops_one_byte_past_the_limit_like_read_bytes():
    raw = io.BytesIO(b"x" * 10_000)
    reader = MeteredReader(raw, max_bytes=2_500)
    with pytest.raises(FileTooBig) as too_big:
        while reader.read(1_000):
            pass
    assert too_big.value.size == 2_501 and raw.tell() == 2_501


def test_a_stopped_reader_reads_nothing_more_and_claims_no_hash():
    raw = io.BytesIO(b"x" * 10_000)
    reader = MeteredReader(raw)
    reader.read(100)
    reader.stop()
    assert reader.read(100) == b"" and raw.tell() == 100 and reader.file_sha256() == ""


@pytest.mark.parametrize("encoding", ["utf-8", "windows-1252", "utf-16"])
def test_decoded_chunks_are_the_whole_decode_even_across_split_characters(encoding):
    text = "Café €5, naïve “quotes” — " * 100_000  # multi-byte characters cut by every 1 MiB chunk
    chunks = list(decoded_chunks(MeteredReader(io.BytesIO(text.encode(encoding))), encoding))
    assert len(chunks) > 1 and "".join(chunks) == text


def test_decoded_chunks_fail_where_the_whole_decode_fails():
    with pytest.raises(UnicodeDecodeError):
        list(decoded_chunks(MeteredReader(io.BytesIO(b"ok\n" * 500_000 + b"Z\xfcrich\n")), "utf-8"))
    with pytest.raises(UnicodeDecodeError):  # a character cut off by the end of the file
        list(decoded_chunks(MeteredReader(io.BytesIO("ok €".encode()[:-1])), "utf-8"))


def test_utf8_stream_serves_exact_sizes_until_the_end():
    stream = Utf8Stream(["ab", "", "é" * 5, "z"])
    assert [stream.read(3), stream.read(3), stream.read(100), stream.read(3)] == \
        [b"ab\xc3", b"\xa9\xc3\xa9", ("é" * 3).encode() + b"z", b""]


def test_utf8_stream_never_ends_a_read_on_a_carriage_return():
    """pyarrow loses the \\n of a quoted CRLF split across reads (apache/arrow#51368); the \\r waits for it."""
    stream = Utf8Stream(['x,"a\r', '\nb"\r', "\n"])
    assert [stream.read(4), stream.read(4), stream.read(4), stream.read(4)] == [b'x,"a', b'\r\nb"', b"\r\n", b""]
    last = Utf8Stream(["ab\r"])
    assert [last.read(10), last.read(10), last.read(10)] == [b"ab", b"\r", b""]
