"""The HTML report: section renderers against the marts' column contract (fast, on a fake
warehouse), and the real report of the test build rendered in headless Chromium (slow)."""

import os
import re
import xml.etree.ElementTree as ET
from html import escape
from pathlib import Path

import pytest
import yaml
from dbt_runner import PROJECT_ROOT
from report_fixtures import sample_marts, write_fake_warehouse

from marketing_analytics.report import EXPECTED_MARTS, ReportResult, build_report
from marketing_analytics.report import svg as charts
from marketing_analytics.report.sections import PUBLIC_DATASET_MARTS
from marketing_analytics.spark_env import profile_spark_conf

SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_elements(html: str) -> list[ET.Element]:
    return [ET.fromstring(block) for block in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)]


def test_nice_ticks_cover_the_range_with_round_steps() -> None:
    ticks = charts.nice_ticks(0.013, 0.87)
    assert ticks[0] <= 0.013 and ticks[-1] >= 0.87
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert steps == {0.2}
    assert charts.nice_ticks(5, 5)[0] <= 5 <= charts.nice_ticks(5, 5)[-1]


def test_bar_chart_draws_one_bar_per_value_with_heights_in_proportion() -> None:
    svg_text = charts.bar_chart(["a", "b", "c"], [1.0, 2.0, 4.0], "t", errors=[(0.5, 1.5)] * 3)
    root = ET.fromstring(svg_text)
    bars = [e for e in root.iter(f"{SVG_NS}rect") if e.get("class") == "bar"]
    heights = [float(bar.get("height")) for bar in bars]
    assert len(bars) == 3
    assert heights[1] == pytest.approx(2 * heights[0], rel=1e-3)
    assert heights[2] == pytest.approx(4 * heights[0], rel=1e-3)


def test_interval_chart_places_estimates_between_their_bounds() -> None:
    root = ET.fromstring(
        charts.interval_chart(
            ["x", "y"], [1.0, -2.0], [0.5, -3.0], [1.5, -1.0], "t", references=[1.2, None]
        )
    )
    dots = [float(e.get("cx")) for e in root.iter(f"{SVG_NS}circle")]
    lines = [e for e in root.iter(f"{SVG_NS}line") if e.get("stroke-width") == "2"]
    for dot, line in zip(dots, lines, strict=True):
        assert float(line.get("x1")) < dot < float(line.get("x2"))
    assert dots[1] < dots[0]


def test_every_section_draws_its_charts_from_marts_shaped_as_expected(tmp_path: Path) -> None:
    marts = sample_marts()
    assert set(marts) == set(EXPECTED_MARTS)  # the fixture covers the whole contract
    target, warehouse = write_fake_warehouse(tmp_path, marts)
    result = build_report(target, warehouse, tmp_path / "report" / "index.html")
    html = result.path.read_text()
    for section in result.sections:
        assert section.charts, f"section {section.key} drew nothing: {section.notes}"
        assert not section.notes, section.notes
        for chart in section.charts:
            assert chart.mart.split(".")[-1] in EXPECTED_MARTS
            assert f"dbt build -s +{chart.mart.split('.')[-1]}" in chart.command
    assert len(svg_elements(html)) == result.chart_count
    # Each chart names its mart and command next to it, and nothing loads from the network.
    assert html.count("built by: python -m marketing_analytics dbt build") == result.chart_count
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", html)
    assert "<script" not in html
    # The driver-group bars follow the mart's numbers (largest first).
    attribution = next(s for s in result.sections if s.key == "attribution")
    bars = [
        e.find(f"{SVG_NS}title").text
        for e in ET.fromstring(attribution.charts[0].svg).iter(f"{SVG_NS}rect")
        if e.get("class") == "bar"
    ]
    assert bars[0].startswith("recency_loyalty")
    # The Qini chart draws every learner plus the random line; deciles use the best learner.
    uplift = next(s for s in result.sections if s.key == "uplift")
    qini = next(c for c in uplift.charts if c.title.startswith("Qini curves"))
    lines = [e for e in ET.fromstring(qini.svg).iter(f"{SVG_NS}polyline")]
    assert len(lines) == 3
    assert any(c.title.endswith("converted, t_learner") for c in uplift.charts)


def test_missing_marts_and_columns_give_visible_notes_not_errors(tmp_path: Path) -> None:
    marts = sample_marts()
    marts = {
        "rpt_validation_scorecard": marts["rpt_validation_scorecard"],
        "fct_channel_coefficients": marts["fct_channel_coefficients"].drop(columns=["p_value"]),
    }
    target, warehouse = write_fake_warehouse(tmp_path, marts)
    result = build_report(target, warehouse, tmp_path / "index.html")
    sections = {section.key: section for section in result.sections}
    assert any(
        "fct_email_holdout_lift is not in this warehouse yet" in n
        for n in sections["attribution"].notes
    )
    assert any("lacks the column(s) p_value" in n for n in sections["mmm"].notes)
    # A public-dataset mart that is absent says which dataset it needs.
    assert any(
        "ml_hillstrom_segments_lift is not in this warehouse (it needs the public dataset "
        "hillstrom" in n
        for n in sections["attribution"].notes
    )
    html = result.path.read_text()
    assert html.count('class="note"') >= sum(len(s.notes) for s in result.sections)
    # The scorecard rows with CIs still draw, in their analysis' section.
    assert [c.title for c in sections["uplift"].charts] == ["uplift: headline figures with 95% CIs"]


