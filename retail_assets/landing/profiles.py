"""Source profiles: declarative YAML files that map one export format onto a canonical entity.

Adding a POS vendor is adding a profile file under `landing/profiles/`, not
writing Python. See `landing/profiles/README.md` for every field.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml

from retail_assets.entities import ENTITIES
from retail_assets.landing.formats import UnsupportedFormat, format_regex
from retail_assets.landing.limits import FileLimits, parse_limits

PROFILES_DIR = Path(__file__).parent / "profiles"
FORMATS = {"csv", "xlsx", "json", "ndjson"}


@dataclass(frozen=True)
class CatchUp:
    """A catch-up export: lines of several weeks re-sent in one file (after a till outage), named
    apart from the daily file so that only it may reach `max_late_days` back. Still one partition
    (the date in its name); gold places each line on its own sale_date."""

    match: re.Pattern  # the catch-up file name, with the business date as (?P<date>...)
    max_late_days: int


@dataclass(frozen=True)
class SourceProfile:
    name: str
    entity: str
    match: re.Pattern
    format: str
    columns: dict[str, str]  # canonical column -> source column (dotted path for nested JSON)
    description: str = ""
    encoding: str = "utf-8"
    # Tried in order when the bytes are not text in `encoding` (utf-16 only after its byte-order mark).
    fallback_encodings: tuple[str, ...] = ()
    delimiter: str = ","
    decimal: str = "."
    sheet: str | None = None
    date_format: str = "%Y-%m-%d"  # of the date captured from the file name
    constants: dict[str, str] = field(default_factory=dict)
    timestamp_formats: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S",)
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    max_late_days: int = 7
    catch_up: CatchUp | None = None  # `catch_up:` in the YAML; None: the profile has no catch-up files
    rules: dict = field(default_factory=dict)
    limits: FileLimits = field(default_factory=FileLimits)

    @property
    def source_columns(self) -> list[str]:
        return list(self.columns.values())


class ProfileError(ValueError):
    """A profile file is malformed: raised at load time, never mid-run."""


def parse_profile(raw: dict, origin: str = "<dict>") -> SourceProfile:
    """Validate one profile document and build a SourceProfile."""
    missing = {"name", "entity", "match", "format", "columns"} - raw.keys()
    if missing:
        raise ProfileError(f"{origin}: missing keys {sorted(missing)}")
    entity = ENTITIES.get(raw["entity"])
    if entity is None:
        raise ProfileError(f"{origin}: unknown entity {raw['entity']!r}; known: {sorted(ENTITIES)}")
    if raw["format"] not in FORMATS:
        raise ProfileError(f"{origin}: format must be one of {sorted(FORMATS)}")
    columns = {str(k): str(v) for k, v in raw["columns"].items()}
    constants = {str(k): str(v) for k, v in (raw.get("constants") or {}).items()}
    unknown = (set(columns) | set(constants)) - set(entity.column_names)
    if unknown:
        raise ProfileError(f"{origin}: {sorted(unknown)} are not columns of {entity.name}")
    derived = {"line_number"} if (raw.get("rules") or {}).get("derive_line_number") else set()
    unmapped = {c.name for c in entity.columns if c.required} - set(columns) - set(constants) - derived
    if unmapped:
        raise ProfileError(f"{origin}: required columns of {entity.name} not mapped: {sorted(unmapped)}")
    pattern = re.compile(raw["match"])
    if "date" not in pattern.groupindex:
        raise ProfileError(f"{origin}: match must capture the business date as (?P<date>...)")
    timestamp_formats = tuple(raw.get("timestamp_formats", ["%Y-%m-%d %H:%M:%S"]))
    date_formats = tuple(raw.get("date_formats", ["%Y-%m-%d"]))
    for fmt in (*timestamp_formats, *date_formats):
        try:
            format_regex(fmt)
        except UnsupportedFormat as exc:
            raise ProfileError(f"{origin}: {exc}") from None
    fallback_encodings = tuple(str(e) for e in raw.get("fallback_encodings") or ())
    for name in (raw.get("encoding", "utf-8"), *fallback_encodings):
        try:
            codecs.lookup(name)
        except LookupError:
            raise ProfileError(f"{origin}: unknown encoding {name!r}") from None
    max_late_days = int(raw.get("max_late_days", 7))
    catch_up = _parse_catch_up(raw.get("catch_up"), max_late_days, origin)
    try:
        limits = parse_limits(raw.get("limits"))
    except (TypeError, ValueError) as exc:
        raise ProfileError(f"{origin}: limits: {exc}") from None
    return SourceProfile(
        name=raw["name"],
        entity=raw["entity"],
        match=pattern,
        format=raw["format"],
        columns=columns,
        description=raw.get("description", ""),
        encoding=raw.get("encoding", "utf-8"),
        fallback_encodings=fallback_encodings,
        delimiter=raw.get("delimiter", ","),
        decimal=raw.get("decimal", "."),
        sheet=raw.get("sheet"),
        date_format=raw.get("date_format", "%Y-%m-%d"),
        constants=constants,
        timestamp_formats=timestamp_formats,
        date_formats=date_formats,
        max_late_days=max_late_days,
        catch_up=catch_up,
        rules=dict(raw.get("rules") or {}),
        limits=limits,
    )


def _parse_catch_up(raw, max_late_days: int, origin: str) -> CatchUp | None:
    """`catch_up: {match: '<name pattern with (?P<date>...)>', max_late_days: N}`, N >= the daily limit."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or {"match", "max_late_days"} - raw.keys() or raw.keys() - {"match", "max_late_days"}:
        raise ProfileError(f"{origin}: catch_up must have exactly the keys 'match' and 'max_late_days'")
    pattern = re.compile(raw["match"])
    if "date" not in pattern.groupindex:
        raise ProfileError(f"{origin}: catch_up.match must capture the business date as (?P<date>...)")
    reach = raw["max_late_days"]
    if isinstance(reach, bool) or not isinstance(reach, int) or reach < max_late_days:
        raise ProfileError(f"{origin}: catch_up.max_late_days must be a whole number of days, at least "
                           f"max_late_days ({max_late_days})")
    return CatchUp(match=pattern, max_late_days=reach)


