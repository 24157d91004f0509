"""Deterministic synthetic source for a retail chain: daily landing files with realistic defects.

Entry points: `generate(...)` (retail_assets.synthetic.generate) and `build_universe(...)`
(retail_assets.synthetic.dimensions); both are re-exported here lazily so that
`python -m retail_assets.synthetic.generate` does not import the module twice.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Universe", "UniverseSize", "build_universe", "generate"]


def __getattr__(name: str) -> Any:
    """Lazy re-exports (PEP 562)."""
    if name == "generate":
        from retail_assets.synthetic.generate import generate

        return generate
    if name in {"Universe", "UniverseSize", "build_universe"}:
        from retail_assets.synthetic import dimensions

        return getattr(dimensions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
