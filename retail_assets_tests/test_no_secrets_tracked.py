"""No key files in the repository: `.gitignore` keeps the usual ones out, and this scan of every
tracked file catches what was added anyway (`git add -f`, an unusual name)."""

import json
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRIVATE_KEY = re.compile(rb"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----")
# Tokens by their issuers' documented shapes: AWS access key ids, GitHub tokens, Google API keys, Slack tokens.
TOKENS = {
    "an AWS access key id": re.compile(rb"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "a GitHub token": re.compile(rb"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b"),
    "a Google API key": re.compile(rb"\bAIza[0-9A-Za-z_\-]{35}"),
    "a Slack token": re.compile(rb"\bxox[abprs]-[0-9A-Za-z-]{10,}"),
}
KEY_NAMES = ("sa-key.json", "gcp-credentials.json", "service-account.json", "prod.pem", "deploy.key", ".env",
             "config/.env.production",
             # profiles.yml's own example (RETAIL_BQ_KEYFILE=/path/to/key.json) and other usual names
             "key.json", "config/key.json", "keyfile.json", "bq-keyfile.json", "secrets/anything.json",
             "client_secret_1234.apps.googleusercontent.com.json", "id_ecdsa", ".envrc", ".pgpass", ".pypirc")


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    return [REPO / name for name in out.decode().split("\0") if name]


def looks_like_a_secret(path: Path) -> str | None:
    """Why the file looks like a key or an environment file, or None."""
    if path.name == ".env" or (path.name.startswith(".env.") and path.name != ".env.example"):
        return "an environment file"
    if not path.is_file() or path.stat().st_size > 5_000_000:
        return None
    content = path.read_bytes()
    if PRIVATE_KEY.search(content):
        return "a PEM private key"
    for what, pattern in TOKENS.items():
        if pattern.search(content):
            return what
    if path.suffix == ".json" and b"service_account" in content:
        try:
            if json.loads(content).get("type") == "service_account":
                return "a service-account key"
        except (ValueError, AttributeError):
            pass
    return None


def test_no_tracked_file_looks_like_a_key():
    found = {str(p.relative_to(REPO)): why for p in tracked_files() if (why := looks_like_a_secret(p))}
    assert not found, f"tracked secrets: {found}"


def test_the_scan_recognises_keys(tmp_path):
    pem = tmp_path / "x.txt"
    header = "-----BEGIN RSA " + "PRIVATE KEY-----"  # split, so this file does not match itself
    pem.write_text(f"{header}\nMIIE\n-----END RSA PRIVATE KEY-----\n")
    sa = tmp_path / "anything.json"
    sa.write_text(json.dumps({"type": "service_account", "private_key_id": "x"}))
    env = tmp_path / ".env"
    env.write_text("RETAIL_BQ_KEY=x\n")
    assert [looks_like_a_secret(p) for p in (pem, sa, env)] == [
        "a PEM private key", "a service-account key", "an environment file"]
    tokens = {"AKIA" + "Q3EXAMPLE7KEY2ID": "an AWS access key id", "ghp_" + "a1B2" * 9: "a GitHub token",
              "AIza" + "Sy" + "x" * 33: "a Google API key", "xoxb-" + "1234567890-abcdef": "a Slack token"}
    for i, (token, what) in enumerate(tokens.items()):  # built from parts, so this file does not match itself
        config = tmp_path / f"settings{i}.yml"
        config.write_text(f"api:\n  key: {token}\n")
        assert looks_like_a_secret(config) == what
    assert looks_like_a_secret(Path(__file__)) is None  # this file names the patterns, it holds none


@pytest.mark.parametrize("name", KEY_NAMES)
def test_gitignore_covers_key_files(name):
    ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", name], cwd=REPO)
    assert ignored.returncode == 0, f"{name} is not ignored"
