"""Deterministic synthetic source for a retail chain: daily landing files with realistic defects."""

from retail_assets.source.dimensions import Universe, UniverseSize, build_universe
from retail_assets.source.generate import generate

__all__ = ["Universe", "UniverseSize", "build_universe", "generate"]
