"""A real portal (python -m retail_assets.portal, i.e. make portal) and a real ingestion, for the API and browser tests.

The server runs in its own session on a free 127.0.0.1 port; it is stopped by SIGTERM to its own
process group, then SIGKILL if it lingers: only what these helpers started is ever signalled.
Waits poll with generous deadlines: the tests must pass on a busy 2-core machine.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import httpx

from retail_assets.synthetic.generate import generate

REPO = Path(__file__).resolve().parents[2]
TOKEN = "test-portal-token-" + "x7Kq2" * 4
DAY = "2024-03-01"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environment(data_dir: Path, **extra) -> dict[str, str]:
    env = {**os.environ, "RETAIL_DATA_DIR": str(data_dir), **extra}
    for name in ("DAGSTER_HOME", "RETAIL_DUCKDB_PATH", "RETAIL_LANDING_URI"):  # an ephemeral instance, this data root
        env.pop(name, None)
    return env


class PortalServer:
    def __init__(self, data_dir: Path, log_path: Path, token: str = TOKEN, **extra_env):
        self.data_dir, self.log_path, self.token = data_dir, log_path, token
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = _environment(data_dir, RETAIL_PORTAL_PORT=str(self.port), **extra_env)
        if token:
            self.env["RETAIL_PORTAL_TOKEN"] = token
        else:
            self.env.pop("RETAIL_PORTAL_TOKEN", None)
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 180) -> "PortalServer":
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen([sys.executable, "-m", "retail_assets.portal"], cwd=REPO, env=self.env,
                                        stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the portal exited with {self.process.returncode}: {self.log()}")
            try:
                if httpx.get(f"{self.url}/login", timeout=5).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        self.stop()
        raise TimeoutError(f"the portal did not answer within {timeout} s: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text()[-3000:] if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self._log.close()

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {self.token}"}, timeout=60)


def run_ingestion(data_dir: Path) -> str:
    """`make ingest` on this data root: the landing zone processed exactly as the sensor would."""
    done = subprocess.run([sys.executable, "-m", "retail_assets.ingest"], cwd=REPO, env=_environment(data_dir),
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def audit_rows(data_dir: Path) -> dict[tuple[str, str], dict]:
    """audit.file_loads by (file, sha256), read directly: what the portal's answers must equal."""
    with duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True) as conn:
        frame = conn.execute("SELECT * FROM audit.file_loads").fetchdf()
    return {(r["file"], r["sha256"]): r for r in frame.to_dict("records")}


def exports(folder: Path) -> dict[str, bytes]:
    """One generated day of exports by name, the POS file with one quantity that is not a number."""
    generate(folder, date.fromisoformat(DAY), 1, lines_per_day=60, defect_rate=0.0)
    files = {p.name: p.read_bytes() for p in folder.iterdir()}
    rows = list(csv.reader(io.StringIO(files[f"pos_sales_{DAY}.csv"].decode())))
    rows[2][rows[0].index("quantity")] = "two"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    files[f"pos_sales_{DAY}.csv"] = out.getvalue().encode()
    return files
