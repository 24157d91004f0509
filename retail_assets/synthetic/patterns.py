"""Calendar and clock patterns of demand: weekdays, seasons, peak hours.

Kept apart from the sampling code so a forecast's expected shape can be read in
one place.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from retail_assets.synthetic import seeding

# Monday..Sunday; averages 1.0 so `lines_per_day` is the mean over a week.
WEEKDAY_FACTOR = np.array([0.85, 0.80, 0.87, 0.95, 1.10, 1.40, 1.03])

# January..December: post-Christmas slump, summer bump, Q4 build-up.
MONTH_FACTOR = np.array([0.80, 0.82, 0.90, 0.95, 0.97, 1.00, 1.05, 1.05, 0.95, 1.00, 1.08, 1.30])

# In-store trading hours 08:00-21:59: lunch (12-13) and after-work (17-19) peaks.
STORE_OPEN_HOUR = 8
STORE_HOUR_WEIGHT = np.array(
    [0.35, 0.55, 0.75, 0.95, 1.75, 1.65, 1.05, 0.95, 1.10, 1.65, 1.85, 1.50, 0.85, 0.45]
)
# Weekends shop from late morning through the afternoon instead.
WEEKEND_STORE_HOUR_WEIGHT = np.array(
    [0.25, 0.50, 0.95, 1.40, 1.60, 1.65, 1.60, 1.50, 1.40, 1.20, 0.95, 0.70, 0.45, 0.25]
)
# The web shop never closes; evenings after dinner are its peak.
ONLINE_HOUR_WEIGHT = np.array(
    [0.30, 0.18, 0.10, 0.07, 0.06, 0.08, 0.18, 0.35, 0.55, 0.70, 0.80, 0.90,
     1.10, 1.00, 0.85, 0.85, 0.90, 1.00, 1.20, 1.50, 1.80, 1.75, 1.30, 0.70]
)

# Day-to-day noise on volume, so two Mondays are not identical.
VOLUME_NOISE_SIGMA = 0.06


def black_friday(year: int) -> date:
    """Fourth Friday of November, the biggest promotion day."""
    first = date(year, 11, 1)
    first_friday = first + timedelta(days=(4 - first.weekday()) % 7)
    return first_friday + timedelta(weeks=3)


def season_factor(day: date) -> float:
    """Demand multiplier for the time of year, with Black Friday and Christmas spikes."""
    factor = float(MONTH_FACTOR[day.month - 1])
    bf = black_friday(day.year)
    if day == bf:
        factor *= 2.0
    elif 0 < (day - bf).days <= 3:  # the weekend and Cyber Monday after it
        factor *= 1.35
    if day.month == 12:
        if day.day <= 24:
            factor *= 1.0 + 0.6 * day.day / 24  # ramp up to Christmas Eve
        elif day.day == 25:
            factor *= 0.3  # stores shut, only the web shop trades
        elif day.day == 26:
            factor *= 1.5  # boxing day sales
    return factor


def demand_factor(day: date) -> float:
    """Expected volume of a day relative to an average day."""
    return float(WEEKDAY_FACTOR[day.weekday()]) * season_factor(day)


def promo_intensity(day: date) -> float:
    """Share of lines sold at a discount: higher around Black Friday and after Christmas."""
    bf = black_friday(day.year)
    if 0 <= (day - bf).days <= 3:
        return 0.45
    if day.month == 12 and day.day >= 26 or day.month == 1 and day.day <= 10:
        return 0.35
    return 0.12


def stores_closed(day: date) -> bool:
    """Christmas Day: every physical store is shut, only the web shop trades."""
    return day.month == 12 and day.day == 25


def online_share(day: date) -> float:
    """Share of transactions placed on the web shop (all of them when the stores are shut)."""
    if stores_closed(day):
        return 1.0
    return 0.22 if day.weekday() < 5 else 0.16


def line_target(seed: int, day: date, lines_per_day: int) -> int:
    """Number of (clean) sales lines of a day: base volume x calendar x noise."""
    rng = seeding.day_rng(seed, day, seeding.VOLUME)
    noise = float(np.exp(rng.normal(0.0, VOLUME_NOISE_SIGMA)))
    return max(1, int(round(lines_per_day * demand_factor(day) * noise)))


def store_hour_weights(day: date) -> np.ndarray:
    """Normalised probability of each in-store trading hour on that day."""
    w = WEEKEND_STORE_HOUR_WEIGHT if day.weekday() >= 5 else STORE_HOUR_WEIGHT
    return w / w.sum()


def online_hour_weights() -> np.ndarray:
    """Normalised probability of each hour for web orders."""
    return ONLINE_HOUR_WEIGHT / ONLINE_HOUR_WEIGHT.sum()
