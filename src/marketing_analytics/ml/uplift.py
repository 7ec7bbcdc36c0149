"""Uplift modelling helpers: meta-learners on Spark MLlib and reference metrics in numpy.

The dbt Python models of the uplift analysis fit their learners with ``fit_t_learner`` /
``fit_s_learner`` and score with ``score_t_learner`` / ``score_s_learner`` (Spark DataFrames in,
Spark DataFrames out, no side effects). The evaluation tables (Qini and uplift curves, AUUC,
uplift@k, bootstrap CIs) are computed in Spark SQL by the models of ``models/*/uplift``; the numpy
functions below are the reference definitions the tests recompute them with:

* ``qini_curve``: at each depth (share of units targeted, best scores first),
  ``Q = Y_t - Y_c * N_t / N_c`` (incremental conversions, scaled per unit of the population),
* ``qini_coefficient``: area between the Qini curve and the random line ``depth * Q(1)``,
* ``auuc``: area under the uplift curve ``(Y_t / N_t - Y_c / N_c) * (N_t + N_c) / N``,
* ``uplift_at_k``: conversion rate of treated minus control among the top ``k`` share,
* ``poisson_weight``: the Poisson(1) bootstrap weight of a uniform draw (the SQL uses the same
  thresholds on a hash of the unit id and the replicate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from pyspark.sql import Column, DataFrame

# Cumulative Poisson(1) probabilities P(X <= k), k = 0..6 (P(X > 6) < 1e-4 is folded into 7).
POISSON_ONE_CDF: tuple[float, ...] = tuple(
    sum(math.exp(-1.0) / math.factorial(j) for j in range(k + 1)) for k in range(7)
)


def poisson_weight(uniform: float) -> int:
    """Poisson(1) draw by inverting the CDF at ``uniform`` in [0, 1)."""
    for k, cdf in enumerate(POISSON_ONE_CDF):
        if uniform < cdf:
            return k
    return len(POISSON_ONE_CDF)


def _sorted_arrays(
    score: Sequence[float], treated: Sequence[bool], outcome: Sequence[float]
) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-np.asarray(score, dtype=float), kind="stable")
    return np.asarray(treated, dtype=bool)[order], np.asarray(outcome, dtype=float)[order]


def qini_curve(
    score: Sequence[float], treated: Sequence[bool], outcome: Sequence[float], bins: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """(depth, qini) at ``bins`` equal-count steps (plus depth 0), qini per unit of population.

    Units are sorted by descending score (ties keep input order); bin ``b`` holds the units
    ``[b * n // bins, (b + 1) * n // bins)`` like Spark's ``ntile``.
    """
    t, y = _sorted_arrays(score, treated, outcome)
    n = t.size
    ends = _ntile_ends(n, bins)
    n_t = np.concatenate([[0], np.cumsum(t)])[ends]
    n_c = np.concatenate([[0], np.cumsum(~t)])[ends]
    y_t = np.concatenate([[0.0], np.cumsum(y * t)])[ends]
    y_c = np.concatenate([[0.0], np.cumsum(y * ~t)])[ends]
    with np.errstate(invalid="ignore", divide="ignore"):
        qini = np.where(n_c > 0, y_t - y_c * n_t / np.maximum(n_c, 1), 0.0) / n
    return ends / n, qini


def uplift_curve(
    score: Sequence[float], treated: Sequence[bool], outcome: Sequence[float], bins: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """(depth, cumulative gain) with gain ``(rate_t - rate_c) * (N_t + N_c) / N``."""
    t, y = _sorted_arrays(score, treated, outcome)
    n = t.size
    ends = _ntile_ends(n, bins)
    n_t = np.concatenate([[0], np.cumsum(t)])[ends]
    n_c = np.concatenate([[0], np.cumsum(~t)])[ends]
    y_t = np.concatenate([[0.0], np.cumsum(y * t)])[ends]
    y_c = np.concatenate([[0.0], np.cumsum(y * ~t)])[ends]
    both = (n_t > 0) & (n_c > 0)
    rate_t = np.divide(y_t, n_t, out=np.zeros_like(y_t), where=n_t > 0)
    rate_c = np.divide(y_c, n_c, out=np.zeros_like(y_c), where=n_c > 0)
    gain = np.where(both, (rate_t - rate_c) * (n_t + n_c), 0.0) / n
    return ends / n, gain


def _ntile_ends(n: int, bins: int) -> np.ndarray:
    """Cumulative unit counts at the end of each ``ntile(bins)`` bin, with a leading 0."""
    bins = min(bins, n)
    base, extra = divmod(n, bins)
    sizes = np.full(bins, base) + (np.arange(bins) < extra)
    return np.concatenate([[0], np.cumsum(sizes)])


def _trapezoid(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2.0))


def qini_coefficient(
    score: Sequence[float], treated: Sequence[bool], outcome: Sequence[float], bins: int = 100
) -> float:
    """Area between the Qini curve and the random targeting line (0 for random scores)."""
    depth, qini = qini_curve(score, treated, outcome, bins)
    return _trapezoid(depth, qini - depth * qini[-1])


def auuc(
    score: Sequence[float], treated: Sequence[bool], outcome: Sequence[float], bins: int = 100
) -> float:
    """Area under the uplift (cumulative gain) curve, per unit of population."""
    depth, gain = uplift_curve(score, treated, outcome, bins)
    return _trapezoid(depth, gain)


def uplift_at_k(
    score: Sequence[float],
    treated: Sequence[bool],
    outcome: Sequence[float],
    k: float,
    bins: int = 100,
) -> float:
    """Treated minus control conversion rate among the top ``k`` share (``k`` on the bin grid)."""
    t, y = _sorted_arrays(score, treated, outcome)
    ends = _ntile_ends(t.size, bins)
    top = ends[round(k * (ends.size - 1))]
    t, y = t[:top], y[:top]
    return float(y[t].mean() - y[~t].mean())


def expected_profit(
    probability_treated: np.ndarray | float,
    probability_control: np.ndarray | float,
    margin_per_order: float,
    voucher_cost: float,
    contact_cost: float,
) -> np.ndarray | float:
    """Expected profit of sending one voucher: incremental margin minus the voucher paid on every
    treated order (sure things included) minus the contact."""
    uplift = np.asarray(probability_treated) - np.asarray(probability_control)
    return uplift * margin_per_order - np.asarray(probability_treated) * voucher_cost - contact_cost


# --- Spark MLlib meta-learners ------------------------------------------------------------------


@dataclass(frozen=True)
class LearnerSettings:
    """What the learners are fitted on."""

    features: tuple[str, ...]
    treatment_col: str = "is_treated"
    label_col: str = "label"
    max_iter: int = 50
    num_trees: int = 100
    reg_param: float = 0.005
    seed: int = 42
    t_classifier: str = "random_forest"
    # A small table is one file, so one partition and one core: MLlib's forest jobs are
    # CPU-bound, so the units are spread over this many partitions (by unit id, deterministic).
    partitions: int = 4


def _assembled(df: DataFrame, columns: Sequence[str], output: str = "features") -> DataFrame:
    from pyspark.ml.feature import VectorAssembler

    return VectorAssembler(
        inputCols=list(columns), outputCol=output, handleInvalid="keep"
    ).transform(df)


def _logistic_regression(settings: LearnerSettings) -> Any:
    """A logistic regression fitted by iteratively reweighted least squares (MLlib's binomial
    GLM): IRLS converges in a handful of Newton steps, one Spark job each, where
    ``LogisticRegression``'s L-BFGS takes one job per iteration and needed 35-50 of them here.
    ``reg_param`` is an L2 penalty on the coefficients; the intercept is not penalized."""
    from pyspark.ml.regression import GeneralizedLinearRegression

    return GeneralizedLinearRegression(
        family="binomial",
        link="logit",
        labelCol="label_value",
        featuresCol="features",
        maxIter=settings.max_iter,
        regParam=settings.reg_param,
    )


def _with_probability(model: Any, df: DataFrame, column: str) -> DataFrame:
    """``df`` (with a ``features`` vector) plus ``column`` = P(label = 1) under ``model``, a
    fitted random forest or binomial GLM (whose prediction is the probability itself)."""
    from pyspark.ml.functions import vector_to_array
    from pyspark.ml.regression import GeneralizedLinearRegressionModel
    from pyspark.sql import functions as sf

    model = model.copy()
    if isinstance(model, GeneralizedLinearRegressionModel):
        model.setPredictionCol(column)
        return model.transform(df)
    model.setProbabilityCol(f"{column}__vector")
    model.setPredictionCol(f"{column}__prediction")
    model.setRawPredictionCol(f"{column}__raw")
    return (
        model.transform(df)
        .withColumn(column, vector_to_array(sf.col(f"{column}__vector"))[1])
        .drop(f"{column}__vector", f"{column}__prediction", f"{column}__raw")
    )


def fit_t_learner(train: DataFrame, settings: LearnerSettings) -> dict[str, Any]:
    """Two-model learner (the seed's approach): one classifier per arm, a random forest
    (``t_classifier='random_forest'``) or a logistic regression (``'logistic'``)."""
    from pyspark.ml.classification import RandomForestClassifier
    from pyspark.sql import functions as sf

    data = _assembled(train, settings.features).withColumn(
        "label_value", sf.col(settings.label_col).cast("double")
    )
    models = {}
    for arm, flag in (("treated", True), ("control", False)):
        if settings.t_classifier == "logistic":
            classifier = _logistic_regression(settings)
        else:
            classifier = RandomForestClassifier(
                labelCol="label_value",
                featuresCol="features",
                numTrees=settings.num_trees,
                maxDepth=5,
                minInstancesPerNode=20,
                featureSubsetStrategy="sqrt",
                seed=settings.seed,
            )
        models[arm] = classifier.fit(data.where(sf.col(settings.treatment_col) == sf.lit(flag)))
    return models


def score_t_learner(models: dict[str, Any], df: DataFrame, settings: LearnerSettings) -> DataFrame:
    """Adds probability_treated, probability_control and uplift_score (their difference)."""
    from pyspark.sql import functions as sf

    scored = _assembled(df, settings.features)
    for arm in ("treated", "control"):
        scored = _with_probability(models[arm], scored, f"probability_{arm}")
    return scored.withColumn(
        "uplift_score", sf.col("probability_treated") - sf.col("probability_control")
    ).drop("features")


def _with_interactions(df: DataFrame, settings: LearnerSettings, treated: Column) -> DataFrame:
    """Features, the treatment flag and every feature x treatment interaction, assembled into
    ``features``."""
    from pyspark.sql import functions as sf

    out = df.withColumn("treatment_value", treated.cast("double"))
    for feature in settings.features:
        out = out.withColumn(
            f"interaction_{feature}", sf.col(feature).cast("double") * sf.col("treatment_value")
        )
    return _assembled(out, _interaction_columns(settings))


def _interaction_columns(settings: LearnerSettings) -> list[str]:
    return [*settings.features, "treatment_value"] + [
        f"interaction_{feature}" for feature in settings.features
    ]


def fit_s_learner(train: DataFrame, settings: LearnerSettings) -> Any:
    """Single-model learner: a logistic regression on features, treatment and their
    interactions (the interactions carry the heterogeneity of the effect)."""
    from pyspark.sql import functions as sf

    data = _with_interactions(train, settings, sf.col(settings.treatment_col)).withColumn(
        "label_value", sf.col(settings.label_col).cast("double")
    )
    return _logistic_regression(settings).fit(data)


def score_s_learner(model: Any, df: DataFrame, settings: LearnerSettings) -> DataFrame:
    """Scores each unit twice, as if treated and as if not: uplift = p(1) - p(0)."""
    from pyspark.sql import functions as sf

    scored = df
    for arm, flag in (("treated", True), ("control", False)):
        counterfactual = _with_interactions(scored, settings, sf.lit(flag))
        scored = _with_probability(model, counterfactual, f"probability_{arm}").drop(
            "features",
            "treatment_value",
            *[f"interaction_{feature}" for feature in settings.features],
        )
    return scored.withColumn(
        "uplift_score", sf.col("probability_treated") - sf.col("probability_control")
    )


def seed_rule_selected(probability_treated: Column, probability_control: Column) -> Column:
    """The seed's rule: the control model predicts no order and the treated model an order."""
    return (probability_control < 0.5) & (probability_treated >= 0.5)


SCORE_COLUMNS = ("probability_treated", "probability_control", "uplift_score")
UNIT_COLUMNS = (
    "customer_id",
    "population",
    "split",
    "is_treated",
    "outcome_value",
    "revenue_value",
)


def fit_and_score_learners(
    population: DataFrame, settings: LearnerSettings, dataset: str, outcome: str
) -> DataFrame:
    """Fits the T- and S-learners on the ``split = 'train'`` rows of ``population`` and scores
    every row; the seed's rule is a third learner with a 0/1 score.

    ``population`` has the ``UNIT_COLUMNS``, the label column and the features. Returns one row
    per learner and unit: dataset, outcome, learner, the ``UNIT_COLUMNS`` and ``SCORE_COLUMNS``.
    """
    from pyspark.sql import functions as sf

    population = population.repartition(settings.partitions, "customer_id").cache()
    train = population.where(sf.col("split") == "train")
    t_scored = score_t_learner(fit_t_learner(train, settings), population, settings).cache()
    s_scored = score_s_learner(fit_s_learner(train, settings), population, settings)
    columns = [*UNIT_COLUMNS, *SCORE_COLUMNS]
    t_learner = t_scored.select(*columns).withColumn("learner", sf.lit("t_learner"))
    s_learner = s_scored.select(*columns).withColumn("learner", sf.lit("s_learner"))
    seed_rule = t_learner.withColumn("learner", sf.lit("seed_rule")).withColumn(
        "uplift_score",
        seed_rule_selected(sf.col("probability_treated"), sf.col("probability_control")).cast(
            "double"
        ),
    )
    return (
        t_learner.unionByName(s_learner)
        .unionByName(seed_rule)
        .select(
            sf.lit(dataset).alias("dataset"),
            sf.lit(outcome).alias("outcome"),
            "learner",
            "population",
            sf.col("customer_id").cast("bigint").alias("customer_id"),
            "split",
            sf.col("is_treated").cast("boolean").alias("is_treated"),
            sf.col("outcome_value").cast("double").alias("outcome_value"),
            sf.col("revenue_value").cast("double").alias("revenue_value"),
            *SCORE_COLUMNS,
        )
    )


def holdout_split(unit_id: Column, seed: int, holdout_percent: int) -> Column:
    """'holdout' for ``holdout_percent`` % of units by a hash of the id, else 'train'."""
    from pyspark.sql import functions as sf

    return sf.when(
        sf.pmod(sf.xxhash64(unit_id, sf.lit(seed)), sf.lit(100)) < holdout_percent, "holdout"
    ).otherwise("train")
