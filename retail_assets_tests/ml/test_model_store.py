"""Scoring loads only the model the event log trusts: the newest ml/customer_churn_model
materialization whose blocking check passed, and only if its files still have the sha256 recorded
there. A forged newer folder, a tampered file and a model that failed its check are not loaded."""

import joblib
import pytest
from dagster import AssetSelection, DagsterInstance, materialize

from retail_assets.ml import ml_asset_checks, ml_assets
from retail_assets.ml.artifacts import ModelIntegrityError, artifact_digests, load_verified, model_root, save_model
from retail_assets.ml.assets import churn_model_beats_baseline, customer_churn_model, customer_scores
from retail_assets.warehouse.duckdb_warehouse import DuckDBWarehouse
from retail_assets_tests.ml.synthetic import write_gold


class RunsCodeWhenLoaded:
    """A pickle that creates a file when unpickled: proof that joblib.load ran it."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def step_error(result) -> str:
    (failure,) = result.get_step_failure_events()
    return failure.step_failure_data.error.to_string()


def scored_version(db) -> str:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as conn:
        (version,) = conn.execute("SELECT DISTINCT model_version FROM ml.customer_scores").fetchone()
    return version


def warnings_of(instance, result) -> list[str]:
    return [e.user_message for e in instance.all_logs(result.run_id) if e.level == 30]  # logging.WARNING


def test_load_verified_refuses_changed_files_and_odd_names(tmp_path):
    folder = save_model({"weights": [1, 2]}, {"metrics": {}}, "0" * 64, root=tmp_path)
    digests = artifact_digests(folder)
    assert load_verified(folder.name, digests, root=tmp_path)[0] == {"weights": [1, 2]}
    marker = tmp_path / "pwned"
    joblib.dump(RunsCodeWhenLoaded(marker), folder / "model.joblib")
    with pytest.raises(ModelIntegrityError, match="model.joblib has sha256 .* refusing to load"):
        load_verified(folder.name, digests, root=tmp_path)
    assert not marker.exists()
    for name in ("..", "../x", ""):
        with pytest.raises(ModelIntegrityError, match="not a folder name"):
            load_verified(name, digests, root=tmp_path)


def test_scoring_trusts_the_event_log_not_the_folder(gold_frames, tmp_path, monkeypatch):
    monkeypatch.setenv("RETAIL_DATA_DIR", str(tmp_path / "data"))
    db = write_gold(gold_frames, tmp_path / "wh.duckdb")
    instance = DagsterInstance.ephemeral()
    resources = {"warehouse": DuckDBWarehouse(path=str(db))}

    first = materialize([*ml_assets, *ml_asset_checks], instance=instance, resources=resources)
    assert first.success
    meta = first.asset_materializations_for_node("ml__customer_churn_model")[0].metadata
    trusted = meta["model_version"].value
    assert meta["artifact_sha256"].value == artifact_digests(model_root() / trusted)
    assert scored_version(db) == trusted

    # A forged folder whose name sorts after every real version, with a pickle that runs code.
    forged = model_root() / "99991231T000000000000Z-forged000000"
    forged.mkdir()
    marker = tmp_path / "forged_model_ran"
    joblib.dump(RunsCodeWhenLoaded(marker), forged / "model.joblib")
    (forged / "metadata.json").write_text('{"version": "99991231T000000000000Z-forged000000", "metrics": {}}')
    # A newer model whose blocking check fails (floor 0.9999): recorded, but never trusted.
    failed = materialize(
        [customer_churn_model, churn_model_beats_baseline, customer_scores], instance=instance, resources=resources,
        run_config={"ops": {churn_model_beats_baseline.node_def.name: {"config": {"auc_floor": 0.9999}}}},
        raise_on_error=False)
    (check,) = failed.get_asset_check_evaluations()
    assert not check.passed
    rejected = failed.asset_materializations_for_node("ml__customer_churn_model")[0].metadata["model_version"].value
    assert rejected != trusted and (model_root() / rejected).is_dir()

    scores = materialize([customer_scores], instance=instance, resources=resources)
    assert scores.success and scored_version(db) == trusted
    assert not marker.exists(), "the forged pickle was loaded"
    (warning,) = [w for w in warnings_of(instance, scores) if "ignoring" in w]
    assert forged.name in warning and rejected in warning

    # The trusted file changed after training: scoring refuses, and says why.
    with (model_root() / trusted / "model.joblib").open("ab") as f:
        f.write(b"\0")
    tampered = materialize([customer_scores], instance=instance, resources=resources, raise_on_error=False)
    assert not tampered.success
    error = step_error(tampered)
    assert "ModelIntegrityError" in error and f"model {trusted}" in error and "refusing to load" in error


def test_scoring_refuses_when_no_model_passed_its_check(gold_frames, tmp_path, monkeypatch):
    monkeypatch.setenv("RETAIL_DATA_DIR", str(tmp_path / "data"))
    db = write_gold(gold_frames, tmp_path / "wh.duckdb")
    instance = DagsterInstance.ephemeral()
    resources = {"warehouse": DuckDBWarehouse(path=str(db))}
    # A model trained without its check (an old run, or someone running the asset alone), then scoring.
    selection = AssetSelection.assets(customer_churn_model).without_checks() | AssetSelection.assets("ml/customer_features")
    trained = materialize([*ml_assets, *ml_asset_checks], selection=selection, instance=instance, resources=resources)
    assert trained.success and not trained.get_asset_check_evaluations()
    scores = materialize([customer_scores], instance=instance, resources=resources, raise_on_error=False)
    assert not scores.success
    assert "no ml/customer_churn_model materialization whose check churn_model_beats_baseline passed" in step_error(scores)
