"""One renderer per analysis: each reads documented marts and draws its charts.

A renderer never fails on a missing analysis: when a mart it reads is absent
(not built yet, or its analysis has not landed) or lacks a column, the section
shows a visible note naming the mart, the columns and the command that builds it.
``EXPECTED_MARTS`` lists every mart and column the report reads; it is the
contract between the analyses and the report.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

import pandas as pd

from marketing_analytics.report import svg
from marketing_analytics.warehouse_files import WarehouseFiles

MAX_CHARTS_PER_MART = 6

# mart -> the columns the report reads (other columns are ignored). The names and
# columns are the analyses' published contracts (their _<dir>__models.yml).
EXPECTED_MARTS: dict[str, list[str]] = {
    # core
    "rpt_validation_scorecard": [
        "analysis", "dataset", "metric", "value", "ci_lower", "ci_upper",
        "reference_value", "reference_source", "consistency_rule", "is_consistent",
    ],
    "stg_synthetic__transactions": ["transaction_at", "amount"],
    "int_raw_tables_reconciled": ["table_name", "raw_rows", "staged_rows", "rejected_rows"],
    # attribution (issue 3)
    "fct_purchase_driver_groups": [
        "driver_group", "standardized_effect", "purchase_probability_change_per_sd",
        "planted_standardized_effect",
    ],
    "ml_customer_days_purchase_coefficients": [
        "term", "driver_group", "coefficient", "ci_lower", "ci_upper", "feature_sd",
    ],
    "fct_purchase_propensity_calibration": [
        "probability_decile", "mean_predicted_probability", "observed_purchase_day_rate",
    ],
    "fct_email_holdout_lift": [
        "campaign_name", "metric", "method", "lift", "ci_lower", "ci_upper",
    ],
    "ml_hillstrom_segments_lift": ["email_segment", "metric", "lift", "ci_lower", "ci_upper"],
    "fct_hillstrom_segment_outcomes": [
        "email_segment", "customers", "visit_rate", "conversion_rate", "spend_per_customer",
    ],
    # uplift (issue 4)
    "fct_uplift_curves": [
        "dataset", "outcome", "learner", "depth", "qini", "random_qini",
    ],
    "fct_uplift_deciles": [
        "dataset", "outcome", "learner", "score_decile", "observed_uplift",
        "observed_uplift_ci_lower", "observed_uplift_ci_upper",
    ],
    "fct_uplift_targeting_depth_profit": [
        "dataset", "depth_percentile", "customers_targeted", "expected_profit", "is_best_depth",
    ],
    "fct_uplift_learner_evaluation": [
        "dataset", "outcome", "learner", "metric", "value", "ci_lower", "ci_upper",
    ],
    "fct_uplift_experiment_checks": [
        "dataset", "check_name", "metric", "value", "ci_lower", "ci_upper", "p_value",
        "is_flagged",
    ],
    # segmentation (issue 5)
    "ml_customers_segment_selection": [
        "algorithm", "k", "silhouette", "davies_bouldin", "stability_ari", "is_chosen",
        "selection_reason",
    ],
    "dim_customer_segments": [
        "segment_id", "segment_label", "customers", "customer_share", "average_total_spend",
        "spend_index", "engagement_index", "browsing_index", "frequency_index",
    ],
    # crm (issue 6)
    "fct_crm_contact_policy": [
        "dataset", "segment_type", "segment", "decision", "lift", "lift_ci_lower",
        "lift_ci_upper", "roi", "policy_total_contacts", "policy_total_expected_profit",
        "contact_all_contacts", "contact_all_profit",
    ],
    "fct_crm_segment_uplift_roi": [
        "dataset", "segment_type", "segment", "response_rate", "response_rate_ci_lower",
        "response_rate_ci_upper", "roi",
    ],
    "fct_crm_campaign_by_cluster": [
        "dataset", "segment_type", "segment", "campaign", "acceptance_rate",
        "acceptance_rate_ci_lower", "acceptance_rate_ci_upper",
    ],
    # mmm (issue 7)
    "fct_channel_coefficients": [
        "panel_name", "model_scope", "group_name", "term", "term_role", "error_type",
        "estimate", "ci_lower", "ci_upper", "p_value", "is_recommended_error_type",
    ],
    "fct_panel_diagnostics": [
        "panel_name", "model_scope", "group_name", "n_observations", "r_squared",
        "adjusted_r_squared", "durbin_watson", "jarque_bera_p_value", "breusch_pagan_p_value",
        "condition_number", "recommended_error_type",
    ],
    "fct_channel_recommendations": [
        "panel_name", "model_scope", "channel", "error_type", "return_per_unit_spend",
        "break_even_return", "recommendation",
    ],
    "fct_channel_contributions": [
        "panel_name", "model_scope", "channel", "contribution_share",
    ],
}  # fmt: skip

# Marts that exist only when a public dataset is given (their folders are enabled by
# `'<name>' in var('public_data', {})`): the report reads them when present, but dbt
# exposures cannot name them (a ref to a disabled model fails the parse).
PUBLIC_DATASET_MARTS: dict[str, str] = {
    "ml_hillstrom_segments_lift": "hillstrom",
    "fct_hillstrom_segment_outcomes": "hillstrom",
}


@dataclass
class Chart:
    title: str
    svg: str
    mart: str
    command: str
    caption: str = ""


@dataclass
class Section:
    key: str
    title: str
    question: str
    charts: list[Chart] = field(default_factory=list)
    tables: list[tuple[str, str]] = field(default_factory=list)  # (caption, html)
    notes: list[str] = field(default_factory=list)
    marts: list[str] = field(default_factory=list)


def build_command(mart: str) -> str:
    return f"python -m marketing_analytics dbt build -s +{mart}   (part of make build)"


class _Reader:
    """Reads marts for one section and records why one is missing."""

    def __init__(self, files: WarehouseFiles, section: Section) -> None:
        self.files, self.section = files, section

    def read(self, mart: str, only_expected: bool = False) -> pd.DataFrame | None:
        """The mart as pandas, or None with a note; ``only_expected`` reads only the
        columns the report uses (for large tables such as staging)."""
        self.section.marts.append(mart)
        columns = EXPECTED_MARTS[mart]
        if not self.files.exists(mart):
            dataset = PUBLIC_DATASET_MARTS.get(mart)
            self.section.notes.append(
                f"Mart {mart} is not in this warehouse (it needs the public dataset {dataset}: "
                "make build with --public-data): its charts are skipped."
                if dataset
                else f"Mart {mart} is not in this warehouse yet (its analysis is not built "
                f"here): its charts are skipped. Build it with: {build_command(mart)}"
            )
            return None
        available = self.files.dataset(mart).schema.names
        wanted = [c for c in columns if c in available] if only_expected else None
        frame = self.files.read(mart, wanted)
        missing = [column for column in columns if column not in frame.columns]
        if missing:
            self.section.notes.append(
                f"Mart {mart} lacks the column(s) {', '.join(missing)} the report reads: "
                "its charts are skipped."
            )
            return None
        if frame.empty:
            self.section.notes.append(f"Mart {mart} is empty: its charts are skipped.")
            return None
        return frame

    def chart(self, mart: str, title: str, svg_text: str, caption: str = "") -> None:
        relation = self.files.info(mart).relation
        self.section.charts.append(Chart(title, svg_text, relation, build_command(mart), caption))

    def interval_chart(
        self,
        mart: str,
        title: str,
        labels: list[str],
        intervals: tuple[pd.Series, pd.Series, pd.Series],
        x_label: str,
    ) -> None:
        """A forest plot of (estimate, lower, upper) columns, non-numbers drawn as gaps."""
        estimates, lowers, uppers = ([_finite(v) for v in column] for column in intervals)
        chart = svg.interval_chart(labels, estimates, lowers, uppers, title, x_label)
        self.chart(mart, title, chart)


def _groups(frame: pd.DataFrame, keys: list[str]):
    """(label, rows) per combination of keys, at most MAX_CHARTS_PER_MART."""
    present = [key for key in keys if key in frame.columns]
    if not present:
        yield "", frame
        return
    for index, (values, rows) in enumerate(frame.groupby(present, sort=True, dropna=False)):
        if index >= MAX_CHARTS_PER_MART:
            break
        values = values if isinstance(values, tuple) else (values,)
        yield ", ".join(str(value) for value in values), rows


def _finite(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def _p_text(value) -> str:
    """A p-value for a label: 'p<0.001' below 0.001 (the mart may hold 0 after underflow)."""
    number = _finite(value)
    if not math.isfinite(number):
        return "p=n/a"
    return "p<0.001" if number < 0.001 else f"p={number:.2g}"


def html_table(frame: pd.DataFrame, max_rows: int = 60) -> str:
    shown = frame.head(max_rows)
    head = "".join(f"<th>{escape(str(column))}</th>" for column in shown.columns)
    rows = []
    for _, row in shown.iterrows():
        cells = []
        for value in row:
            if isinstance(value, float):
                if math.isnan(value):
                    text = ""
                elif value.is_integer() and abs(value) < 1e12:
                    text = f"{int(value)}"
                else:
                    text = f"{value:.4g}"
            else:
                text = "" if value is None or value is pd.NA else str(value)
            cells.append(f"<td>{escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (
        f"<p class='note'>{len(frame) - max_rows} more rows in the mart.</p>"
        if len(frame) > max_rows
        else ""
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{more}"


def scorecard_intervals(files: WarehouseFiles, section: Section) -> None:
    """Forest plot of the section's scorecard rows that carry a confidence interval."""
    if not files.exists("rpt_validation_scorecard"):
        return
    reader, analysis = _Reader(files, section), section.key
    scorecard = files.read("rpt_validation_scorecard")
    rows = scorecard[
        (scorecard.analysis == analysis) & scorecard.ci_lower.notna() & scorecard.ci_upper.notna()
    ]
    if rows.empty:
        return
    charts = _by_scale(rows)
    for part, scale_rows in enumerate(charts, start=1):
        title = f"{analysis}: headline figures with 95% CIs"
        if len(charts) > 1:
            title += f" ({part} of {len(charts)}, by scale)"
        reader.chart(
            "rpt_validation_scorecard",
            title,
            svg.interval_chart(
                [f"{row.metric} ({row.dataset})" for row in scale_rows.itertuples()],
                [_finite(v) for v in scale_rows.value],
                [_finite(v) for v in scale_rows.ci_lower],
                [_finite(v) for v in scale_rows.ci_upper],
                title,
                "value (diamond: reference)",
                references=[None if pd.isna(v) else float(v) for v in scale_rows.reference_value],
            ),
            "Dots are the pipeline's estimates, lines their 95% CIs, diamonds the references.",
        )


