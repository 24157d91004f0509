"""Versioned model artifacts: <data_dir>/artifacts/customer_churn_model/<version>/{model.joblib, metadata.json}."""

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


def load_model(folder: Path) -> tuple[object, dict]:
    """The pipeline and metadata stored in one version folder."""
    folder = Path(folder)
    return joblib.load(folder / "model.joblib"), json.loads((folder / "metadata.json").read_text())


def latest_model_dir(root: Path | None = None) -> Path:
    """The newest complete version (names sort by UTC time); raises if none was trained yet."""
    base = model_root(root)
    done = sorted(p for p in base.glob("*/metadata.json")) if base.is_dir() else []
    if not done:
        raise FileNotFoundError(f"no trained {MODEL_NAME} under {base}: materialize ml/customer_churn_model first")
    return done[-1].parent
