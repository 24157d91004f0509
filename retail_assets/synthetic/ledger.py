"""Replay of day-by-day dimension changes (customer versions, price changes).

A day's changes are drawn from that day's own random stream but applied to the
state left by all earlier days. Replaying from the universe start makes any
single day reproducible on its own, and walking forward day by day keeps a
long range linear.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date, timedelta

import pandas as pd

from retail_assets.synthetic.dimensions import Universe


class DailyLedger(ABC):
    """State of changing entities, advanced one day at a time from the universe start."""

    def __init__(self, universe: Universe) -> None:
        self.universe = universe
        self._reset()

    def _reset(self) -> None:
        """Back to the state on the universe start, before any change."""
        self.state: pd.DataFrame = self.initial_state()
        self.through: date = self.universe.start
        # No changes on the start day itself: an empty frame with the changes' columns.
        self._last: pd.DataFrame = self.draw_changes(self.universe.start, self.state).iloc[0:0]

    def changes_on(self, day: date) -> pd.DataFrame:
        """Changes made on `day`; afterwards `state` is the state at the end of `day`."""
        if day < self.universe.start:
            raise ValueError(f"{day} is before the universe start {self.universe.start}")
        if day <= self.through:  # going back (or repeating a day) means replaying from the start
            self._reset()
        while self.through < day:
            self.through += timedelta(days=1)
            self._last = self.draw_changes(self.through, self.state)
            self.apply(self._last)
        return self._last

    def apply(self, changes: pd.DataFrame) -> None:
        """Write changed columns over the current state (changes are indexed like the state)."""
        columns = [c for c in changes.columns if c in self.state.columns]
        if len(changes):
            self.state.loc[changes.index, columns] = changes[columns]

    @abstractmethod
    def initial_state(self) -> pd.DataFrame:
        """The state on the universe start day."""

    @abstractmethod
    def draw_changes(self, day: date, state: pd.DataFrame) -> pd.DataFrame:
        """Changes of one day given the state before it, drawn from that day's stream."""