def _by_scale(rows: pd.DataFrame, ratio: float = 50.0) -> list[pd.DataFrame]:
    """Rows split so that one chart's magnitudes stay within ``ratio`` of each other (a
    coefficient of 120,000 beside one of 0.05 would flatten the small one to a dot)."""
    magnitude = pd.concat(
        [rows[c].map(_finite).abs() for c in ("value", "ci_lower", "ci_upper")], axis=1
    ).max(axis=1)
    order = magnitude.fillna(0).sort_values(kind="stable")
    groups: list[list] = []
    floor = None
    for index, size in order.items():
        size = max(float(size), 1e-12)
        if floor is None or size > floor * ratio:
            groups.append([])
            floor = size
        groups[-1].append(index)
    # Keep the mart's row order inside each chart.
    return [rows.loc[[i for i in rows.index if i in set(group)]] for group in groups]


# --- sections ---------------------------------------------------------------


def foundation(files: WarehouseFiles) -> Section:
    section = Section(
        "foundation",
        "Validation scorecard and the data",
        "Can the pipeline be trusted, and what data did it run on?",
    )
    reader = _Reader(files, section)
    scorecard = reader.read("rpt_validation_scorecard")
    if scorecard is not None:
        status = scorecard.is_consistent.map(
            lambda value: (
                "no reference" if pd.isna(value) else ("consistent" if value else "NOT consistent")
            )
        )
        counts = (
            scorecard.assign(status=status).groupby(["analysis", "status"]).size().reset_index()
        )
        colours = {
            "consistent": svg.PALETTE[2],
            "no reference": "#999",
            "NOT consistent": svg.PALETTE[3],
        }
        reader.chart(
            "rpt_validation_scorecard",
            "Scorecard rows by analysis and status",
            svg.bar_chart(
                [f"{row.analysis}: {row.status}" for row in counts.itertuples()],
                [float(value) for value in counts[0]],
                "Scorecard rows by analysis and status",
                y_label="rows",
                colours=[colours[value] for value in counts.status],
            ),
            "Every analysis publishes its headline figures beside a reference "
            "(planted truth, published figure); red bars are figures that miss it.",
        )
        section.tables.append(
            ("All scorecard rows (reports.rpt_validation_scorecard)", html_table(scorecard, 200))
        )
    transactions = reader.read("stg_synthetic__transactions", only_expected=True)
    if transactions is not None:
        daily = (
            transactions.assign(day=pd.to_datetime(transactions.transaction_at).dt.normalize())
            .groupby("day")
            .agg(transactions=("amount", "size"), revenue=("amount", "sum"))
            .asfreq("D", fill_value=0)
        )
        day_number = [float(i) for i in range(len(daily))]
        ticks = {
            float(i): day.strftime("%Y-%m") for i, day in enumerate(daily.index) if day.day == 1
        }
        reader.chart(
            "stg_synthetic__transactions",
            "Transactions per day",
            svg.line_chart(
                {
                    "transactions": (day_number, daily.transactions.astype(float).tolist()),
                    "7-day mean": (
                        day_number,
                        daily.transactions.rolling(7, min_periods=1).mean().tolist(),
                    ),
                },
                "Transactions per day",
                y_label="transactions",
                x_tick_labels=ticks,
                dashed=["7-day mean"],
            ),
            f"{len(transactions):,} accepted transactions, {daily.revenue.sum():,.0f} revenue, "
            f"{daily.index.min():%Y-%m-%d} to {daily.index.max():%Y-%m-%d}.",
        )
    reconciled = reader.read("int_raw_tables_reconciled")
    if reconciled is not None:
        section.tables.append(
            (
                "Raw, staged and rejected rows per raw table (int_raw_tables_reconciled)",
                html_table(reconciled),
            )
        )
    return section


