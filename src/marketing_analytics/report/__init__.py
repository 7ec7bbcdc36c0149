"""The HTML report: one self-contained file, one section per analysis, charts as inline SVG.

``python -m marketing_analytics report`` (``make report``) reads the marts from the
warehouse's Parquet folders (no Spark, so it runs while the Thrift server does) and
writes ``reports/index.html``: no scripts, no fonts or images from the network.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from marketing_analytics.report.sections import (
    EXPECTED_MARTS,
    SECTIONS,
    Section,
    scorecard_intervals,
)
from marketing_analytics.warehouse_files import WarehouseFiles

__all__ = ["EXPECTED_MARTS", "ReportResult", "build_report", "render_html"]

STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 980px; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #1f77b4; padding-bottom: 0.2em; }
figure { margin: 1.5em 0; } figcaption { font-size: 0.9em; color: #333; }
.source { font-family: monospace; font-size: 0.85em; color: #555; }
.note { background: #fff4d6; border-left: 4px solid #e0a800; padding: 0.4em 0.8em; }
table { border-collapse: collapse; font-size: 0.8em; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
nav a { margin-right: 1em; }
summary { font-weight: bold; margin: 1em 0 0.3em; cursor: pointer; }
.table-scroll { overflow-x: auto; max-width: 100%; }
.source { overflow-wrap: anywhere; }
"""


@dataclass(frozen=True)
class ReportResult:
    path: Path
    sections: list[Section]

    @property
    def chart_count(self) -> int:
        return sum(len(section.charts) for section in self.sections)


def render_section(section: Section) -> str:
    parts = [
        f'<section id="{section.key}" class="analysis">',
        f"<h2>{escape(section.title)}</h2>",
        f"<p><em>{escape(section.question)}</em></p>",
    ]
    for note in section.notes:
        parts.append(f'<p class="note">{escape(note)}</p>')
    for chart in section.charts:
        parts.append(
            '<figure class="chart-figure">'
            f"{chart.svg}"
            f"<figcaption>{escape(chart.caption)}"
            f'<div class="source">mart: {escape(chart.mart)} · built by: '
            f"{escape(chart.command)} · drawn by: make report</div></figcaption></figure>"
        )
    for caption, table in section.tables:
        # Long tables fold away (a click opens them) so the charts stay together.
        folded = "" if table.count("<tr>") <= 13 else " folded"
        parts.append(
            f'<details class="table"{"" if folded else " open"}><summary>{escape(caption)}'
            f"{' (' + str(table.count('<tr>') - 1) + ' rows, click to open)' if folded else ''}"
            f'</summary><div class="table-scroll">{table}</div></details>'
        )
    if not section.charts and not section.tables and not section.notes:
        parts.append('<p class="note">Nothing to show for this analysis yet.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def render_html(sections: list[Section], title: str, subtitle: str) -> str:
    nav = " ".join(f'<a href="#{s.key}">{escape(s.title.split(":")[0])}</a>' for s in sections)
    body = "\n".join(render_section(section) for section in sections)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(subtitle)}</p><nav>{nav}</nav>{body}"
        "</body></html>\n"
    )


def build_report(target_dir: Path, warehouse_dir: Path, out: Path) -> ReportResult:
    files = WarehouseFiles(target_dir, warehouse_dir)
    sections = []
    for renderer in SECTIONS:
        section = renderer(files)
        if section.key != "foundation":
            scorecard_intervals(files, section)
        sections.append(section)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    html = render_html(
        sections,
        "Marketing analytics report",
        f"Generated {generated} by `make report` from the marts of the warehouse "
        f"{warehouse_dir} (dbt target {target_dir}). Each chart names the mart it reads "
        "and the command that built it; the dbt docs site (make docs-serve) documents "
        "every column.",
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return ReportResult(out, sections)
