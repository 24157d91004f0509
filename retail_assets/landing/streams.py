"""A landing file read once, a chunk at a time: its sha256 and size on the way, its text decoded as it comes.

Stream plumbing for bronze's streamed readers (bronze/streamed_rows.py); nothing here knows a format.
Each piece holds at most a chunk or a line, so a file's size never becomes the memory a run needs.
"""

from __future__ import annotations

import codecs
import hashlib
import threading
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from retail_assets.landing.file_store import FileTooBig

CHUNK_BYTES = 1 << 20


class MeteredReader:
    """Reads a binary stream through, hashing and counting what passed.

    Past `max_bytes` it raises FileTooBig having read one byte beyond the limit, never more: the
    same stop and the same size as `LandingFileStore.read_bytes`, so the rejection reads the same.
    Thread-safe, and `stop()` ends reading: pyarrow's CSV reader reads ahead from its own thread,
    which may still be asking for bytes when the caller gives up and closes the file.
    """

    def __init__(self, raw: BinaryIO, max_bytes: int | None = None):
        self._raw = raw
        self._max = max_bytes
        self._digest = hashlib.sha256()
        self._lock = threading.Lock()
        self._stopped = False
        self._finished = False
        self.bytes_read = 0

    def read(self, size: int = CHUNK_BYTES) -> bytes:
        with self._lock:
            if self._stopped:
                return b""
            if self._max is not None:
                size = min(size, self._max + 1 - self.bytes_read)
            chunk = self._raw.read(size)
            self._finished = not chunk
            self._digest.update(chunk)
            self.bytes_read += len(chunk)
        if self._max is not None and self.bytes_read > self._max:
            raise FileTooBig(self.bytes_read)
        return chunk

    def stop(self) -> None:
        """No byte is read after this returns; a read under way finishes first."""
        with self._lock:
            self._stopped = True

    def file_sha256(self) -> str:
        """The sha256 of the file once read to its end; '' before."""
        with self._lock:
            return self._digest.hexdigest() if self._finished else ""


def decoded_chunks(reader: MeteredReader, encoding: str) -> Iterator[str]:
    """The stream's text without its byte-order mark, a chunk at a time; UnicodeDecodeError where decoding
    the whole would fail."""
    decoder = codecs.getincrementaldecoder(encoding)()
    first = True
    while chunk := reader.read(CHUNK_BYTES):
        if text := decoder.decode(chunk):
            if first:  # a byte-order mark is never content (the whole-file reader drops it too)
                first, text = False, text.removeprefix("\ufeff")
            if text:
                yield text
    if text := decoder.decode(b"", final=True):
        yield text


class Utf8Stream:
    """Text chunks as a binary file object of UTF-8: pyarrow's CSV reader takes bytes, and only UTF-8.

    A read never ends on a \r unless it is the last byte: pyarrow (21 and later, apache/arrow#51368) drops
    the \n of a quoted CRLF split across two reads, silently changing the value ("a\r\nb" -> "a\rb").
    """

    closed = False

    def __init__(self, chunks: Iterable[str]):
        self._chunks = iter(chunks)
        self._buffer = b""
        self._pos = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) - self._pos < size:
            text = next(self._chunks, None)
            if text is None:
                break
            self._buffer = self._buffer[self._pos:] + text.encode("utf-8")
            self._pos = 0
        end = len(self._buffer) if size < 0 else min(self._pos + size, len(self._buffer))
        if end - self._pos > 1 and self._buffer[end - 1] == ord("\r"):
            end -= 1  # held for the next read, with the \n that may follow it
        data = self._buffer[self._pos:end]
        self._pos = end
        return data

    def close(self) -> None:
        self.closed = True


def text_lines(chunks: Iterable[str]) -> Iterator[str]:
    """The lines `"".join(chunks).splitlines()` would give, without ever holding more than a line.

    splitlines, not split("\\n"): the whole-file NDJSON reader numbers lines that way (\\r, \\x1c,
    \\u2028... end a line too), and its messages name line numbers that must not change.
    """
    head: list[str] = []  # the start of a line whose end has not arrived yet
    carry = ""  # a chunk's final \r: the next chunk may start with the \n of the same line end
    for chunk in chunks:
        chunk, carry = carry + chunk, ""
        if chunk.endswith("\r"):
            chunk, carry = chunk[:-1], "\r"
        for part in chunk.splitlines(keepends=True):
            line = part.splitlines()[0]
            if len(line) < len(part):  # the part ends with its line break
                yield "".join(head) + line
                head = []
            else:
                head.append(part)
    yield from ("".join(head) + carry).splitlines()