def test_report_exposure_lists_every_built_mart_the_report_reads() -> None:
    """When an analysis lands its marts, models/exposures.yml must name them."""
    exposures = yaml.safe_load((PROJECT_ROOT / "models" / "exposures.yml").read_text())
    report = next(e for e in exposures["exposures"] if e["name"] == "marketing_analytics_report")
    referenced = {re.search(r"ref\('([^']+)'\)", ref).group(1) for ref in report["depends_on"]}
    model_files = {
        path.stem
        for folder in ("models", "python_models")
        if (PROJECT_ROOT / folder).is_dir()
        for path in (PROJECT_ROOT / folder).rglob("*")
        if path.suffix in (".sql", ".py")
    }
    # Public-dataset marts are disabled without their dataset, and an exposure's ref to a
    # disabled model fails dbt's parse: those are read when present but not declared.
    declared = set(EXPECTED_MARTS) - set(PUBLIC_DATASET_MARTS)
    assert sorted((declared & model_files) - referenced) == []
    assert not set(PUBLIC_DATASET_MARTS) & referenced
    # The BI dashboards read the public marts: every contracted mart the report reads.
    bi = next(e for e in exposures["exposures"] if e["name"] == "bi_marts_dashboards")
    bi_refs = {re.search(r"ref\('([^']+)'\)", ref).group(1) for ref in bi["depends_on"]}
    public = {name for name in declared & model_files if name.startswith(("fct_", "dim_"))}
    assert sorted(public - bi_refs) == []
    for exposure in exposures["exposures"]:
        assert exposure["owner"].get("name") and exposure["owner"].get("email")


# --- end to end -------------------------------------------------------------

# Marts the report shows as tables only (no chart).
TABLE_ONLY = {"int_raw_tables_reconciled", "fct_hillstrom_segment_outcomes"}


def assert_every_analysis_charted(result: ReportResult, public_data: dict[str, str]) -> None:
    """On a full build every mart of the contract is read and charted: no section has a
    note except for a public dataset that was not given."""
    for section in result.sections:
        assert section.charts, f"section {section.key} drew nothing: {section.notes}"
        for note in section.notes:
            assert any(
                f"{mart} is not in this warehouse" in note and dataset not in public_data
                for mart, dataset in PUBLIC_DATASET_MARTS.items()
            ), note
    charted = {chart.mart.split(".")[-1] for s in result.sections for chart in s.charts}
    absent = {mart for mart, dataset in PUBLIC_DATASET_MARTS.items() if dataset not in public_data}
    assert sorted(set(EXPECTED_MARTS) - TABLE_ONLY - absent - charted) == []


def assert_every_chart_drawn_in_chromium(result: ReportResult, screenshot: Path) -> Path:
    """Render the report in headless Chromium: every chart is laid out with visible marks,
    every note is shown; returns the full-page screenshot."""
    from headless import Chromium

    with Chromium(width=1100, height=900) as browser:
        browser.navigate(result.path.as_uri())
        browser.wait_for("document.readyState === 'complete'")
        sizes = browser.evaluate(
            "Array.from(document.querySelectorAll('svg.chart')).map(svg => {"
            " const box = svg.getBoundingClientRect();"
            " const marks = svg.querySelectorAll('rect.bar, polyline.series, circle.estimate');"
            " const drawn = Array.from(marks).filter(m => {"
            "   const b = m.getBoundingClientRect(); return b.width > 0 || b.height > 0; });"
            " return [box.width, box.height, drawn.length]; })"
        )
        notes = browser.evaluate("document.querySelectorAll('p.note').length")
        shot = browser.screenshot(screenshot, full_page=True)
    assert len(sizes) == result.chart_count > 0
    for width, height, drawn in sizes:
        assert width > 100 and height > 100 and drawn > 0
    assert notes == sum(len(section.notes) for section in result.sections)
    assert shot.stat().st_size > 20_000
    return shot


@pytest.mark.slow
def test_report_of_the_test_build_renders_every_chart_in_chromium(
    project_build, warehouse, public_data, tmp_path: Path
) -> None:
    from headless import chromium_binary

    if chromium_binary() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium missing in CI: .ci/run runs `make browser` first")
        pytest.skip("chromium not installed (make browser)")
    conf = profile_spark_conf("local", PROJECT_ROOT / "profiles", project_build.environ())
    result = build_report(
        project_build.target_dir,
        Path(conf["spark.sql.warehouse.dir"]),
        tmp_path / "reports" / "index.html",
    )
    assert_every_analysis_charted(result, public_data)
    # The report's numbers are the warehouse's (read here through the Thrift server).
    scorecard_rows = int(warehouse.scalar("select count(*) from reports.rpt_validation_scorecard"))
    transactions = int(warehouse.scalar("select count(*) from staging.stg_synthetic__transactions"))
    html = result.path.read_text()
    assert f"{transactions:,} accepted transactions" in html
    scorecard_table = html.split("All scorecard rows", 1)[1].split("</table>", 1)[0]
    assert scorecard_table.count("<tr>") - 1 == scorecard_rows  # minus the header row
    # Every segment's contact decision in the warehouse is labelled in the policy chart.
    policy = warehouse.query("select segment, decision from marts.fct_crm_contact_policy")
    assert not policy.empty
    for row in policy.itertuples():
        assert escape(f"{row.segment} ({row.decision})") in html

    shot = assert_every_chart_drawn_in_chromium(result, tmp_path / "report.png")
    print(f"report screenshot: {shot}")
