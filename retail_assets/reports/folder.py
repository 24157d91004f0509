"""Where the reports are written, as a resource so tests and deployments can point it elsewhere."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource


class ReportsFolder(ConfigurableResource):
    """The folder of CSV exports and the dashboard (default <RETAIL_DATA_DIR>/reports, see resources.py)."""

    path: str

    def file(self, name: str) -> Path:
        folder = Path(self.path)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name