def _best_learner(evaluation: pd.DataFrame | None, dataset: str, outcome: str) -> str | None:
    """The learner with the highest Qini coefficient on a dataset and outcome."""
    if evaluation is None:
        return None
    rows = evaluation[
        (evaluation.dataset == dataset)
        & (evaluation.outcome == outcome)
        & (evaluation.metric == "qini_coefficient")
        & (evaluation.learner != "oracle")
    ]
    rows = rows[rows.value.map(_finite).map(math.isfinite)]
    if rows.empty:
        return None
    return str(rows.loc[rows.value.astype(float).idxmax(), "learner"])


def attribution(files: WarehouseFiles) -> Section:
    section = Section(
        "attribution",
        "Attribution: do e-mails drive purchases?",
        "How much do e-mails move daily purchase probability, next to recency, loyalty, "
        "weekends and releases?",
    )
    reader = _Reader(files, section)
    groups = reader.read("fct_purchase_driver_groups")
    if groups is not None:
        rows = groups.sort_values("purchase_probability_change_per_sd", ascending=False)
        title = "Change in daily purchase probability per sd, by driver group"
        reader.chart(
            "fct_purchase_driver_groups",
            title,
            svg.bar_chart(
                rows.driver_group.astype(str).tolist(),
                [_finite(v) for v in rows.purchase_probability_change_per_sd],
                title,
                y_label="purchase probability change",
            ),
            "p(1 - p) x the group's summed standardized effect (|coefficient| x sd) of the "
            "purchase-propensity model, at the training purchase-day rate.",
        )
        if rows.planted_standardized_effect.notna().any():
            title = "Standardized effect by driver group vs planted truth"
            reader.chart(
                "fct_purchase_driver_groups",
                title,
                svg.interval_chart(
                    rows.driver_group.astype(str).tolist(),
                    [_finite(v) for v in rows.standardized_effect],
                    [_finite(v) for v in rows.standardized_effect],
                    [_finite(v) for v in rows.standardized_effect],
                    title,
                    "log-odds per sd (dots: model; diamonds: planted)",
                    references=[
                        None if pd.isna(v) else float(v) for v in rows.planted_standardized_effect
                    ],
                ),
            )
    coefficients = reader.read("ml_customer_days_purchase_coefficients")
    if coefficients is not None:
        rows = coefficients[coefficients.term.astype(str) != "intercept"].copy()
        sd = rows.feature_sd.map(_finite)
        rows["effect"] = rows.coefficient.map(_finite) * sd
        rows["low"] = rows.ci_lower.map(_finite) * sd
        rows["high"] = rows.ci_upper.map(_finite) * sd
        rows = rows.sort_values(["driver_group", "effect"])
        title = "Purchase model: effect of a one-sd move of each feature, 95% CIs"
        reader.chart(
            "ml_customer_days_purchase_coefficients",
            title,
            svg.interval_chart(
                [f"{row.term} [{row.driver_group}]" for row in rows.itertuples()],
                rows.effect.tolist(),
                rows.low.tolist(),
                rows.high.tolist(),
                title,
                "change in log-odds of a purchase day per sd of the feature",
            ),
            "Logistic-regression coefficients x feature sd (signed), Wald 95% intervals.",
        )
    calibration = reader.read("fct_purchase_propensity_calibration")
    if calibration is not None:
        rows = calibration.sort_values("probability_decile")
        predicted = [_finite(v) for v in rows.mean_predicted_probability]
        title = "Calibration of the purchase model (test-period deciles)"
        reader.chart(
            "fct_purchase_propensity_calibration",
            title,
            svg.line_chart(
                {
                    "observed": (predicted, [_finite(v) for v in rows.observed_purchase_day_rate]),
                    "perfect calibration": (predicted, predicted),
                },
                title,
                y_label="observed purchase-day rate",
                x_label="mean predicted probability (one point per decile)",
                dashed=["perfect calibration"],
            ),
        )
    lift = reader.read("fct_email_holdout_lift")
    if lift is not None:
        for label, rows in _groups(lift, ["metric"]):
            rows = rows.sort_values(["campaign_name", "method"])
            title = f"E-mail holdout lift with 95% CIs: {label}"
            reader.chart(
                "fct_email_holdout_lift",
                title,
                svg.interval_chart(
                    [
                        f"{row.campaign_name} ({str(row.method).split('_')[0]})"
                        for row in rows.itertuples()
                    ],
                    [_finite(v) for v in rows.lift],
                    [_finite(v) for v in rows.ci_lower],
                    [_finite(v) for v in rows.ci_upper],
                    title,
                    "treatment minus control",
                ),
                "randomized: difference in means of the holdout arms; propensity: the "
                "model's e-mail coefficient translated to the same scale.",
            )
    hillstrom = reader.read("ml_hillstrom_segments_lift")
    if hillstrom is not None:
        for label, rows in _groups(hillstrom, ["metric"]):
            title = f"Hillstrom e-mail lift over No E-Mail, 95% CIs: {label}"
            reader.interval_chart(
                "ml_hillstrom_segments_lift",
                title,
                rows.email_segment.astype(str).tolist(),
                (rows.lift, rows.ci_lower, rows.ci_upper),
                "e-mail arm minus No E-Mail",
            )
    outcomes = reader.read("fct_hillstrom_segment_outcomes")
    if outcomes is not None:
        section.tables.append(
            (
                "Hillstrom arms: customers, visit and conversion rates, spend "
                "(marts.fct_hillstrom_segment_outcomes)",
                html_table(outcomes[EXPECTED_MARTS["fct_hillstrom_segment_outcomes"]]),
            )
        )
    return section


