"""The HTML page: one self-contained file, figures embedded as base64 PNG, no external CSS or JS.

The page is rendered by Jinja2 from ``analysis/report/templates/``: ``page.html.j2`` (head, style,
summary, the sections in order) and ``macros.html.j2`` (a figure's section, a table, columns, a
collapsible block). The functions here prepare the values and call the macros; each section is a
heading, a few sentences per source (:mod:`analysis.report.narrative`), the figure and a caption
saying how to read it. Autoescaping is on: text is escaped by the template, and the HTML fragments
of the narrative are passed as :class:`markupsafe.Markup`. Text and tables with Persian province
names are marked ``lang="fa" dir="rtl"``.
"""

from __future__ import annotations

import base64
import html
from functools import lru_cache

import numpy as np
import pandas as pd
from markupsafe import Markup

from analysis.report import narrative
from analysis.report import quantities as q
from analysis.report.figure import Figure
from analysis.report.source import Source

CAPTIONS = {
    "fan_charts": "Value added as an index (month 0 = 100). Shaded: the middle 50% and 90% of the runs; line: the "
    "median run; dashed: the target path, the annual target compounded month by month. At month 12 it marks the "
    "first year's target (the headline); at the end, the whole path's.",
    "map_probability": "One tile a province, placed so that neighbours stay together. Colour and number: the share "
    "of runs in which the province's value added grows in the first year at least at its annual target (the "
    "value-added-weighted mean of its cells' targets).",
    "map_idle_recovered": "Share of the province's idle capacity at month 0 (10-year peak minus output) that is in "
    "use again at the last month, in the median run; negative where more capacity stands idle than at the start.",
    "heatmap_attainment": "Each cell's growth in the first year divided by its annual target in the median run: "
    "1 (yellow) is on target, "
    "green above, red below (dark red: growth negative); grey cells have no firms or no positive target.",
    "decomposition": "Growth of national value added split into idle capacity recovered (output regained up to the "
    "10-year peak), new capacity (output beyond it) and exogenous movement (the run minus its shock-free pair); "
    "shares of the gross movement, mean over runs, whiskers 5-95%.",
    "volatility": "Left: year-on-year growth of national value added at every month from 12 on, pooled over runs. "
    "Middle: each run's largest fall from a previous peak. Right: each run's longest spell more than 1% below the "
    "reference path (its shock-free pair, or the running peak).",
    "inclusiveness": "Theil T and Gini of value added per head across provinces (population-weighted), month by "
    "month; right: each province's value added per head at month 0 against its annual growth in the median run, "
    "with the least-squares line (a falling line means convergence).",
    "value_chain": "Share of each sector's (province's) output of months 1..T made by firms whose binding "
    "constraint was an input from another sector, imported inputs, energy, or readiness (operable capacity); "
    "the twelve with the largest share bound by inputs and imports. Dotted: the 10% line above which a value "
    "chain counts as a binding bottleneck. The shares are of output made, not of output lost: the text and the "
    "table below give the output lost to each constraint.",
    "difference_value_added": "Run-by-run difference of the value-added index between the two scenarios for runs "
    "that share a seed (common random numbers): median, middle 50% and 90% of the paired differences.",
    "difference_map_growth": "Difference of each province's first-year growth of value added, compared minus base, "
    "in percentage points: the median of the run-by-run differences (runs sharing a seed).",
}

TEXT = {
    "fan_charts": narrative.fan_text,
    "map_probability": narrative.maps_text,
    "map_idle_recovered": narrative.idle_text,
    "heatmap_attainment": narrative.heatmap_text,
    "decomposition": narrative.decomposition_text,
    "volatility": narrative.volatility_text,
    "inclusiveness": narrative.inclusiveness_text,
    "value_chain": narrative.value_chain_text,
}


