"""The Dagster webserver (`make dev`) and the upload portal listen on 127.0.0.1 only, and the README says
how to put the UI behind authentication: neither has a login of the Dagster kind, so a wider bind would
hand the pipeline to anyone on the network. `make -n dev` prints the very command `make dev` runs."""

import re
import shlex
import subprocess
from pathlib import Path

from retail_assets.portal.config import portal_config

REPO = Path(__file__).resolve().parents[2]


def make_dev_command() -> list[str]:
    printed = subprocess.run(["make", "--no-print-directory", "-n", "dev"], cwd=REPO, capture_output=True,
                             text=True, check=True, timeout=60).stdout
    [line] = [line for line in printed.splitlines() if re.search(r"dagster\s+dev\b", line)]
    return shlex.split(line)


def test_make_dev_binds_the_webserver_to_localhost():
    command = make_dev_command()
    hosts = [command[i + 1] for i, arg in enumerate(command) if arg in {"-h", "--host"}]
    assert hosts == ["127.0.0.1"], command  # dagster dev's own default could change: say it explicitly
    assert "0.0.0.0" not in " ".join(command)


def test_the_portal_binds_to_localhost(monkeypatch, tmp_path):
    monkeypatch.setenv("RETAIL_DATA_DIR", str(tmp_path))
    assert portal_config({"RETAIL_PORTAL_TOKEN": "x" * 24}).host == "127.0.0.1"
    main = (REPO / "retail_assets" / "portal" / "__main__.py").read_text()
    assert "host=config.host" in main, "the server must listen where the configuration says"


def test_the_readme_says_how_to_expose_the_ui_behind_authentication():
    readme = (REPO / "README.md").read_text()
    [paragraph] = [p for p in readme.split("\n\n") if p.startswith("**Exposing the UI.**")]
    for needed in ("127.0.0.1", "oauth2-proxy", "auth_basic", "TLS"):
        assert needed in paragraph, needed