def uplift(files: WarehouseFiles) -> Section:
    section = Section(
        "uplift", "Uplift: whom to send a voucher", "Which customers does the voucher persuade?"
    )
    reader = _Reader(files, section)
    evaluation = reader.read("fct_uplift_learner_evaluation")
    curves = reader.read("fct_uplift_curves")
    if curves is not None:
        for label, rows in _groups(curves, ["dataset", "outcome"]):
            series = {}
            for learner, learner_rows in rows.groupby("learner", sort=True):
                learner_rows = learner_rows.sort_values("depth")
                series[str(learner)] = (
                    [_finite(v) for v in learner_rows.depth],
                    [_finite(v) for v in learner_rows.qini],
                )
            random_rows = rows[rows.learner == rows.learner.min()].sort_values("depth")
            series["random targeting"] = (
                [_finite(v) for v in random_rows.depth],
                [_finite(v) for v in random_rows.random_qini],
            )
            title = f"Qini curves (held-out units): {label}"
            reader.chart(
                "fct_uplift_curves",
                title,
                svg.line_chart(
                    series,
                    title,
                    y_label="incremental outcomes per unit",
                    x_label="share of the holdout targeted (by the learner's score)",
                    dashed=["random targeting"],
                ),
            )
    if evaluation is not None:
        qini = evaluation[evaluation.metric == "qini_coefficient"]
        for label, rows in _groups(qini, ["dataset"]):
            rows = rows.sort_values(["outcome", "learner"])
            title = f"Qini coefficient by learner with 95% bootstrap CIs: {label}"
            reader.interval_chart(
                "fct_uplift_learner_evaluation",
                title,
                [f"{row.learner} ({row.outcome})" for row in rows.itertuples()],
                (rows.value, rows.ci_lower, rows.ci_upper),
                "Qini coefficient (0 = random targeting)",
            )
    deciles = reader.read("fct_uplift_deciles")
    if deciles is not None:
        for label, rows in _groups(deciles, ["dataset", "outcome"]):
            dataset, outcome = rows.dataset.iloc[0], rows.outcome.iloc[0]
            learner = (
                _best_learner(evaluation, dataset, outcome)
                or sorted(rows.learner.astype(str).unique())[0]
            )
            rows = rows[rows.learner == learner].sort_values("score_decile")
            if rows.empty:
                continue
            title = f"Observed uplift by score decile: {label}, {learner}"
            reader.chart(
                "fct_uplift_deciles",
                title,
                svg.bar_chart(
                    [str(int(v)) for v in rows.score_decile],
                    [_finite(v) for v in rows.observed_uplift],
                    title,
                    y_label="uplift (treated - control rate)",
                    x_label="score decile (1 = highest predicted uplift); lines: 95% bootstrap CI",
                    errors=list(
                        zip(
                            [_finite(v) for v in rows.observed_uplift_ci_lower],
                            [_finite(v) for v in rows.observed_uplift_ci_upper],
                            strict=True,
                        )
                    ),
                ),
                f"Learner {learner}: the highest Qini coefficient on this dataset and outcome "
                "(fct_uplift_learner_evaluation).",
            )
    profit = reader.read("fct_uplift_targeting_depth_profit")
    if profit is not None:
        for label, rows in _groups(profit, ["dataset"]):
            rows = rows.sort_values("depth_percentile")
            best = rows[rows.is_best_depth.eq(True)]
            caption = (
                f"Best depth: top {int(best.depth_percentile.iloc[0])}% "
                f"({int(best.customers_targeted.iloc[0]):,} customers), expected profit "
                f"{_finite(best.expected_profit.iloc[0]):,.0f}."
                if not best.empty
                else ""
            )
            title = f"Expected profit by targeting depth: {label}"
            reader.chart(
                "fct_uplift_targeting_depth_profit",
                title,
                svg.line_chart(
                    {
                        "expected profit": (
                            [_finite(v) for v in rows.depth_percentile],
                            [_finite(v) for v in rows.expected_profit],
                        )
                    },
                    title,
                    y_label="expected profit",
                    x_label="percent of the next-campaign list sent a voucher (by expected profit)",
                ),
                caption,
            )
    checks = reader.read("fct_uplift_experiment_checks")
    if checks is not None:
        ate = checks[checks.check_name == "average_treatment_effect"]
        if not ate.empty:
            title = "Average treatment effects of the experiments, 95% CIs"
            reader.interval_chart(
                "fct_uplift_experiment_checks",
                title,
                [f"{row.dataset}: {row.metric}" for row in ate.itertuples()],
                (ate.value, ate.ci_lower, ate.ci_upper),
                "treated minus control rate",
            )
        shown = checks[checks.check_name.isin(["arm_size", "sample_ratio_mismatch"])]
        flagged = checks[checks.is_flagged.eq(True)]
        section.tables.append(
            (
                "Experiment checks: arm sizes, sample-ratio mismatch and every flagged check "
                "(marts.fct_uplift_experiment_checks)",
                html_table(
                    pd.concat([shown, flagged]).drop_duplicates()[
                        EXPECTED_MARTS["fct_uplift_experiment_checks"]
                    ]
                ),
            )
        )
    return section


