"""Unit tests of retail_assets.landing.profiles: the shipped YAML profiles, file matching, validation."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from retail_assets.entities import ENTITIES
from retail_assets.landing.profiles import (
    PROFILES_DIR,
    FileMatch,
    ProfileError,
    UnmatchedFile,
    load_profiles,
    match_file,
    parse_profile,
    profile_by_name,
)

SHIPPED = {
    "online_retail",
    "synthetic_customers",
    "synthetic_employees",
    "synthetic_inventory",
    "synthetic_online_sales",
    "synthetic_pos_sales",
    "synthetic_products",
    "synthetic_shifts",
    "synthetic_stores",
}

# A minimal valid profile document; each rejection test breaks one thing.
VALID = {
    "name": "test_stores",
    "entity": "stores",
    "match": r"shops_(?P<date>\d{8})\.csv",
    "format": "csv",
    "date_format": "%Y%m%d",
    "columns": {"store_id": "id", "store_name": "name", "country": "cc"},
}


def doc(**changes) -> dict:
    raw = copy.deepcopy(VALID)
    for key, value in changes.items():
        if value is None:
            raw.pop(key)
        else:
            raw[key] = value
    return raw


# --- shipped profiles --------------------------------------------------------------


def test_shipped_profiles_load_with_unique_names():
    profiles = load_profiles()
    names = [p.name for p in profiles]
    assert set(names) == SHIPPED
    assert len(names) == len(set(names))
    assert len(profiles) == len(list(PROFILES_DIR.glob("*.yaml")))  # every shipped file loads
    for p in profiles:
        assert p.entity in ENTITIES
        assert p.format in {"csv", "xlsx", "json", "ndjson"}
        assert "date" in p.match.groupindex


def test_shipped_profiles_map_only_canonical_columns():
    for p in load_profiles():
        entity = ENTITIES[p.entity]
        assert set(p.columns) <= set(entity.column_names), p.name
        assert set(p.constants) <= set(entity.column_names), p.name


def test_online_retail_profile_rules_are_loaded():
    p = profile_by_name("online_retail")
    assert p.rules["derive_line_number"] is True
    assert p.rules["cancellation_prefix"] == "C"
    assert p.constants == {"store_id": "ONLINE-UK", "channel": "online", "discount": "0"}
    assert p.max_late_days == 0
    assert "line_number" not in p.columns


def test_pos_profile_reads_day_first_timestamps_and_yaml_anchor_columns():
    p = profile_by_name("synthetic_pos_sales")
    assert "%d/%m/%Y %H:%M" in p.timestamp_formats
    assert "%m/%d/%Y %H:%M" not in p.timestamp_formats
    assert p.columns["transaction_id"] == "transaction_id"
    assert p.max_late_days == 3


def test_profile_by_name_unknown_raises_key_error():
    with pytest.raises(KeyError, match="no_such_profile"):
        profile_by_name("no_such_profile")


# --- match_file ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "file_name, profile, entity, partition",
    [
        ("2010-12-01.csv", "online_retail", "sales_lines", "2010-12-01"),
        ("pos_sales_2026-11-01.csv", "synthetic_pos_sales", "sales_lines", "2026-11-01"),
        ("online_sales_2026-11-01.ndjson", "synthetic_online_sales", "sales_lines", "2026-11-01"),
        ("customers_2026-11-01.xlsx", "synthetic_customers", "customers", "2026-11-01"),
        ("products_2026-11-02.json", "synthetic_products", "products", "2026-11-02"),
        ("stores_2026-11-03.csv", "synthetic_stores", "stores", "2026-11-03"),
        ("employees_2026-12-31.csv", "synthetic_employees", "employees", "2026-12-31"),
        ("shifts_2026-01-05.csv", "synthetic_shifts", "shifts", "2026-01-05"),
        ("inventory_2024-02-29.ndjson", "synthetic_inventory", "inventory", "2024-02-29"),
    ],
)
def test_match_file_shipped_kinds(file_name, profile, entity, partition):
    m = match_file(file_name)
    assert isinstance(m, FileMatch)
    assert m.profile.name == profile
    assert m.profile.entity == entity
    assert m.partition_key == partition


@pytest.mark.parametrize(
    "file_name",
    [
        "sales_2026-11-01.csv",
        "pos_sales_2026-11-01.xlsx",  # right name, wrong extension
        "pos_sales_2026-11-01.csv.bak",  # the pattern must match the whole name
        "old_pos_sales_2026-11-01.csv",
        "customers_20261101.xlsx",
        "",
    ],
)
def test_match_file_unknown_name_is_unmatched_with_reason(file_name):
    with pytest.raises(UnmatchedFile) as exc:
        match_file(file_name)
    assert "no source profile matches" in str(exc.value)
    assert repr(file_name) in str(exc.value)


@pytest.mark.parametrize(
    "file_name, bad_date",
    [("2026-13-45.csv", "2026-13-45"), ("pos_sales_2026-02-30.csv", "2026-02-30"), ("inventory_2025-02-29.ndjson", "2025-02-29")],
)
def test_match_file_invalid_date_is_unmatched_with_reason(file_name, bad_date):
    with pytest.raises(UnmatchedFile) as exc:
        match_file(file_name)
    reason = str(exc.value)
    assert file_name in reason
    assert f"{bad_date!r} is not a date" in reason
    assert "%Y-%m-%d" in reason


def test_match_file_ambiguous_names_are_refused():
    a = parse_profile(doc(name="a"))
    b = parse_profile(doc(name="b"))
    with pytest.raises(UnmatchedFile, match="several profiles"):
        match_file("shops_20261101.csv", (a, b))


def test_match_file_uses_the_profile_date_format():
    m = match_file("shops_20261101.csv", (parse_profile(doc()),))
    assert m.partition_key == "2026-11-01"


def test_match_file_with_empty_profile_tuple_matches_nothing():
    with pytest.raises(UnmatchedFile):
        match_file("pos_sales_2026-11-01.csv", ())


# --- parse_profile -----------------------------------------------------------------


def test_parse_profile_valid_document_and_defaults():
    p = parse_profile(doc())
    assert p.name == "test_stores"
    assert p.encoding == "utf-8" and p.delimiter == "," and p.decimal == "."
    assert p.timestamp_formats == ("%Y-%m-%d %H:%M:%S",)
    assert p.max_late_days == 7
    assert p.source_columns == ["id", "name", "cc"]


@pytest.mark.parametrize("key", ["name", "entity", "match", "format", "columns"])
def test_parse_profile_rejects_missing_keys(key):
    with pytest.raises(ProfileError, match=f"my.yaml: missing keys .*'{key}'"):
        parse_profile(doc(**{key: None}), origin="my.yaml")


def test_parse_profile_rejects_unknown_entity():
    with pytest.raises(ProfileError, match="unknown entity 'shops'"):
        parse_profile(doc(entity="shops"))


def test_parse_profile_rejects_unknown_format():
    with pytest.raises(ProfileError, match="format must be one of"):
        parse_profile(doc(format="parquet"))


def test_parse_profile_rejects_mapping_to_non_canonical_column():
    columns = {**VALID["columns"], "manager": "mgr"}
    with pytest.raises(ProfileError, match=r"\['manager'\] are not columns of stores"):
        parse_profile(doc(columns=columns))


def test_parse_profile_rejects_constant_for_non_canonical_column():
    with pytest.raises(ProfileError, match=r"\['currency'\] are not columns of stores"):
        parse_profile(doc(constants={"currency": "GBP"}))


def test_parse_profile_rejects_unmapped_required_column():
    columns = {"store_id": "id", "store_name": "name"}  # country is required
    with pytest.raises(ProfileError, match=r"required columns of stores not mapped: \['country'\]"):
        parse_profile(doc(columns=columns))


def test_parse_profile_constant_satisfies_a_required_column():
    p = parse_profile(doc(columns={"store_id": "id", "store_name": "name"}, constants={"country": "UK"}))
    assert p.constants == {"country": "UK"}


def test_parse_profile_derive_line_number_exempts_line_number_only():
    raw = yaml.safe_load((PROFILES_DIR / "online_retail.yaml").read_text())
    assert parse_profile(raw).rules["derive_line_number"] is True
    raw["rules"]["derive_line_number"] = False
    with pytest.raises(ProfileError, match=r"not mapped: \['line_number'\]"):
        parse_profile(raw)


def test_parse_profile_rejects_pattern_without_date_group():
    with pytest.raises(ProfileError, match=r"\(\?P<date>"):
        parse_profile(doc(match=r"shops_(\d{8})\.csv"))


def test_load_profiles_rejects_duplicate_names(tmp_path: Path):
    for file in ("one.yaml", "two.yaml"):
        (tmp_path / file).write_text(yaml.safe_dump(doc()))
    with pytest.raises(ProfileError, match="duplicate profile names"):
        load_profiles(tmp_path)


def test_load_profiles_reports_the_offending_file(tmp_path: Path):
    (tmp_path / "broken.yaml").write_text(yaml.safe_dump(doc(format="txt")))
    with pytest.raises(ProfileError, match="broken.yaml"):
        load_profiles(tmp_path)


@pytest.mark.parametrize(("key", "fmt", "reason"), [
    ("timestamp_formats", "%d %b %Y %H:%M", r"directive %b .* not supported"),
    ("date_formats", "%d/%m", r"has no %Y"),
])
def test_parse_profile_rejects_a_format_silver_cannot_parse(key, fmt, reason):
    """Checked when the profile loads (with its file name), never mid-run in silver."""
    with pytest.raises(ProfileError, match=f"my.yaml: .*{reason}"):
        parse_profile(doc(**{key: [fmt]}), origin="my.yaml")


def test_parse_profile_rejects_an_unknown_fallback_encoding():
    raw = {"name": "x", "entity": "stores", "match": r"s_(?P<date>\d{4}-\d{2}-\d{2})\.csv", "format": "csv",
           "columns": {"store_id": "id", "store_name": "n", "country": "c"}, "fallback_encodings": ["klingon"]}
    with pytest.raises(ProfileError, match="unknown encoding 'klingon'"):
        parse_profile(raw)


# --- catch-up exports (issue 12) ---------------------------------------------------------

CATCH_UP = {"match": r"shops_(?P<date>\d{8})_resent\.csv", "max_late_days": 30}


def test_a_catch_up_name_matches_its_profile_in_the_partition_of_its_date():
    pos = profile_by_name("synthetic_pos_sales")
    assert pos.catch_up is not None and (pos.max_late_days, pos.catch_up.max_late_days) == (3, 62)
    assert match_file("pos_sales_2024-03-21_catchup.csv") == FileMatch(pos, "2024-03-21", catch_up=True)
    assert match_file("pos_sales_2024-03-21.csv") == FileMatch(pos, "2024-03-21", catch_up=False)
    with pytest.raises(UnmatchedFile, match="no source profile"):
        match_file("pos_sales_2024-03-21_CATCHUP.csv")
    p = parse_profile(doc(catch_up=CATCH_UP, date_format="%Y%m%d"))
    assert match_file("shops_20240321_resent.csv", (p,)) == FileMatch(p, "2024-03-21", catch_up=True)


@pytest.mark.parametrize("catch_up, message", [
    ({"match": r"shops_resent\.csv", "max_late_days": 30}, r"catch_up.match must capture the business date"),
    ({"match": r"shops_(?P<date>\d{8})_resent\.csv"}, r"catch_up must have exactly the keys"),
    ({**CATCH_UP, "max_days": 30}, r"catch_up must have exactly the keys"),
    ({**CATCH_UP, "max_late_days": 2}, r"catch_up.max_late_days must be .* at least max_late_days \(7\)"),
    ({**CATCH_UP, "max_late_days": "30"}, r"catch_up.max_late_days must be a whole number"),
    ("shops_resent.csv", r"catch_up must have exactly the keys"),
])
def test_parse_profile_rejects_a_bad_catch_up(catch_up, message):
    with pytest.raises(ProfileError, match=message):
        parse_profile(doc(catch_up=catch_up))


def test_a_name_both_patterns_claim_is_ambiguous():
    p = parse_profile(doc(catch_up={"match": r"shops_(?P<date>\d{8})\.csv", "max_late_days": 30}, date_format="%Y%m%d"))
    with pytest.raises(UnmatchedFile, match=r"several profiles \(test_stores, test_stores \(catch-up\)\)"):
        match_file("shops_20240321.csv", (p,))
