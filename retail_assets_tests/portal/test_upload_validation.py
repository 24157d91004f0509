"""Unit tests of the portal's checks before a file lands: names, sizes, types by content, the profile's reader."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
import yaml

from retail_assets.landing.file_kinds import what_it_is
from retail_assets.landing.limits import FileLimits
from retail_assets.landing.profiles import PROFILES_DIR, load_profiles, parse_profile, profile_by_name
from retail_assets.portal.naming import canonical_name, client_file_name, kept_original, name_example
from retail_assets.portal.validation import Accepted, Refused, check_upload
from retail_assets.synthetic.generate import generate

PROFILES = load_profiles()
FIRST_DAY = "2010-12-01"
DAY = "2024-03-01"
CSV_OK = (b"store_id,store_name,country,region,city,store_type,opened_on\n"
          b"S001,High Street,United Kingdom,London,London,flagship,2015-04-01\n")


def check(name: str, content: bytes, profiles=PROFILES, max_bytes=None) -> Accepted | Refused:
    return check_upload(name, content, profiles, FIRST_DAY, max_bytes)


def refused(name: str, content: bytes, **kw) -> str:
    verdict = check(name, content, **kw)
    assert isinstance(verdict, Refused), verdict
    return verdict.reason


def with_profile(name: str, **changes) -> tuple:
    """The shipped profiles with one replaced by a modified copy."""
    return tuple(dataclasses.replace(p, **changes) if p.name == name else p for p in PROFILES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, bytes]:
    """One synthetic day: a file of every synthetic profile (CSV, XLSX, JSON, NDJSON), by name."""
    folder = tmp_path_factory.mktemp("landing")
    generate(folder, date.fromisoformat(DAY), 1, lines_per_day=60)
    return {p.name: p.read_bytes() for p in folder.iterdir()}


# --- what is accepted -------------------------------------------------------------------------


def test_every_synthetic_export_is_accepted_under_its_own_canonical_name(generated):
    assert len(generated) == 8
    for name, content in generated.items():
        verdict = check(name, content)
        assert isinstance(verdict, Accepted), (name, verdict)
        assert verdict.landed_name == name and verdict.partition_key == DAY
        assert verdict.profile.match.fullmatch(verdict.landed_name)


def test_a_real_online_retail_export_is_accepted(online_retail):
    verdict = check("2010-12-01.csv", (online_retail / "2010-12-01.csv").read_bytes())
    assert isinstance(verdict, Accepted) and verdict.profile.name == "online_retail"


def test_rows_with_bad_values_are_accepted_for_silver_to_judge():
    content = CSV_OK + b"S002,Market Square,United Kingdom,North,Leeds,outlet,not a date\n"
    assert isinstance(check("stores_2024-03-01.csv", content), Accepted)


# --- types by content, never by extension alone -----------------------------------------------


def test_binary_files_named_as_csv_are_refused_with_what_they_are(generated):
    assert "a PNG image, not CSV text" in refused("pos_sales_2024-03-01.csv", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    assert "a PDF document" in refused("pos_sales_2024-03-01.csv", b"%PDF-1.7\n...")
    assert "an Excel workbook or another zip file, not CSV text" in refused(
        "pos_sales_2024-03-01.csv", generated["customers_2024-03-01.xlsx"])
    assert "a binary file" in refused("stores_2024-03-01.csv", b"store_id\0\0\x01\x02")


def test_text_in_the_wrong_encoding_is_refused_with_the_byte():
    content = CSV_OK.replace(b"High Street", "Hôtel".encode("latin-1"))
    strict = with_profile("synthetic_stores", fallback_encodings=())
    reason = refused("stores_2024-03-01.csv", content, profiles=strict)
    assert "not CSV text in utf-8" in reason and f"byte {content.index(0xF4) + 1} cannot be read" in reason


@pytest.mark.parametrize("encoding", ["windows-1252", "utf-16"])
def test_text_in_a_fallback_encoding_of_its_profile_is_accepted(encoding):
    """What bronze reads (the profile's fallback_encodings), the portal accepts: Excel's CSV on Windows."""
    content = CSV_OK.decode().replace("High Street", "Hôtel de Ville").encode(encoding)
    assert isinstance(check("stores_2024-03-01.csv", content), Accepted)


def test_csv_with_other_columns_is_refused_with_the_readers_reason():
    reason = refused("stores_2024-03-01.csv", b"Invoice,Qty\n1,2\n")
    assert "cannot be read as a synthetic_stores export" in reason and "missing columns" in reason


def test_an_xlsx_name_needs_an_excel_workbook(generated):
    assert "not an Excel workbook (.xlsx)" in refused("customers_2024-03-01.xlsx", CSV_OK)
    old_excel = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    assert "an old Excel 97-2003 workbook (.xls)" in refused("customers_2024-03-01.xlsx", old_excel)
    plain_zip = io.BytesIO()
    with zipfile.ZipFile(plain_zip, "w") as z:
        z.writestr("readme.txt", "hello")
    assert "a zip file, not an Excel workbook" in refused("customers_2024-03-01.xlsx", plain_zip.getvalue())
    truncated = generated["customers_2024-03-01.xlsx"][:2000]
    assert "damaged" in refused("customers_2024-03-01.xlsx", truncated)


def test_an_xlsx_that_declares_too_much_is_refused_from_its_directory(generated):
    profiles = with_profile("synthetic_customers", limits=FileLimits(max_xlsx_uncompressed_bytes=10_000))
    reason = refused("customers_2024-03-01.xlsx", generated["customers_2024-03-01.xlsx"], profiles=profiles)
    assert "XLSX unpacks to" in reason and "over this profile's limit of 10 kB" in reason


def test_json_and_ndjson_are_parsed(generated):
    ndjson = generated["online_sales_2024-03-01.ndjson"]
    assert "not a JSON list of records" in refused("products_2024-03-01.json", ndjson)
    assert "not NDJSON" in refused("online_sales_2024-03-01.ndjson", generated["products_2024-03-01.json"])
    broken = ndjson.split(b"\n")[0] + b"\n{\"transaction_id\": \"T1\", \n"
    assert "line 2 is not valid JSON" in refused("online_sales_2024-03-01.ndjson", broken)
    assert "array of objects" in refused("products_2024-03-01.json", b"[1, 2, 3]")


# --- sizes ------------------------------------------------------------------------------------


def test_empty_and_oversized_files_are_refused():
    assert refused("stores_2024-03-01.csv", b"") == "the file is empty"
    assert refused("stores_2024-03-01.csv", b" \n\r\n") == "the file is empty"
    small = with_profile("synthetic_stores", limits=FileLimits(max_bytes=100))
    assert "over this profile's limit of 100 bytes" in refused("stores_2024-03-01.csv", CSV_OK, profiles=small)
    assert "over the portal's limit of 50 bytes" in refused("stores_2024-03-01.csv", CSV_OK, max_bytes=50)
    assert isinstance(check("stores_2024-03-01.csv", CSV_OK, max_bytes=len(CSV_OK)), Accepted)


def test_a_file_with_more_rows_than_its_profile_allows_is_refused():
    many = with_profile("synthetic_stores", limits=FileLimits(max_rows=1))
    content = CSV_OK + CSV_OK.split(b"\n")[1].replace(b"S001", b"S002") + b"\n"
    assert "over this profile's limit of 1" in refused("stores_2024-03-01.csv", content, profiles=many)


# --- names: profile match, dates, hostile names -----------------------------------------------


def test_names_no_profile_claims_are_refused_with_the_names_expected():
    reason = refused("sales march.csv", CSV_OK)
    assert "'sales march.csv' is not one of our exports" in reason
    assert "pos_sales_YYYY-MM-DD.csv" in reason and "customers_YYYY-MM-DD.xlsx" in reason


def test_dates_must_be_real_and_kept_by_the_warehouse():
    assert "is not a date" in refused("stores_2024-02-30.csv", CSV_OK)
    assert "before 2010-12-01, the first day this warehouse keeps" in refused("stores_2009-01-01.csv", CSV_OK)


HOSTILE = [
    "../../../../etc/stores_2024-03-01.csv",
    "..\\..\\Windows\\stores_2024-03-01.csv",
    "C:\\Users\\shop\\Desktop\\stores_2024-03-01.csv",
    "/tmp/stores_2024-03-01.csv",
    "stores_2024-03-01.csv/..",
    "stores_2024-03-01.csv\x00.png",
    "stores_2024-03-01.csv\n",
    "stores_2024-03-01.csv\r\nX-Injected: 1",
    "stores_\u202e2024-03-01.csv",
    "<script>alert(1)</script>stores_2024-03-01.csv",
    "stores_2024-03-01.csv;rm -rf ~",
    "$(reboot)stores_2024-03-01.csv",
    "stores_2024-03-01\udcff.csv",
    "x" * 250 + "stores_2024-03-01.csv",
    "",
    "   ",
    ".",
    "..",
]


@pytest.mark.parametrize("name", HOSTILE, ids=range(len(HOSTILE)))
def test_a_hostile_name_never_reaches_the_file_system(name):
    verdict = check(name, CSV_OK)
    if isinstance(verdict, Accepted):  # only a path around an exact export name is
        assert verdict.landed_name == "stores_2024-03-01.csv"
        assert client_file_name(name) == "stores_2024-03-01.csv"
    else:
        assert verdict.reason


def test_only_plain_paths_around_an_export_name_are_accepted():
    accepted = [n for n in HOSTILE if isinstance(check(n, CSV_OK), Accepted)]
    assert accepted == HOSTILE[:4]


def test_a_long_or_undecodable_name_is_refused_before_matching():
    assert "over the limit of 200" in refused("x" * 250 + "stores_2024-03-01.csv", CSV_OK)
    assert "not valid UTF-8" in refused("stores_2024-03-01\udcff.csv", CSV_OK)
    assert kept_original("\udcff" * 400).startswith("\\xff") and len(kept_original("a" * 400)) == 301


def test_what_it_is_leaves_text_alone():
    assert what_it_is(CSV_OK) is None and what_it_is("Hôtel".encode("latin-1")) is None


# --- the landed name --------------------------------------------------------------------------


def test_canonical_names_of_the_shipped_profiles():
    day = date(2024, 3, 1)
    assert canonical_name(profile_by_name("synthetic_pos_sales"), day) == "pos_sales_2024-03-01.csv"
    assert canonical_name(profile_by_name("online_retail"), day) == "2024-03-01.csv"
    assert all(canonical_name(p, day) for p in PROFILES), "every shipped profile can take uploads"
    assert name_example(profile_by_name("synthetic_customers")) == "customers_YYYY-MM-DD.xlsx"


def _profile(match: str, date_format: str = "%Y-%m-%d"):
    raw = yaml.safe_load((Path(PROFILES_DIR) / "synthetic_stores.yaml").read_text())
    return parse_profile({**raw, "name": "custom", "match": match, "date_format": date_format})


def test_a_pattern_with_more_than_literal_text_has_no_canonical_name():
    day = date(2024, 3, 1)
    assert canonical_name(_profile(r"shop_(?P<date>\d{8})\.csv", "%Y%m%d"), day) == "shop_20240301.csv"
    assert canonical_name(_profile(r"shop-[a-z]+_(?P<date>\d{4}-\d{2}-\d{2})\.csv"), day) is None
    assert canonical_name(_profile(r"(?:a|b)_(?P<date>\d{4}-\d{2}-\d{2})\.csv"), day) is None
    custom = (_profile(r"shop-[a-z]+_(?P<date>\d{4}-\d{2}-\d{2})\.csv"),)
    assert "cannot be uploaded here" in refused("shop-leeds_2024-03-01.csv", CSV_OK, profiles=custom)


def test_a_catch_up_export_lands_under_its_catch_up_name_not_the_daily_one():
    """The landed name is rendered from the pattern the upload matched: a catch-up renamed to the daily
    name would have its older lines rejected as a till with a wrong clock (issue 12)."""
    content = (Path(__file__).parents[1] / "fixtures" / "bad_inputs" / "many_days_catch_up.csv").read_bytes()
    verdict = check("C:\\exports\\pos_sales_2024-03-21_catchup.csv", content)
    assert isinstance(verdict, Accepted), verdict
    assert (verdict.landed_name, verdict.partition_key) == ("pos_sales_2024-03-21_catchup.csv", "2024-03-21")
    daily = check("pos_sales_2024-03-21.csv", content)
    assert isinstance(daily, Accepted) and daily.landed_name == "pos_sales_2024-03-21.csv"
    pos = profile_by_name("synthetic_pos_sales")
    assert canonical_name(pos, date(2024, 3, 21), catch_up=True) == "pos_sales_2024-03-21_catchup.csv"