@lru_cache(maxsize=8)
def load_profiles(directory: Path = PROFILES_DIR) -> tuple[SourceProfile, ...]:
    """All profiles in a folder, sorted by name; names must be unique."""
    profiles = []
    for path in sorted(Path(directory).glob("*.yaml")):
        profiles.append(parse_profile(yaml.safe_load(path.read_text()), origin=path.name))
    names = [p.name for p in profiles]
    if len(names) != len(set(names)):
        raise ProfileError(f"duplicate profile names in {directory}: {names}")
    return tuple(profiles)


def profile_by_name(name: str, profiles: tuple[SourceProfile, ...] | None = None) -> SourceProfile:
    for profile in profiles or load_profiles():
        if profile.name == name:
            return profile
    raise KeyError(f"no source profile named {name!r}")


@dataclass(frozen=True)
class FileMatch:
    """A landing file matched to its profile and business-date partition."""

    profile: SourceProfile
    partition_key: str  # YYYY-MM-DD
    catch_up: bool = False  # named as the profile's catch-up export (profile.catch_up.match)


class UnmatchedFile(ValueError):
    """No profile claims the file, or its name carries no valid date; `str()` is the reason."""


def match_file(file_name: str, profiles: tuple[SourceProfile, ...] | None = None) -> FileMatch:
    """Find the one profile whose pattern (daily, or its catch-up pattern) matches the file name and
    read its business date."""
    profiles = profiles if profiles is not None else load_profiles()
    hits = [(p, m, catch_up) for p in profiles
            for pattern, catch_up in ((p.match, False), (p.catch_up.match if p.catch_up else None, True))
            if pattern is not None and (m := pattern.fullmatch(file_name))]
    if not hits:
        raise UnmatchedFile(f"no source profile matches the file name {file_name!r}")
    if len(hits) > 1:
        names = ", ".join(p.name + (" (catch-up)" if catch_up else "") for p, _, catch_up in hits)
        raise UnmatchedFile(f"file name {file_name!r} matches several profiles ({names})")
    profile, m, catch_up = hits[0]
    try:
        day: date = datetime.strptime(m.group("date"), profile.date_format).date()
    except ValueError:
        raise UnmatchedFile(
            f"file name {file_name!r}: {m.group('date')!r} is not a date in format {profile.date_format}"
        ) from None
    return FileMatch(profile=profile, partition_key=day.isoformat(), catch_up=catch_up)


def is_catch_up(file_name: str, profile: SourceProfile) -> bool:
    """Whether `file_name` is named as `profile`'s catch-up export."""
    return profile.catch_up is not None and profile.catch_up.match.fullmatch(file_name) is not None
