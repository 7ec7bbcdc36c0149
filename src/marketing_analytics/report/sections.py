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

# mart -> the columns the report reads (other columns are ignored).
EXPECTED_MARTS: dict[str, list[str]] = {
    # core (exists)
    "fct_validation_scorecard": [
        "analysis", "dataset", "metric", "value", "ci_lower", "ci_upper",
        "reference_value", "reference_source", "consistency_rule", "is_consistent",
    ],
    "stg_synthetic__transactions": ["transaction_at", "amount"],
    "int_raw_tables_reconciled": ["table_name", "raw_rows", "staged_rows", "rejected_rows"],
    # attribution (issue 3)
    "fct_purchase_driver_groups": ["driver_group", "probability_change"],
    "fct_purchase_model_coefficients": ["feature", "driver_group", "standardized_effect"],
    "fct_purchase_model_calibration": [
        "decile", "mean_predicted_probability", "observed_purchase_rate",
    ],
    "fct_email_lift": ["dataset", "segment", "metric", "lift", "ci_lower", "ci_upper"],
    # uplift (issue 4)
    "fct_uplift_qini_curves": ["dataset", "learner", "targeted_share", "incremental_gain"],
    "fct_uplift_by_decile": ["dataset", "learner", "decile", "uplift", "ci_lower", "ci_upper"],
    "fct_voucher_targeting_profit": ["dataset", "targeted_share", "expected_profit"],
    # segmentation (issue 5)
    "fct_segment_model_selection": [
        "dataset", "algorithm", "k", "silhouette", "davies_bouldin", "calinski_harabasz",
        "stability_ari",
    ],
    "fct_segment_profiles": [
        "dataset", "segment_id", "segment_label", "customer_count", "avg_total_spend",
    ],
    # crm (issue 6)
    "fct_crm_contact_policy": [
        "dataset", "segment", "response_rate", "lift", "lift_ci_lower", "lift_ci_upper",
        "roi", "decision",
    ],
    "fct_crm_campaign_acceptance": ["dataset", "campaign", "acceptance_rate"],
    # mmm (issue 7)
    "fct_mmm_coefficients": [
        "dataset", "model_scope", "standard_error_type", "term", "estimate", "ci_lower",
        "ci_upper", "p_value",
    ],
    "fct_mmm_diagnostics": ["dataset", "model_scope", "diagnostic", "value"],
    "fct_mmm_recommendations": ["dataset", "channel", "return_per_unit_spend", "recommendation"],
}  # fmt: skip


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
            self.section.notes.append(
                f"Mart {mart} is not in this warehouse yet (its analysis is not built here): "
                f"its charts are skipped. Build it with: {build_command(mart)}"
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
    if not files.exists("fct_validation_scorecard"):
        return
    reader, analysis = _Reader(files, section), section.key
    scorecard = files.read("fct_validation_scorecard")
    rows = scorecard[
        (scorecard.analysis == analysis) & scorecard.ci_lower.notna() & scorecard.ci_upper.notna()
    ]
    if rows.empty:
        return
    reader.chart(
        "fct_validation_scorecard",
        f"{analysis}: headline figures with 95% CIs",
        svg.interval_chart(
            [f"{row.metric} ({row.dataset})" for row in rows.itertuples()],
            [_finite(v) for v in rows.value],
            [_finite(v) for v in rows.ci_lower],
            [_finite(v) for v in rows.ci_upper],
            f"{analysis}: headline figures with 95% CIs",
            "value (diamond: reference)",
            references=[None if pd.isna(v) else float(v) for v in rows.reference_value],
        ),
        "Dots are the pipeline's estimates, lines their 95% CIs, diamonds the references.",
    )


# --- sections ---------------------------------------------------------------


def foundation(files: WarehouseFiles) -> Section:
    section = Section(
        "foundation",
        "Validation scorecard and the data",
        "Can the pipeline be trusted, and what data did it run on?",
    )
    reader = _Reader(files, section)
    scorecard = reader.read("fct_validation_scorecard")
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
            "fct_validation_scorecard",
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
            ("All scorecard rows (marts.fct_validation_scorecard)", html_table(scorecard, 200))
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
        for label, rows in _groups(groups, ["dataset"]):
            rows = rows.sort_values("probability_change", ascending=False)
            title = f"Change in purchase probability by driver group {label}".strip()
            reader.chart(
                "fct_purchase_driver_groups",
                title,
                svg.bar_chart(
                    rows.driver_group.astype(str).tolist(),
                    [_finite(v) for v in rows.probability_change],
                    title,
                    y_label="purchase probability change",
                ),
            )
    coefficients = reader.read("fct_purchase_model_coefficients")
    if coefficients is not None:
        for label, rows in _groups(coefficients, ["dataset"]):
            rows = rows.sort_values("standardized_effect")
            title = f"Standardized effects of the purchase model {label}".strip()
            reader.chart(
                "fct_purchase_model_coefficients",
                title,
                svg.interval_chart(
                    [f"{row.feature} [{row.driver_group}]" for row in rows.itertuples()],
                    [_finite(v) for v in rows.standardized_effect],
                    [_finite(v) for v in rows.get("ci_lower", rows.standardized_effect)],
                    [_finite(v) for v in rows.get("ci_upper", rows.standardized_effect)],
                    title,
                    "standardized effect on the log-odds of a purchase day",
                ),
            )
    calibration = reader.read("fct_purchase_model_calibration")
    if calibration is not None:
        for label, rows in _groups(calibration, ["dataset"]):
            rows = rows.sort_values("decile")
            predicted = [_finite(v) for v in rows.mean_predicted_probability]
            title = f"Calibration of the purchase model by decile {label}".strip()
            reader.chart(
                "fct_purchase_model_calibration",
                title,
                svg.line_chart(
                    {
                        "observed": (predicted, [_finite(v) for v in rows.observed_purchase_rate]),
                        "perfect calibration": (predicted, predicted),
                    },
                    title,
                    y_label="observed purchase rate",
                    x_label="mean predicted probability (held-out days)",
                    dashed=["perfect calibration"],
                ),
            )
    lift = reader.read("fct_email_lift")
    if lift is not None:
        for label, rows in _groups(lift, ["dataset", "metric"]):
            title = f"E-mail lift with 95% CIs: {label}"
            reader.chart(
                "fct_email_lift",
                title,
                svg.interval_chart(
                    rows.segment.astype(str).tolist(),
                    [_finite(v) for v in rows.lift],
                    [_finite(v) for v in rows.ci_lower],
                    [_finite(v) for v in rows.ci_upper],
                    title,
                    "treated minus control",
                ),
            )
    return section


def uplift(files: WarehouseFiles) -> Section:
    section = Section(
        "uplift", "Uplift: whom to send a voucher", "Which customers does the voucher persuade?"
    )
    reader = _Reader(files, section)
    curves = reader.read("fct_uplift_qini_curves")
    if curves is not None:
        for label, rows in _groups(curves, ["dataset"]):
            series = {}
            for learner, learner_rows in rows.groupby("learner", sort=True):
                learner_rows = learner_rows.sort_values("targeted_share")
                series[str(learner)] = (
                    [_finite(v) for v in learner_rows.targeted_share],
                    [_finite(v) for v in learner_rows.incremental_gain],
                )
            last = rows.sort_values("targeted_share").iloc[-1]
            series["random targeting"] = (
                [0.0, _finite(last.targeted_share)],
                [0.0, _finite(last.incremental_gain)],
            )
            title = f"Qini curves (held-out customers): {label}"
            reader.chart(
                "fct_uplift_qini_curves",
                title,
                svg.line_chart(
                    series,
                    title,
                    y_label="incremental conversions",
                    x_label="share of customers targeted",
                    dashed=["random targeting"],
                ),
            )
    deciles = reader.read("fct_uplift_by_decile")
    if deciles is not None:
        for label, rows in _groups(deciles, ["dataset", "learner"]):
            rows = rows.sort_values("decile")
            title = f"Observed uplift by predicted-uplift decile: {label}"
            reader.chart(
                "fct_uplift_by_decile",
                title,
                svg.bar_chart(
                    [str(int(v)) for v in rows.decile],
                    [_finite(v) for v in rows.uplift],
                    title,
                    y_label="uplift (treated - control rate)",
                    x_label="decile (1 = highest predicted uplift); bars: 95% bootstrap CI",
                    errors=list(
                        zip(
                            [_finite(v) for v in rows.ci_lower],
                            [_finite(v) for v in rows.ci_upper],
                            strict=True,
                        )
                    ),
                ),
            )
    profit = reader.read("fct_voucher_targeting_profit")
    if profit is not None:
        for label, rows in _groups(profit, ["dataset"]):
            rows = rows.sort_values("targeted_share")
            title = f"Expected profit by targeting depth: {label}"
            reader.chart(
                "fct_voucher_targeting_profit",
                title,
                svg.line_chart(
                    {
                        "expected profit": (
                            [_finite(v) for v in rows.targeted_share],
                            [_finite(v) for v in rows.expected_profit],
                        )
                    },
                    title,
                    y_label="expected profit",
                    x_label="share of customers sent a voucher (by uplift score)",
                ),
            )
    return section


def segmentation(files: WarehouseFiles) -> Section:
    section = Section(
        "segmentation",
        "Segmentation: which customer segments exist",
        "How many segments does the data support, and how do they differ?",
    )
    reader = _Reader(files, section)
    selection = reader.read("fct_segment_model_selection")
    if selection is not None:
        for label, rows in _groups(selection, ["dataset"]):
            for metric in ("silhouette", "stability_ari", "davies_bouldin"):
                series = {
                    str(algorithm): (
                        [_finite(v) for v in algo_rows.sort_values("k").k],
                        [_finite(v) for v in algo_rows.sort_values("k")[metric]],
                    )
                    for algorithm, algo_rows in rows.groupby("algorithm", sort=True)
                    if algo_rows[metric].notna().any()
                }
                if not series:
                    continue
                title = f"{metric} by number of segments: {label}"
                reader.chart(
                    "fct_segment_model_selection",
                    title,
                    svg.line_chart(series, title, y_label=metric, x_label="k (segments)"),
                )
    profiles = reader.read("fct_segment_profiles")
    if profiles is not None:
        for label, rows in _groups(profiles, ["dataset"]):
            rows = rows.sort_values("segment_id")
            names = [f"{row.segment_id}: {row.segment_label}" for row in rows.itertuples()]
            for column, axis in (
                ("customer_count", "customers"),
                ("avg_total_spend", "average total spend"),
            ):
                title = f"Segment {axis}: {label}"
                reader.chart(
                    "fct_segment_profiles",
                    title,
                    svg.bar_chart(names, [_finite(v) for v in rows[column]], title, y_label=axis),
                )
            section.tables.append((f"Segment profiles: {label}", html_table(rows)))
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
            title = f"Response lift vs baseline with 95% CIs: {label}"
            reader.chart(
                "fct_crm_contact_policy",
                title,
                svg.interval_chart(
                    [f"{row.segment} ({row.decision})" for row in rows.itertuples()],
                    [_finite(v) for v in rows.lift],
                    [_finite(v) for v in rows.lift_ci_lower],
                    [_finite(v) for v in rows.lift_ci_upper],
                    title,
                    "lift (segment response rate / overall rate)",
                ),
            )
            title = f"Return on a contact (ROI) by segment: {label}"
            reader.chart(
                "fct_crm_contact_policy",
                title,
                svg.bar_chart(
                    rows.segment.astype(str).tolist(),
                    [_finite(v) for v in rows.roi],
                    title,
                    y_label="ROI",
                    colours=[
                        svg.PALETTE[2] if str(d).upper() == "CONTACT" else "#999"
                        for d in rows.decision
                    ],
                ),
                "Green: the policy contacts the segment.",
            )
    acceptance = reader.read("fct_crm_campaign_acceptance")
    if acceptance is not None:
        for label, rows in _groups(acceptance, ["dataset"]):
            title = f"Campaign acceptance rates: {label}"
            reader.chart(
                "fct_crm_campaign_acceptance",
                title,
                svg.bar_chart(
                    rows.campaign.astype(str).tolist(),
                    [_finite(v) for v in rows.acceptance_rate],
                    title,
                    y_label="acceptance rate",
                ),
            )
    return section


def mmm(files: WarehouseFiles) -> Section:
    section = Section(
        "mmm",
        "Market mix: which channels drive revenue",
        "What does each channel's spend return, with which uncertainty and diagnostics?",
    )
    reader = _Reader(files, section)
    coefficients = reader.read("fct_mmm_coefficients")
    if coefficients is not None:
        pooled = coefficients[coefficients.model_scope.astype(str) == "pooled"]
        pooled = pooled[~pooled.term.astype(str).str.lower().isin(["const", "intercept"])]
        for label, rows in _groups(pooled, ["dataset", "standard_error_type"]):
            title = f"Channel coefficients with 95% CIs: {label}"
            reader.chart(
                "fct_mmm_coefficients",
                title,
                svg.interval_chart(
                    [f"{row.term} (p={_finite(row.p_value):.3g})" for row in rows.itertuples()],
                    [_finite(v) for v in rows.estimate],
                    [_finite(v) for v in rows.ci_lower],
                    [_finite(v) for v in rows.ci_upper],
                    title,
                    "revenue per unit of spend",
                ),
            )
    diagnostics = reader.read("fct_mmm_diagnostics")
    if diagnostics is not None:
        section.tables.append(
            ("Fit and diagnostics (marts.fct_mmm_diagnostics)", html_table(diagnostics))
        )
    recommendations = reader.read("fct_mmm_recommendations")
    if recommendations is not None:
        for label, rows in _groups(recommendations, ["dataset"]):
            title = f"Return per unit of spend and recommendation: {label}"
            reader.chart(
                "fct_mmm_recommendations",
                title,
                svg.bar_chart(
                    [f"{row.channel}: {row.recommendation}" for row in rows.itertuples()],
                    [_finite(v) for v in rows.return_per_unit_spend],
                    title,
                    y_label="return per unit of spend",
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
