"""Which churn model may be loaded: the Dagster event log, not the artifact folder, decides.

The trusted model is the one recorded by the newest materialization of ml/customer_churn_model
whose blocking check churn_model_beats_baseline passed; its metadata holds the version (folder
name) and the sha256 of each artifact file. A folder nobody recorded, or a model that failed its
check, is never loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from dagster import AssetCheckKey, AssetKey, DagsterInstance
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

MODEL_KEY = AssetKey(["ml", "customer_churn_model"])
CHECK_KEY = AssetCheckKey(MODEL_KEY, "churn_model_beats_baseline")
HISTORY = 100  # weekly retraining: two years of models; a trusted model older than that is retrained


@dataclass(frozen=True)
class TrustedModel:
    version: str
    digests: dict[str, str]
    storage_id: int  # the materialization event that recorded it


def passed_materializations(instance: DagsterInstance) -> set[int]:
    """Storage ids of the model materializations the blocking check evaluated and passed."""
    passed = set()
    for record in instance.event_log_storage.get_asset_check_execution_history(
            CHECK_KEY, limit=HISTORY, status={AssetCheckExecutionRecordStatus.SUCCEEDED}):
        evaluation = record.event.dagster_event.event_specific_data if record.event else None
        target = getattr(evaluation, "target_materialization_data", None)
        if evaluation is not None and evaluation.passed and target is not None:
            passed.add(target.storage_id)
    return passed


def trusted_model(instance: DagsterInstance) -> TrustedModel | None:
    """The newest model materialization whose check passed and that recorded its artifact digests."""
    passed = passed_materializations(instance)
    for record in instance.fetch_materializations(MODEL_KEY, limit=HISTORY).records:  # newest first
        meta = record.asset_materialization.metadata if record.asset_materialization else {}
        if record.storage_id in passed and "artifact_sha256" in meta and "model_version" in meta:
            return TrustedModel(meta["model_version"].value, dict(meta["artifact_sha256"].value), record.storage_id)
    return None
