"""Building a report: load the sources, draw the figures, assemble the page, write it safely.

``make_report`` returns a :class:`Report` (the sources, every figure with its data, the page) and
writes nothing; ``write_report`` writes ``OUT`` and the PNG files in ``OUT_STEM_files/`` beside it,
through a temporary folder moved into place, so an interrupted write leaves the old report whole.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from analysis.progress import Stages
from analysis.report import compare, figures, maps, narrative, scorecard
from analysis.report import page as page_html
from analysis.report.figure import Figure
from analysis.report.source import Source, load_source, store_scenarios
from sim.errors import InputError


@dataclass
class Report:
    """A rendered report.

    Attributes:
        sources: The base source and, with a comparison, the compared one.
        figures: Every figure drawn, in the order of the page.
        html: The page.
        differences: Paired differences of the headline metrics (comparison only).
        missing: Figures that could not be drawn.
        scorecard: The priorities scorecard (:func:`analysis.report.scorecard.scorecard`).
    """

    sources: list[Source]
    figures: list[Figure]
    html: str
    differences: object = None
    missing: list[str] = field(default_factory=list)
    scorecard: object = None

    def figure(self, name: str) -> Figure:
        """The figure called ``name``."""
        for fig in self.figures:
            if fig.name == name:
                return fig
        raise KeyError(name)


# The report's figures, in the order they appear (comparison figures follow them).
FIGURE_ORDER = (
    "fan_charts",
    "map_probability",
    "map_idle_recovered",
    "heatmap_attainment",
    "decomposition",
    "volatility",
    "inclusiveness",
    "value_chain",
)


def resolve_compare(base_path: Path, other: str | Path, base: Source, pair: bool) -> Source:
    """The compared source: a run folder or store, or another scenario of the base store."""
    path = Path(other)
    if path.is_dir():
        if base.kind == "batch" and (path / "manifest.json").is_file() and base.label in _names_if_store(path):
            return load_source(path, base.label)
        return load_source(path, pair=pair)
    if base.kind == "batch" and str(other) in store_scenarios(base_path):
        return load_source(base_path, str(other))
    raise InputError(other, "compare", "a run folder, a batch store, or another scenario of the base store")


def _names_if_store(path: Path) -> list[str]:
    from analysis.metrics.store import is_store

    return store_scenarios(path) if is_store(path) else []


def make_report(
    source: str | Path,
    *,
    scenario: str | None = None,
    compare_with: str | Path | None = None,
    labels: str = "en",
    pair: bool = True,
    progress: bool | None = None,
) -> Report:
    """Load the sources and render the report (nothing is written).

    Args:
        source: A run folder or a batch store.
        scenario: For a store, the scenario to report (default: its first).
        compare_with: A run folder, a store, or another scenario of ``source``'s store.
        labels: Province names on the figures: ``"en"`` or ``"fa"`` (Persian).
        pair: For run folders, rerun the shock-free pair for the growth decomposition.
        progress: Show a bar of the stages (default: on a terminal).
    """
    if labels not in ("en", "fa"):
        raise InputError("report", "labels", f"'en' or 'fa', got '{labels}'")
    stages = ["read the source", *FIGURE_ORDER, "comparison", "scorecard and page"]
    with Stages(stages, "report", progress) as stage:
        stage("read the source")
        base = load_source(source, scenario, pair=pair)
        sources = [base]
        if compare_with is not None:
            other = resolve_compare(Path(source), compare_with, base, pair)
            if other.label == base.label:
                other.label = f"{other.label} ({other.path.name})"
            sources.append(other)
        draw = {
            "fan_charts": lambda: figures.fan_charts(sources),
            "map_probability": lambda: maps.probability_map(sources, labels),
            "map_idle_recovered": lambda: maps.idle_map(sources, labels),
            "heatmap_attainment": lambda: maps.attainment_heatmap(sources, labels),
            "decomposition": lambda: figures.decomposition_bars(sources),
            "volatility": lambda: figures.volatility(sources),
            "inclusiveness": lambda: figures.inclusiveness(sources, labels),
            "value_chain": lambda: maps.value_chain(sources, labels),
        }
        figs: list[Figure] = []
        missing = []
        for name in FIGURE_ORDER:
            stage(name)
            drawn = draw[name]()
            if drawn is None:
                missing.append(name)
            else:
                figs.append(drawn)
        stage("comparison")
        differences = None
        if len(sources) == 2:
            figs += [compare.difference_fan(*sources), compare.difference_map(*sources, labels)]
            differences = compare.metric_differences(*sources)
        stage("scorecard and page")
        report = Report(sources, figs, "", differences, missing, scorecard.scorecard(sources))
        report.html = assemble(report)
    return report


def assemble(report: Report) -> str:
    """The page of a report."""
    sources = report.sources
    names = " vs ".join(s.label for s in sources)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta = f"growthsim report, {stamp}. Definitions of every measure: docs/metrics.md."
    summary = [narrative.describe_source(s) + narrative.headline(s) for s in sources]
    body: list[str] = []
    if report.scorecard is not None:
        body.append(scorecard.scorecard_html(report.scorecard, [s.label for s in sources]))
    by_name = {f.name: f for f in report.figures}
    for name in FIGURE_ORDER:
        if name in by_name:
            extra = "".join(page_html.cell_table(s) for s in sources) if name == "value_chain" else ""
            body.append(page_html.figure_section(by_name[name], sources, extra))
        elif name == "heatmap_attainment":
            body.append(
                page_html.missing_section(
                    "Attainment by province and sector", name, [narrative.heatmap_text(s) for s in sources]
                )
            )
    if len(sources) == 2:
        base, other = sources
        body.append(
            page_html.text_section(
                f"{other.label} against {base.label}",
                "comparison",
                [page_html.difference_table(report.differences, base.label, other.label)],
            )
        )
        body.append(page_html.figure_section(by_name["difference_value_added"], sources))
        growth_map = by_name["difference_map_growth"]
        body.append(page_html.figure_section(growth_map, sources, page_html.province_differences(growth_map, base)))
    tables = "".join(page_html.province_table(s) for s in sources)
    body.append(page_html.text_section("Provinces", "provinces", [tables]))
    return page_html.document(f"growthsim report: {names}", meta, summary, body)


def files_dir(out: Path) -> Path:
    """Where the PNG files go: ``OUT_STEM_files/`` beside the report."""
    return out.with_name(f"{out.stem}_files")


def write_report(report: Report, out: str | Path) -> Path:
    """Write the page and its PNG files; the parent folder of ``out`` must exist.

    Raises:
        InputError: If the parent folder of ``out`` does not exist or ``out`` is a folder.
    """
    out = Path(out)
    if not out.parent.is_dir():
        raise InputError(out, "out", "a file in an existing folder")
    if out.is_dir():
        raise InputError(out, "out", "a file name (this is a folder)")
    pngs = files_dir(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        (tmp / "files").mkdir()
        for fig in report.figures:
            (tmp / "files" / f"{fig.name}.png").write_bytes(fig.png)
        (tmp / "page.html").write_text(report.html, encoding="utf-8")
        if pngs.exists():
            shutil.rmtree(pngs)
        os.replace(tmp / "files", pngs)
        os.replace(tmp / "page.html", out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out
