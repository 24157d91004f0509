from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from retail_assets.ml.artifacts import artifact_digests, data_version, latest_model_dir, load_verified, save_model
from retail_assets.ml.churn_model import labelled_set, score_customers, split_dates, train_churn_model

HORIZON = 21


@pytest.fixture(scope="module")
def trained(gold_frames):
    return train_churn_model(gold_frames.sales, gold_frames.customers, gold_frames.stores, horizon_days=HORIZON)


def test_split_is_by_time_and_holdout_labels_are_observed(gold_frames, trained):
    latest = pd.to_datetime(gold_frames.sales["sale_date"]).max().date()
    d = trained.dates
    assert d.test_cutoff == d.train_cutoff + timedelta(days=HORIZON)
    assert d.test_label_end == latest
    assert split_dates(latest, HORIZON) == d
    with pytest.raises(ValueError, match="holdout labels need sales up to"):
        train_churn_model(gold_frames.sales, gold_frames.customers, gold_frames.stores, HORIZON,
                          dates=type(d)(d.train_cutoff, latest, HORIZON))


def test_model_beats_recency_only_baseline_on_planted_churn(trained):
    m = trained.metrics
    assert m["training_rows"] > 1000
    assert 0.05 < m["training_positive_rate"] < 0.5  # planted churners ~17% plus occasional buyers
    assert m["roc_auc"] >= 0.6
    assert m["roc_auc"] > m["baseline_recency_roc_auc"], (m["roc_auc"], m["baseline_recency_roc_auc"])
    assert m["pr_auc"] > m["holdout_positive_rate"]  # better than random ranking
    assert m["baseline_majority_class"] == 0 and m["baseline_majority_accuracy"] > 0.5
    assert 0 < m["precision_at_threshold"] <= 1 and 0 < m["recall_at_threshold"] <= 1
    assert len(trained.coefficients) == 10 and "num__recency_days" in set(trained.coefficients["feature"])
    assert trained.plot_png.startswith(b"\x89PNG")


def test_artifact_round_trips_with_same_scores(gold_frames, trained, tmp_path):
    data_hash = data_version(gold_frames.sales, gold_frames.customers, gold_frames.stores)
    folder = save_model(trained.pipeline, {"metrics": trained.metrics}, data_hash, root=tmp_path)
    assert folder.parent == tmp_path / "artifacts" / "customer_churn_model" and folder.name.endswith(data_hash[:12])
    assert latest_model_dir(tmp_path) == folder
    pipeline, meta = load_verified(folder.name, artifact_digests(folder), root=tmp_path)
    assert meta["data_version"] == data_hash and meta["metrics"]["roc_auc"] == trained.metrics["roc_auc"]
    x, _ = labelled_set(gold_frames.sales, gold_frames.customers, gold_frames.stores, trained.dates.test_cutoff, HORIZON)
    np.testing.assert_array_equal(score_customers(pipeline, x), score_customers(trained.pipeline, x))


def test_data_version_changes_with_the_input(gold_frames):
    s = gold_frames.sales.head(100)
    assert data_version(s) == data_version(s.copy())
    assert data_version(s) != data_version(s.assign(revenue=s["revenue"] + 0.01))


def test_latest_model_dir_explains_when_nothing_was_trained(tmp_path):
    with pytest.raises(FileNotFoundError, match="materialize ml/customer_churn_model"):
        latest_model_dir(tmp_path)


def test_one_class_labels_fail_with_a_clear_message(gold_frames):
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(40)]
    loyal = pd.DataFrame([
        {"sale_date": d, "transaction_id": f"{c}{d}", "customer_id": c, "store_id": "S001", "quantity": 1,
         "unit_price": 10.0, "discount": 0.0, "revenue": 10.0, "is_cancellation": False, "channel": "in_store"}
        for d in days for c in ("C000001", "C000002")
    ])
    with pytest.raises(ValueError, match="one class only"):  # everyone buys every day: nobody churns
        train_churn_model(loyal, gold_frames.customers, gold_frames.stores, horizon_days=7)
