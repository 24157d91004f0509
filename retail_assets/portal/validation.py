"""Whether an uploaded file may land, decided before it does: pure functions of its name and bytes.

In order: the name (a profile claims it, with a valid business date the warehouse keeps), the
size (the profile's limit), the type by content (text in the profile's encoding for CSV and
JSON, an OOXML zip for XLSX: never the extension alone), then bronze's own reader, so a file the
portal accepts is one bronze can read. Row-level checks stay with silver: a file with bad rows is
accepted, and its page lists them. Every reason is written for the person who sent the file.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone

from retail_assets.bronze.arrow_rows import FileRejected, bronze_table
from retail_assets.bronze.readers import decode_text
from retail_assets.landing.file_kinds import FORMAT_WORDS, SNIFF_BYTES, what_it_is
from retail_assets.landing.limits import display_name, human_bytes, name_problem, size_problem, xlsx_problem
from retail_assets.landing.profiles import SourceProfile, UnmatchedFile, match_file
from retail_assets.portal.naming import canonical_name, client_file_name, name_example


@dataclass(frozen=True)
class Accepted:
    profile: SourceProfile
    partition_key: str
    landed_name: str  # rendered from the profile and the date, never the sent name
    sha256: str


@dataclass(frozen=True)
class Refused:
    reason: str


def text_problem(content: bytes, profile: SourceProfile) -> str | None:
    """Why this is not text of the profile's format in its encoding, if it is not."""
    expected = FORMAT_WORDS[profile.format]
    if kind := what_it_is(content):
        return f"this is {kind}, not {expected}: save or export it as {expected}"
    decoder = codecs.getincrementaldecoder(profile.encoding)("strict")
    step = 1 << 20
    try:
        for at in range(0, len(content), step):  # in slices: a large file is never held twice as text
            decoder.decode(content[at:at + step], final=at + step >= len(content))
    except UnicodeDecodeError as exc:
        if not _in_a_fallback_encoding(content, profile):
            return (f"this is not {expected} in {profile.encoding} (byte {at + exc.start + 1} cannot be read): "
                    f"save it again as {expected}, {profile.encoding} encoding")
    head = content[:SNIFF_BYTES].decode(profile.encoding, "ignore").lstrip("\ufeff \t\r\n")
    if profile.format == "json" and not head.startswith("["):
        return "this is not a JSON list of records: the file must start with ["
    if profile.format == "ndjson" and head and not head.startswith("{"):
        return "this is not NDJSON: every line must be one JSON record starting with {"
    return None


def _in_a_fallback_encoding(content: bytes, profile: SourceProfile) -> bool:
    """True if bronze reads the bytes in one of the profile's fallback encodings (windows-1252, UTF-16)."""
    if not profile.fallback_encodings:
        return False
    try:
        decode_text(content, profile)
    except (UnicodeDecodeError, FileRejected):
        return False
    return True


def workbook_problem(content: bytes, profile: SourceProfile) -> str | None:
    """Why this is not an Excel workbook (.xlsx) the profile may read: a zip with the OOXML parts, within limits."""
    if not content.startswith(b"PK\x03\x04"):
        kind = what_it_is(content) or "text or another kind of file"
        return f"this is {kind}, not an Excel workbook (.xlsx): save it as Excel Workbook (.xlsx)"
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
                return "this is a zip file, not an Excel workbook (.xlsx): save it as Excel Workbook (.xlsx)"
            return xlsx_problem(archive, profile.limits)
    except zipfile.BadZipFile:
        return "this workbook is damaged (it cannot be opened as .xlsx): save it again and upload the new file"


def content_problem(content: bytes, profile: SourceProfile) -> str | None:
    """Why these bytes are not the profile's format, judged by content alone."""
    if profile.format == "xlsx":
        return workbook_problem(content, profile)
    return text_problem(content, profile)


def expected_names(profiles: tuple[SourceProfile, ...]) -> str:
    return ", ".join(dict.fromkeys(name_example(p) for p in profiles))


def name_refusal(sent_name: str, profiles: tuple[SourceProfile, ...], first_day: str):
    """(profile, day, landed name) for a sent file name, or the reason it cannot be an export's."""
    name = client_file_name(sent_name)
    if not name:
        return "the file has no name: name it as the export is named, with the day's date"
    if problem := name_problem(name):
        return problem
    try:
        matched = match_file(name, profiles)
    except UnmatchedFile as exc:
        if not str(exc).startswith("no source profile matches"):
            return str(exc)  # a date that is not one, or a name several profiles claim
        return (f"the file name {display_name(name)!r} is not one of our exports: keep the name the till or "
                f"back office gives it, with the day's date (expected one of {expected_names(profiles)})")
    if matched.partition_key < first_day:
        return f"the file is dated {matched.partition_key}, before {first_day}, the first day this warehouse keeps"
    day = date.fromisoformat(matched.partition_key)
    landed = canonical_name(matched.profile, day, catch_up=matched.catch_up)  # a catch-up stays one
    if landed is None:
        return f"files of the {matched.profile.name} export cannot be uploaded here: copy them to the landing zone"
    return matched.profile, matched.partition_key, landed


def check_upload(sent_name: str, content: bytes, profiles: tuple[SourceProfile, ...], first_day: str,
                 max_bytes: int | None = None) -> Accepted | Refused:
    """Accepted (with its landed name) or Refused (with a reason), from the sent name and the bytes alone."""
    named = name_refusal(sent_name, profiles, first_day)
    if isinstance(named, str):
        return Refused(named)
    profile, partition_key, landed = named
    if not content.strip():
        return Refused("the file is empty")
    if problem := size_problem(len(content), profile.limits):
        return Refused(problem)
    if max_bytes is not None and len(content) > max_bytes:
        return Refused(f"file is {human_bytes(len(content))}, over the portal's limit of {human_bytes(max_bytes)}")
    if problem := content_problem(content, profile):
        return Refused(problem)
    sha = hashlib.sha256(content).hexdigest()
    try:  # exactly what bronze will do with it: a file accepted here is never refused unread later
        bronze_table(content, profile, landed, sha, partition_key, datetime.now(timezone.utc).replace(tzinfo=None))
    except FileRejected as exc:
        return Refused(f"the file cannot be read as a {profile.name} export: {exc}")
    return Accepted(profile, partition_key, landed, sha)