@lru_cache(maxsize=1)
def environment():
    """The Jinja2 environment of the report's templates (autoescaping on)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("analysis.report", "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def macro(name: str):
    """A macro of ``macros.html.j2``."""
    return getattr(environment().get_template("macros.html.j2").module, name)


def _html(parts) -> list[Markup]:
    return [Markup(part) for part in parts]


def columns(parts: list[str]) -> str:
    """Paragraphs of one source each, side by side when there are two."""
    return str(macro("columns")(_html(parts)))


def figure_section(figure: Figure, sources: list[Source], extra: str = "") -> str:
    """Heading, text per source, notes, the figure and its caption."""
    text = TEXT.get(figure.name)
    return str(
        macro("figure_section")(
            figure.name,
            figure.title,
            _html(text(s) for s in sources) if text else [],
            list(figure.notes),
            Markup(extra),
            base64.b64encode(figure.png).decode("ascii"),
            CAPTIONS.get(figure.name, ""),
        )
    )


def text_section(title: str, anchor: str, paragraphs: list[str]) -> str:
    """A section of text and tables (HTML) without a figure."""
    return str(macro("text_section")(anchor, title, _html(paragraphs)))


missing_section = text_section  # a figure that could not be drawn: its section says why


def details(summary: str, inner: str) -> str:
    """A collapsible block: ``summary`` (text) and ``inner`` (HTML)."""
    return str(macro("details")(summary, Markup(inner)))


def table_html(frame: pd.DataFrame, formats: dict[str, str], text_columns: tuple[str, ...] = ()) -> str:
    """A small table; ``formats`` maps columns to format strings; Persian columns are RTL."""
    header = [(str(c), "text" if c in text_columns else "") for c in frame.columns]
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for column in frame.columns:
            value = row[column]
            if column in formats and isinstance(value, float | int | np.floating) and np.isfinite(value):
                text = formats[column].format(value)
            elif isinstance(value, float) and not np.isfinite(value):
                text = "n/a"
            else:
                text = str(value)
            persian = column == "نام"
            cells.append((text, "text" if column in text_columns or persian else "", "fa" if persian else ""))
        rows.append(cells)
    return str(macro("table")(header, rows))


def province_table(source: Source) -> str:
    """Per province: names (English and Persian), target, probability, idle capacity recovered."""
    frame = pd.DataFrame(
        {
            "code": source.provinces.index,
            "province": source.provinces["name"].to_numpy(),
            "نام": source.provinces["name_fa"].to_numpy(),
            "target": q.province_targets(source).reindex(source.provinces.index).to_numpy(),
            "P(reach target)": q.province_probability(source).reindex(source.provinces.index).to_numpy(),
            "idle recovered": q.idle_recovered(source).reindex(source.provinces.index).to_numpy(),
        }
    )
    formats = {"target": "{:.1%}", "P(reach target)": "{:.0%}", "idle recovered": "{:.0%}"}
    table = table_html(frame, formats, text_columns=("code", "province", "نام"))
    return details(f"Provinces of {source.label}", table)


def cell_table(source: Source) -> str:
    """The cells that lost the most output to inputs and imports."""
    cells = q.cell_bottlenecks(source)
    if cells is None:
        return ""
    names = source.provinces["name"].to_dict()
    sectors = source.sectors["name"].to_dict()
    frame = pd.DataFrame(
        {
            "province": [names.get(p, p) for p in cells["province"]],
            "sector": [f"{s} {sectors.get(s, '')}" for s in cells["sector"]],
            "output lost to inputs and imports": cells["lost"].to_numpy(),
            "share of its potential output": cells["share"].to_numpy(),
            "share of its output made bound by inputs or imports": cells["bound_share"].to_numpy(),
            "constraint it lost most to": cells["main"].to_numpy(),
        }
    )
    formats = {
        "output lost to inputs and imports": "{:,.0f}",
        "share of its potential output": "{:.1%}",
        "share of its output made bound by inputs or imports": "{:.0%}",
    }
    table = table_html(frame, formats, text_columns=("province", "sector", "constraint it lost most to"))
    return (
        f"<p>{html.escape(source.label)}: the cells that lost the most output to inputs and imports: potential "
        "output (the least of planned output and installed capacity, firm by firm) minus output, of the firms "
        "those constraints bound, summed over months 1..T in the economy's units (mean over runs):</p>" + table
    )


def province_differences(figure: Figure, base: Source) -> str:
    """Per province: paired growth difference (median, 5%, 95%) and probability difference with its error."""
    growth, probability = figure.data["growth"], figure.data["probability"]
    codes = list(base.provinces.index)
    frame = pd.DataFrame(
        {
            "province": base.provinces["name"].to_numpy(),
            "نام": base.provinces["name_fa"].to_numpy(),
            "growth difference, median": 100 * growth["median"].reindex(codes).to_numpy(float),
            "5%": 100 * growth["q0.05"].reindex(codes).to_numpy(float),
            "95%": 100 * growth["q0.95"].reindex(codes).to_numpy(float),
            "P(reach target) difference": probability["difference"].reindex(codes).to_numpy(float),
            "std. error": probability["se"].reindex(codes).to_numpy(float),
        }
    )
    formats = {c: "{:+.2f}" for c in ("growth difference, median", "5%", "95%")}
    formats.update({"P(reach target) difference": "{:+.0%}", "std. error": "{:.0%}"})
    table = table_html(frame, formats, text_columns=("province", "نام"))
    return details(
        "By province: differences of first-year growth (percentage points; median and 5-95% of the paired runs) "
        "and of the probability of reaching the target",
        table,
    )


def difference_table(diff: pd.DataFrame, base: str, other: str) -> str:
    """Paired differences of the headline metrics."""
    frame = diff.reset_index(names="metric")
    paired = bool(frame["paired"].all()) if len(frame) else False
    frame = frame.drop(columns="paired").rename(
        columns={"q0.05": "5%", "q0.5": "median", "q0.95": "95%", "positive": "share of runs > 0", "se": "std. error"}
    )
    formats = {c: "{:+.4f}" for c in ("mean", "std. error", "5%", "median", "95%")}
    formats.update({"share of runs > 0": "{:.0%}", "n": "{:.0f}"})
    how = (
        "run by run over the runs that share a seed (common random numbers)"
        if paired
        else "as differences of means over independent runs (the sources share no seeds)"
    )
    return (
        f"<p>{html.escape(other)} minus {html.escape(base)}, {how}. Growth and shares are fractions "
        "(0.01 = one percentage point); recovery in months.</p>" + table_html(frame, formats, ("metric",))
    )


def document(title: str, meta: str, summary: list[str], sections: list[str]) -> str:
    """The whole document: ``page.html.j2`` with the summary (HTML per source) and the sections (HTML)."""
    template = environment().get_template("page.html.j2")
    return template.render(
        title=title, meta=meta, summary=_html(summary), sections=_html(sections), columns=macro("columns")
    )
