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
from analysis.report.figure import Figure, province_order
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

# Captions of a report on single runs: the batch wording's phrases and their replacements.
SINGLE_RUN_CAPTIONS = (
    ("Shaded: the middle 50% and 90% of the runs; line: the median run", "Line: the run"),
    ("the share of runs in which the province's value added grows", "100% if the province's value added grew"),
    (", in the median run", ""),
    (" in the median run", ""),
    ("shares of the gross movement, mean over runs, whiskers 5-95%", "shares of the gross movement"),
    (", pooled over runs", ""),
    ("each run's", "the run's"),
    (
        "for runs that share a seed (common random numbers): median, middle 50% and 90% of the paired differences",
        "for the two runs (same seed)",
    ),
    ("the median of the run-by-run differences (runs sharing a seed)", "the difference between the two runs"),
)


def caption_for(name: str, sources: list[Source]) -> str:
    """The caption of a figure, worded for a batch or for single runs."""
    caption = CAPTIONS.get(name, "")
    if all(s.kind == "run" for s in sources):
        for batch, single in SINGLE_RUN_CAPTIONS:
            caption = caption.replace(batch, single)
    return caption


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
            _html(narrative.worded_for(s, text(s)) for s in sources) if text else [],
            list(figure.notes),
            Markup(extra),
            base64.b64encode(figure.png).decode("ascii"),
            caption_for(figure.name, sources),
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
    """Per province, by region then population: names, target, probability, idle capacity recovered."""
    order = province_order(source.provinces)
    provinces = source.provinces.loc[order]
    reached = "P(reach target)" if source.kind == "batch" else "target reached"
    frame = pd.DataFrame(
        {
            "code": order,
            "province": provinces["name"].to_numpy(),
            "نام": provinces["name_fa"].to_numpy(),
            "region": provinces["region"].to_numpy() if "region" in provinces else "",
            "population": provinces["population"].to_numpy(float),
            "target, a year": q.province_targets(source).reindex(order).to_numpy(),
            reached: q.province_probability(source).reindex(order).to_numpy(),
            "idle recovered": q.idle_recovered(source).reindex(order).to_numpy(),
        }
    )
    if source.kind != "batch":
        frame[reached] = ["yes" if v == 1 else "no" if v == 0 else "n/a" for v in frame[reached]]
    formats = {"target, a year": "{:.1%}", reached: "{:.0%}", "idle recovered": "{:.0%}", "population": "{:,.0f}"}
    table = table_html(frame, formats, text_columns=("code", "province", "نام", "region"))
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
    frame = frame.rename(
        columns={"output lost to inputs and imports": "output lost to inputs and imports, billion rials"}
    )
    formats = {
        "output lost to inputs and imports, billion rials": "{:,.0f}",
        "share of its potential output": "{:.1%}",
        "share of its output made bound by inputs or imports": "{:.0%}",
    }
    table = table_html(frame, formats, text_columns=("province", "sector", "constraint it lost most to"))
    return (
        f"<p>{html.escape(source.label)}: the cells that lost the most output to inputs and imports: potential "
        "output (the least of planned output and installed capacity, firm by firm) minus output, of the firms "
        f"those constraints bound, summed over months 1..T in billion rials at base prices ({_over_runs(source)}):"
        "</p>" + table
    )


def _over_runs(source: Source) -> str:
    return "mean over runs" if source.kind == "batch" else "the single run"


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


# Headline metrics of the comparison table: name, unit of the difference, scale from the metric's own unit.
METRIC_NAMES = {
    "growth_national": ("value-added growth a year: nation", "percentage points", 100.0),
    "growth_industry": ("value-added growth a year: industry", "percentage points", 100.0),
    "growth_mining": ("value-added growth a year: mining", "percentage points", 100.0),
    "reached_national": ("runs reaching the national target", "percentage points", 100.0),
    "endogenous_share": ("endogenous share of the change in value added", "share (0-1)", 1.0),
    "volatility_annual": ("volatility of year-on-year growth", "percentage points", 100.0),
    "max_drawdown": ("largest fall from a peak", "percentage points", 100.0),
    "recovery_months": ("longest spell below the reference path", "months", 1.0),
    "output_lost": ("value added lost against the reference path", "percentage points", 100.0),
    "theil": ("Theil T of value added per head", "index points", 1.0),
    "gini": ("Gini of value added per head", "index points", 1.0),
    "bottleneck_share": ("value chains with a binding bottleneck", "percentage points", 100.0),
}


def difference_table(diff: pd.DataFrame, base: str, other: str) -> str:
    """Paired differences of the headline metrics, by name and in the unit of each difference."""
    frame = diff.reset_index(names="key")
    paired = bool(frame["paired"].all()) if len(frame) else False
    scale = np.array([METRIC_NAMES.get(k, (k, "", 1.0))[2] for k in frame["key"]])
    values = frame[["mean", "se", "q0.05", "q0.5", "q0.95"]].astype(float).mul(scale, axis=0)
    table = pd.DataFrame(
        {
            "metric": [METRIC_NAMES.get(k, (k, "", 1.0))[0] for k in frame["key"]],
            "unit": [METRIC_NAMES.get(k, (k, "", 1.0))[1] for k in frame["key"]],
            "mean": values["mean"].to_numpy(),
            "std. error": values["se"].to_numpy(),
            "5%": values["q0.05"].to_numpy(),
            "median": values["q0.5"].to_numpy(),
            "95%": values["q0.95"].to_numpy(),
            "share of runs > 0": frame["positive"].astype(float).to_numpy(),
            "n": frame["n"].astype(float).to_numpy(),
        }
    )
    formats = {c: "{:+.2f}" for c in ("mean", "std. error", "5%", "median", "95%")}
    formats.update({"share of runs > 0": "{:.0%}", "n": "{:.0f}"})
    how = (
        "run by run over the runs that share a seed (common random numbers)"
        if paired
        else "as differences of means over independent runs (the sources share no seeds)"
    )
    intro = f"<p>{html.escape(other)} minus {html.escape(base)}, {how}, each in the unit given.</p>"
    return intro + table_html(table, formats, ("metric", "unit"))


def document(title: str, meta: str, summary: list[str], sections: list[str]) -> str:
    """The whole document: ``page.html.j2`` with the summary (HTML per source) and the sections (HTML)."""
    template = environment().get_template("page.html.j2")
    return template.render(
        title=title, meta=meta, summary=_html(summary), sections=_html(sections), columns=macro("columns")
    )