def segmentation(files: WarehouseFiles) -> Section:
    section = Section(
        "segmentation",
        "Segmentation: which customer segments exist",
        "How many segments does the data support, and how do they differ?",
    )
    reader = _Reader(files, section)
    selection = reader.read("ml_customers_segment_selection")
    if selection is not None:
        chosen = selection[selection.is_chosen.eq(True)]
        caption = (
            f"Chosen: {chosen.algorithm.iloc[0]} with k = {int(chosen.k.iloc[0])}. "
            f"{chosen.selection_reason.iloc[0] or ''}"
            if not chosen.empty
            else ""
        )
        for metric, better in (
            ("silhouette", "higher is better"),
            ("stability_ari", "bootstrap stability, higher is better"),
            ("davies_bouldin", "lower is better"),
        ):
            series = {
                str(algorithm): (
                    [_finite(v) for v in algo_rows.sort_values("k").k],
                    [_finite(v) for v in algo_rows.sort_values("k")[metric]],
                )
                for algorithm, algo_rows in selection.groupby("algorithm", sort=True)
                if algo_rows[metric].notna().any()
            }
            if not series:
                continue
            title = f"{metric} by number of segments ({better})"
            reader.chart(
                "ml_customers_segment_selection",
                title,
                svg.line_chart(series, title, y_label=metric, x_label="k (segments)"),
                caption if metric == "silhouette" else "",
            )
    profiles = reader.read("dim_customer_segments")
    if profiles is not None:
        rows = profiles.sort_values("segment_id")
        names = [str(label) for label in rows.segment_label]
        for column, axis in (
            ("customers", "customers"),
            ("average_total_spend", "average total spend"),
            ("spend_index", "spend index (1 = all customers)"),
            ("engagement_index", "e-mail engagement index (1 = all customers)"),
            ("frequency_index", "purchase frequency index (1 = all customers)"),
        ):
            title = f"Segment profiles: {axis}"
            reader.chart(
                "dim_customer_segments",
                title,
                svg.bar_chart(names, [_finite(v) for v in rows[column]], title, y_label=axis),
            )
        section.tables.append(
            (
                "Segment profiles (marts.dim_customer_segments)",
                html_table(rows[EXPECTED_MARTS["dim_customer_segments"]]),
            )
        )
    return section


