"""Versioned model artifacts: <data_dir>/artifacts/customer_churn_model/<version>/{model.joblib, metadata.json}.

joblib runs code while it loads, and anyone who can write under the data root can write a folder
here. So a model is only loaded by a version and file digests taken from the Dagster event log
(the materialization that saved it), and the files must still have those digests.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

import joblib
import pandas as pd

from retail_assets import settings

MODEL_NAME = "customer_churn_model"


def data_version(*frames: pd.DataFrame) -> str:
    """A content hash of the training input (row order and column names included)."""
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(",".join(map(str, frame.columns)).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def model_root(root: Path | None = None) -> Path:
    return (root or settings.data_dir()) / "artifacts" / MODEL_NAME


def save_model(pipeline, metadata: dict, data_hash: str, root: Path | None = None) -> Path:
    """Write the pipeline and its metadata to a new version folder; returns that folder."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    version = f"{stamp}-{data_hash[:12]}"
    folder = model_root(root) / version
    folder.mkdir(parents=True, exist_ok=False)
    joblib.dump(pipeline, folder / "model.joblib")
    payload = {"model": MODEL_NAME, "version": version, "data_version": data_hash, **metadata}
    (folder / "metadata.json").write_text(json.dumps(payload, indent=2, sort_keys=True, default=str))
    return folder


ARTIFACT_FILES = ("model.joblib", "metadata.json")


class ModelIntegrityError(RuntimeError):
    """A recorded model version whose files are missing or differ from the digests recorded at training."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def artifact_digests(folder: Path) -> dict[str, str]:
    """sha256 of each artifact file, recorded with the materialization that saved them."""
    return {name: sha256_file(Path(folder) / name) for name in ARTIFACT_FILES}


def version_folder(version: str, root: Path | None = None) -> Path:
    """The folder of a recorded version; a name that is not a plain folder name is refused."""
    if not version or version in (".", "..") or "/" in version or "\\" in version:
        raise ModelIntegrityError(f"model version {version!r} is not a folder name")
    return model_root(root) / version


def load_verified(version: str, digests: dict[str, str], root: Path | None = None) -> tuple[object, dict]:
    """The pipeline and metadata of `version`, after every artifact file matched its recorded sha256."""
    folder = version_folder(version, root)
    if set(digests) != set(ARTIFACT_FILES):
        raise ModelIntegrityError(f"model {version}: recorded digests cover {sorted(digests)}, not {list(ARTIFACT_FILES)}")
    for name, expected in digests.items():
        path = folder / name
        if not path.is_file():
            raise ModelIntegrityError(f"model {version}: {path} is missing; retrain ml/customer_churn_model")
        found = sha256_file(path)
        if found != expected:
            raise ModelIntegrityError(
                f"model {version}: {path} has sha256 {found}, the materialization that saved it recorded {expected}; "
                "refusing to load a changed artifact (restore it or retrain ml/customer_churn_model)")
    # Verified bytes only: joblib executes whatever the file says.
    return joblib.load(folder / "model.joblib"), json.loads((folder / "metadata.json").read_text())


def read_model_metadata(folder: Path) -> dict:
    """metadata.json of one version folder (plain JSON: nothing is executed)."""
    return json.loads((Path(folder) / "metadata.json").read_text())


def other_versions(version: str, root: Path | None = None) -> list[str]:
    """Folders beside the trusted version (older versions, or written by something else): never loaded."""
    base = model_root(root)
    return sorted(p.name for p in base.iterdir() if p.name != version) if base.is_dir() else []


def latest_model_dir(root: Path | None = None) -> Path:
    """The newest complete version by name, for display only (never loaded from: see load_verified)."""
    base = model_root(root)
    done = sorted(p for p in base.glob("*/metadata.json")) if base.is_dir() else []
    if not done:
        raise FileNotFoundError(f"no trained {MODEL_NAME} under {base}: materialize ml/customer_churn_model first")
    return done[-1].parent
