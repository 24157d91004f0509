"""What a file's first bytes say it is, when it is not text: the common mistakes of a person saving an export.

Pure. The upload portal refuses such a file at once, and bronze words its rejection the same way
for a file copied straight into the landing zone ("this is a PDF document, not CSV text").
"""

from __future__ import annotations

SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook or another zip file"),
    (b"PK\x05\x06", "an empty zip file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel 97-2003 workbook (.xls)"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
)
SNIFF_BYTES = 64 * 1024
FORMAT_WORDS = {"csv": "CSV text", "json": "JSON", "ndjson": "NDJSON (one JSON record per line)",
                "xlsx": "an Excel workbook (.xlsx)"}
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def signature_kind(content: bytes) -> str | None:
    """'a PDF document' (or another kind of file a signature names) from the first bytes."""
    for signature, kind in SIGNATURES:
        if content.startswith(signature):
            return kind
    return None


def what_it_is(content: bytes) -> str | None:
    """'a PDF document' (or another kind of binary file) from the first bytes; None for what may be text.

    A NUL byte makes a file binary, except after a UTF-16 byte-order mark: UTF-16 text is full of them."""
    if kind := signature_kind(content):
        return kind
    if content.startswith(UTF16_BOMS):
        return None
    return "a binary file" if b"\0" in content[:SNIFF_BYTES] else None