def crm(files: WarehouseFiles) -> Section:
    section = Section(
        "crm",
        "CRM: whom the next campaign should contact",
        "Which segments respond, what does a contact return, and whom to contact?",
    )
    reader = _Reader(files, section)
    policy = reader.read("fct_crm_contact_policy")
    if policy is not None:
        for label, rows in _groups(policy, ["dataset"]):
            rows = rows.sort_values("segment")
            first = rows.iloc[0]
            caption = (
                f"Segments by {first.segment_type}. The policy contacts "
                f"{int(_finite(first.policy_total_contacts)):,} customers for an expected "
                "profit of "
                f"{_finite(first.policy_total_expected_profit):,.0f}; contacting all "
                f"{int(_finite(first.contact_all_contacts)):,} made "
                f"{_finite(first.contact_all_profit):,.0f} in the last campaign."
            )
            title = f"Contact policy: response lift vs baseline with 95% CIs: {label}"
            reader.chart(
                "fct_crm_contact_policy",
                title,
                svg.interval_chart(
                    [f"{row.segment} ({row.decision})" for row in rows.itertuples()],
                    [_finite(v) for v in rows.lift],
                    [_finite(v) for v in rows.lift_ci_lower],
                    [_finite(v) for v in rows.lift_ci_upper],
                    title,
                    "lift (segment response rate / overall rate; 1 = baseline)",
                ),
                caption,
            )
            title = f"Contact policy: ROI of the last campaign by segment: {label}"
            reader.chart(
                "fct_crm_contact_policy",
                title,
                svg.bar_chart(
                    rows.segment.astype(str).tolist(),
                    [_finite(v) for v in rows.roi],
                    title,
                    y_label="ROI ((revenue - cost) / cost)",
                    colours=[
                        svg.PALETTE[2] if str(d).upper() == "CONTACT" else "#999"
                        for d in rows.decision
                    ],
                ),
                "Green: the policy contacts the segment; grey: it skips it.",
            )
    roi = reader.read("fct_crm_segment_uplift_roi")
    if roi is not None:
        clusters = roi[roi.segment_type == "cluster"]
        for label, rows in _groups(clusters, ["dataset"]):
            rows = rows.sort_values("segment")
            title = f"Response rate by cluster with 95% Wilson CIs: {label}"
            reader.interval_chart(
                "fct_crm_segment_uplift_roi",
                title,
                [f"{row.segment} (ROI {_finite(row.roi):.2f})" for row in rows.itertuples()],
                (rows.response_rate, rows.response_rate_ci_lower, rows.response_rate_ci_upper),
                "response rate to the last campaign",
            )
    acceptance = reader.read("fct_crm_campaign_by_cluster")
    if acceptance is not None:
        overall = acceptance[acceptance.segment_type == "all"]
        for label, rows in _groups(overall, ["dataset"]):
            rows = rows.sort_values("campaign")
            title = f"Campaign acceptance rates with 95% Wilson CIs: {label}"
            reader.interval_chart(
                "fct_crm_campaign_by_cluster",
                title,
                rows.campaign.astype(str).tolist(),
                (
                    rows.acceptance_rate,
                    rows.acceptance_rate_ci_lower,
                    rows.acceptance_rate_ci_upper,
                ),
                "acceptance rate (all customers)",
            )
    return section


