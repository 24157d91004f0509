"""Start and stop a real `dagster dev` (webserver + daemon) for tests, and talk GraphQL to it.

Started in its own session with SIGINT/SIGTERM reset to their defaults (a
non-interactive shell leaves them ignored, and then dagster dev's children
outlive it); stopped by SIGINT to its process, then SIGKILL to what is left of
its process group. Only the PIDs started here are ever signalled.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
LOCATION = "retail_assets.definitions"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reset_signals():
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class DagsterDev:
    def __init__(self, home: Path, data_dir: Path, log_path: Path, extra_env: dict | None = None):
        self.home, self.data_dir, self.log_path = home, data_dir, log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 180) -> "DagsterDev":
        self.home.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / "dagster.yaml", self.home / "dagster.yaml")  # the project's pools and limits
        env = {
            **os.environ,
            "DAGSTER_HOME": str(self.home),
            "RETAIL_DATA_DIR": str(self.data_dir),
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # dagster-dbt runs `dbt`
            **self.extra_env,
        }
        env.pop("RETAIL_DUCKDB_PATH", None)
        # As `make dagster-home` does: the warehouse pool's limit set explicitly.
        subprocess.run([str(VENV_BIN / "dagster"), "instance", "concurrency", "set", "warehouse_writes", "1"],
                       env=env, check=True, capture_output=True)
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(VENV_BIN / "dagster"), "dev", "-h", "127.0.0.1", "-p", str(self.port), "-m", LOCATION],
            cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_reset_signals,
        )
        self._wait_until_loaded(timeout)
        return self

    def _wait_until_loaded(self, timeout: float):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dagster dev exited with {self.process.returncode}; log: {self.log_tail()}")
            try:
                urllib.request.urlopen(f"{self.url}/server_info", timeout=5).read()
                entries = self.graphql("""{ workspaceOrError { ... on Workspace { locationEntries {
                    name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }""")
                last = entries["workspaceOrError"]["locationEntries"]
                errors = [e for e in last if e["locationOrLoadError"]
                          and e["locationOrLoadError"]["__typename"] == "PythonError"]
                if errors:
                    raise RuntimeError(f"code location failed to load: {errors}")
                if last and all(e["loadStatus"] == "LOADED" for e in last):
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(1)
        raise TimeoutError(f"dagster dev not ready after {timeout}s (locations: {last}); log: {self.log_tail()}")

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(f"{self.url}/graphql", data=body,
                                         headers={"Content-Type": "application/json"})
        reply = json.loads(urllib.request.urlopen(request, timeout=60).read())
        if reply.get("errors"):
            raise RuntimeError(f"GraphQL errors: {reply['errors']}")
        return reply["data"]

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, grace: float = 30):
        if self.process is None:
            return
        pgid = self.process.pid  # start_new_session: the process leads its own group
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(pgid, signal.SIGKILL)  # whatever of its children is left
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)
        self._log.close()
        self.process = None
