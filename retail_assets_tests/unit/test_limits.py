"""Unit tests of retail_assets.landing.limits: the numbers in every rejection reason."""

from __future__ import annotations

import pytest
import yaml

from retail_assets.landing.limits import FileLimits, file_problem, human_bytes, name_problem, parse_limits
from retail_assets.landing.profiles import PROFILES_DIR, ProfileError, parse_profile


@pytest.mark.parametrize("n, text", [(2_100_000_000, "2.1 GB"), (500_000_000, "500 MB"), (275_031, "275 kB"),
                                     (999, "999 bytes")])
def test_human_bytes(n, text):
    assert human_bytes(n) == text


def test_the_first_problem_wins_and_real_exports_have_none():
    limits = FileLimits(max_bytes=100)
    assert file_problem("2010-12-01.csv", 99, None, limits) is None
    assert file_problem("2010-12-01.csv", 101, None, limits) == "file is 101 bytes, over this profile's limit of 100 bytes"
    assert file_problem("2010-12-01.csv", 101, "a symbolic link", limits) == "a symbolic link"
    assert file_problem("a" * 201, 1, "a symbolic link", limits) == "file name is 201 characters, over the limit of 200"
    assert name_problem("2010-12-01\udcff.csv") == "file name '2010-12-01\\\\xff.csv' is not valid UTF-8"
    assert FileLimits().max_bytes == 500_000_000


def test_profile_limits_override_the_defaults_and_unknown_ones_fail_at_load():
    raw = yaml.safe_load((PROFILES_DIR / "synthetic_stores.yaml").read_text())
    assert parse_profile(raw | {"limits": {"max_rows": 10}}).limits == FileLimits(max_rows=10)
    assert parse_limits(None) == FileLimits()
    with pytest.raises(ProfileError, match="unknown limits"):
        parse_profile(raw | {"limits": {"max_gigabytes": 1}})