def mmm(files: WarehouseFiles) -> Section:
    section = Section(
        "mmm",
        "Market mix: which channels drive revenue",
        "What does each channel's spend return, with which uncertainty and diagnostics?",
    )
    reader = _Reader(files, section)
    coefficients = reader.read("fct_channel_coefficients")
    if coefficients is not None:
        channels = coefficients[
            (coefficients.model_scope.astype(str) == "pooled")
            & (coefficients.term_role.astype(str) == "channel")
            & coefficients.is_recommended_error_type.eq(True)
        ]
        for label, rows in _groups(channels, ["panel_name"]):
            error_type = rows.error_type.iloc[0]
            title = f"Channel coefficients with 95% CIs ({error_type} errors): {label}"
            reader.interval_chart(
                "fct_channel_coefficients",
                title,
                [f"{row.term} ({_p_text(row.p_value)})" for row in rows.itertuples()],
                (rows.estimate, rows.ci_lower, rows.ci_upper),
                "revenue per unit of (transformed) spend, pooled OLS",
            )
    diagnostics = reader.read("fct_panel_diagnostics")
    if diagnostics is not None:
        pooled = diagnostics[diagnostics.model_scope.astype(str) == "pooled"]
        if not pooled.empty:
            title = "Fit of the pooled models: adjusted R squared by panel"
            reader.chart(
                "fct_panel_diagnostics",
                title,
                svg.bar_chart(
                    pooled.panel_name.astype(str).tolist(),
                    [_finite(v) for v in pooled.adjusted_r_squared],
                    title,
                    y_label="adjusted R squared",
                ),
            )
            title = "Residual autocorrelation of the pooled models: Durbin-Watson by panel"
            reader.chart(
                "fct_panel_diagnostics",
                title,
                svg.bar_chart(
                    pooled.panel_name.astype(str).tolist(),
                    [_finite(v) for v in pooled.durbin_watson],
                    title,
                    y_label="Durbin-Watson (2 = none)",
                    colours=[
                        svg.PALETTE[3] if str(e) == "hac" else svg.PALETTE[0]
                        for e in pooled.recommended_error_type
                    ],
                ),
                "Red: autocorrelated residuals, so the coefficients' CIs use HAC "
                "(Newey-West) errors.",
            )
        section.tables.append(
            (
                "Fit and diagnostics per panel and model (marts.fct_panel_diagnostics)",
                html_table(diagnostics[EXPECTED_MARTS["fct_panel_diagnostics"]]),
            )
        )
    recommendations = reader.read("fct_channel_recommendations")
    if recommendations is not None:
        pooled = recommendations[recommendations.model_scope.astype(str) == "pooled"]
        for label, rows in _groups(pooled, ["panel_name"]):
            colours = {"increase": svg.PALETTE[2], "cut": svg.PALETTE[3], "keep": svg.PALETTE[0]}
            title = f"Return per unit of spend and recommendation: {label}"
            reader.chart(
                "fct_channel_recommendations",
                title,
                svg.bar_chart(
                    [f"{row.channel}: {row.recommendation}" for row in rows.itertuples()],
                    [_finite(v) for v in rows.return_per_unit_spend],
                    title,
                    y_label="return per unit of spend",
                    colours=[colours.get(str(r), "#999") for r in rows.recommendation],
                ),
                f"Break-even return: {_finite(rows.break_even_return.iloc[0]):.3g}; "
                f"recommendation from the {rows.error_type.iloc[0]} errors' 95% CI. Green: "
                "increase, blue: keep, red: cut, grey: insufficient evidence.",
            )
    contributions = reader.read("fct_channel_contributions")
    if contributions is not None:
        pooled = contributions[contributions.model_scope.astype(str) == "pooled"]
        for label, rows in _groups(pooled, ["panel_name"]):
            title = f"Share of the positive contributions by channel: {label}"
            reader.chart(
                "fct_channel_contributions",
                title,
                svg.bar_chart(
                    rows.channel.astype(str).tolist(),
                    [_finite(v) for v in rows.contribution_share],
                    title,
                    y_label="contribution share",
                ),
            )
    return section


SECTIONS: list[Callable[[WarehouseFiles], Section]] = [
    foundation,
    attribution,
    uplift,
    segmentation,
    crm,
    mmm,
]
