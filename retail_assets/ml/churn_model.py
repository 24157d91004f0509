"""Churn model: a scikit-learn pipeline, a time-based split and an honest evaluation (pure).

Train on features at T_train labelled on (T_train, T_train + H]; evaluate on
features at T_test = T_train + H labelled on (T_test, T_test + H], with
T_test + H <= the latest sale date, so the holdout is strictly later data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, timedelta

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    average_precision_score,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

from retail_assets.ml.artifacts import data_version  # noqa: E402
from retail_assets.ml.features import (  # noqa: E402,F401 (defaults re-exported for callers)
    CATEGORICAL_FEATURES,
    DEFAULT_HORIZON_DAYS,
    DEFAULT_THRESHOLD,
    FEATURE_COLUMNS,
    NUMERIC_FEATURES,
    build_customer_features,
    customer_sales_summary,
    label_churn,
    latest_sale_date,
)


@dataclass(frozen=True)
class SplitDates:
    train_cutoff: date
    test_cutoff: date
    horizon_days: int

    @property
    def test_label_end(self) -> date:
        return self.test_cutoff + timedelta(days=self.horizon_days)


def split_dates(latest_sale: date, horizon_days: int = DEFAULT_HORIZON_DAYS) -> SplitDates:
    """The latest split whose holdout label window is fully observed: T_test + H = latest sale date."""
    test = latest_sale - timedelta(days=horizon_days)
    return SplitDates(test - timedelta(days=horizon_days), test, horizon_days)


def make_pipeline() -> Pipeline:
    """Scaling + one-hot + class-weighted logistic regression."""
    prep = ColumnTransformer(
        [
            ("num", StandardScaler(), NUMERIC_FEATURES),
            ("cat", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL_FEATURES),
        ]
    )
    model = LogisticRegression(class_weight="balanced", max_iter=2000)
    return Pipeline([("prep", prep), ("model", model)])


def labelled_set(sales, customers, stores, cutoff: date, horizon_days: int) -> tuple[pd.DataFrame, pd.Series]:
    """Features at `cutoff` for customers with at least one purchase by then, and their churn labels."""
    summary = customer_sales_summary(sales, cutoff)  # exactly the customers with a line by the cut-off
    features = build_customer_features(sales, customers, stores, cutoff, summary=summary)
    features = features[features["customer_id"].isin(summary["customer_id"])].reset_index(drop=True)
    return features, label_churn(sales, features, cutoff, horizon_days)


@dataclass
class TrainedChurnModel:
    pipeline: Pipeline
    dates: SplitDates
    threshold: float
    metrics: dict = field(default_factory=dict)
    coefficients: pd.DataFrame = field(default_factory=pd.DataFrame)
    plot_png: bytes = b""
    data_version: str = ""  # content hash of the labelled training and holdout sets


def top_coefficients(pipeline: Pipeline, n: int = 10) -> pd.DataFrame:
    names = pipeline.named_steps["prep"].get_feature_names_out()
    coefs = pipeline.named_steps["model"].coef_[0]
    frame = pd.DataFrame({"feature": names, "coefficient": coefs})
    return frame.reindex(frame["coefficient"].abs().sort_values(ascending=False).index).head(n).reset_index(drop=True)


def roc_plot(y_true, model_scores, recency_scores, title: str) -> bytes:
    """ROC of the model and of the recency-only rule, as PNG bytes."""
    fig, ax = plt.subplots(figsize=(5, 4), dpi=90)
    for label, scores in (("model", model_scores), ("recency only", recency_scores)):
        fpr, tpr, _ = roc_curve(y_true, scores)
        ax.plot(fpr, tpr, label=f"{label} (AUC {roc_auc_score(y_true, scores):.3f})")
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey")
    ax.set(xlabel="false positive rate", ylabel="true positive rate", title=title)
    ax.legend(loc="lower right")
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _auc(y, scores) -> float:
    return float(roc_auc_score(y, scores)) if len(set(y)) == 2 else float("nan")


def train_churn_model(
    sales: pd.DataFrame,
    customers: pd.DataFrame,
    stores: pd.DataFrame,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    threshold: float = DEFAULT_THRESHOLD,
    dates: SplitDates | None = None,
) -> TrainedChurnModel:
    """Fit on the train cut-off, evaluate on the later holdout cut-off; raises if a side has one class."""
    latest = latest_sale_date(sales)
    dates = dates or split_dates(latest, horizon_days)
    if dates.test_label_end > latest:
        raise ValueError(f"holdout labels need sales up to {dates.test_label_end}, latest sale is {latest}")
    x_train, y_train = labelled_set(sales, customers, stores, dates.train_cutoff, horizon_days)
    x_test, y_test = labelled_set(sales, customers, stores, dates.test_cutoff, horizon_days)
    for name, y in (("training", y_train), ("holdout", y_test)):
        if y.nunique() < 2:
            raise ValueError(f"{name} labels have one class only ({len(y)} rows): widen the data or the horizon")
    pipeline = make_pipeline().fit(x_train[FEATURE_COLUMNS], y_train)
    proba = pipeline.predict_proba(x_test[FEATURE_COLUMNS])[:, 1]
    predicted = (proba >= threshold).astype(int)
    recency = x_test["recency_days"].to_numpy()
    majority = int(y_train.mean() >= 0.5)
    metrics = {
        "train_cutoff": dates.train_cutoff.isoformat(),
        "test_cutoff": dates.test_cutoff.isoformat(),
        "horizon_days": horizon_days,
        "training_rows": int(len(y_train)),
        "holdout_rows": int(len(y_test)),
        "training_positive_rate": float(y_train.mean()),
        "holdout_positive_rate": float(y_test.mean()),
        "roc_auc": _auc(y_test, proba),
        "pr_auc": float(average_precision_score(y_test, proba)),
        "threshold": threshold,
        "precision_at_threshold": float(precision_score(y_test, predicted, zero_division=0)),
        "recall_at_threshold": float(recall_score(y_test, predicted, zero_division=0)),
        "baseline_majority_class": majority,
        "baseline_majority_accuracy": float((y_test == majority).mean()),
        "baseline_majority_roc_auc": 0.5,
        "baseline_recency_roc_auc": _auc(y_test, recency),
        "baseline_recency_pr_auc": float(average_precision_score(y_test, recency)),
    }
    metrics["beats_recency_baseline"] = bool(metrics["roc_auc"] > metrics["baseline_recency_roc_auc"])
    metrics["verdict"] = verdict(metrics)
    png = roc_plot(y_test, proba, recency, f"Churn holdout {dates.test_cutoff} + {horizon_days}d")
    # What the model saw, not the raw lines: lines that change no feature or label do not change the version.
    version = data_version(x_train, y_train.to_frame(), x_test, y_test.to_frame())
    return TrainedChurnModel(pipeline, dates, threshold, metrics, top_coefficients(pipeline), png, version)


def verdict(metrics: dict) -> str:
    """One plain sentence: does the model beat the recency-only rule on this data, by the holdout numbers."""
    beats = "beats" if metrics["beats_recency_baseline"] else "does NOT beat"
    return (f"On this data the model {beats} the recency-only rule: holdout ROC AUC {metrics['roc_auc']:.3f} vs "
            f"{metrics['baseline_recency_roc_auc']:.3f}, PR AUC {metrics['pr_auc']:.3f} vs "
            f"{metrics['baseline_recency_pr_auc']:.3f} (churn rate {metrics['holdout_positive_rate']:.1%}; "
            f"always predicting the majority class is right {metrics['baseline_majority_accuracy']:.1%} of the time, "
            f"ROC AUC 0.5).")


def score_customers(pipeline: Pipeline, features: pd.DataFrame) -> np.ndarray:
    """Churn probability per feature row."""
    return pipeline.predict_proba(features[FEATURE_COLUMNS])[:, 1]
