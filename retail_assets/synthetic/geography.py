"""Where the chain trades: countries, their regions and a city per region.

Fixed tables rather than Faker addresses, so that a store's city always lies in
its region and customers' regions are the ones the stores are in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, written as the `country` column
    faker_locale: str  # names and emails of people living there
    currency_symbol: str  # what a sloppy POS prefixes to prices
    wage_factor: float  # hourly rates differ by country
    regions: tuple[tuple[str, str], ...]  # (region, city), first ones get stores first


COUNTRIES: tuple[Country, ...] = (
    Country(
        "GB",
        "en_GB",
        "£",
        1.0,
        (
            ("London", "London"),
            ("North West", "Manchester"),
            ("West Midlands", "Birmingham"),
            ("Scotland", "Glasgow"),
            ("Yorkshire and the Humber", "Leeds"),
            ("South East", "Brighton"),
        ),
    ),
    Country(
        "US",
        "en_US",
        "$",
        1.2,
        (
            ("New York", "New York"),
            ("Illinois", "Chicago"),
            ("California", "Los Angeles"),
            ("Texas", "Austin"),
            ("Florida", "Orlando"),
        ),
    ),
    Country(
        "CA",
        "en_CA",
        "$",
        1.1,
        (
            ("Ontario", "Toronto"),
            ("British Columbia", "Vancouver"),
            ("Quebec", "Montreal"),
        ),
    ),
)

# Share of physical stores per country, in COUNTRIES order.
COUNTRY_STORE_SHARE = (0.45, 0.4, 0.15)

# The web shop ships from a warehouse in the first country.
ONLINE_HOME = ("GB", "South East", "Milton Keynes")


def country_by_code(code: str) -> Country:
    """Look a country up by its ISO code."""
    return next(c for c in COUNTRIES if c.code == code)


def all_regions() -> list[tuple[str, str]]:
    """Every (country code, region) pair customers can live in."""
    return [(c.code, region) for c in COUNTRIES for region, _ in c.regions]
