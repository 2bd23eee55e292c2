"""Hypothesis strategies for malformed scenario files and data tables (see test_bad_inputs.py).

Scenario files are built as dictionaries from the valid base, with one to three keys set to wild
values (wrong types, infinities, huge or tiny numbers, text, lists, tables) or unknown keys added,
then written as TOML. Data tables are the base tables of :mod:`bad_input_cases` with one to three
edits: a cell replaced by wild text (which may hold commas, quotes or newlines), a row dropped or
repeated, a column dropped.
"""

from __future__ import annotations

import json
import math

from bad_input_cases import BASE_FILES
from hypothesis import strategies as st

WILD_NUMBERS = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-2.0, max_value=3.0),
    st.sampled_from([0, 1, -1, 0.0, 1.0, 0.5, 1e-300, 1e300, 600, 601, 13, 2**63 - 1]),
)
WILD_SCALARS = st.one_of(WILD_NUMBERS, st.booleans(), st.text(max_size=12), st.sampled_from(["A", "M", "P1", "P2", ""]))
PLAUSIBLE = st.one_of(st.floats(min_value=0.0, max_value=1.0), st.integers(min_value=1, max_value=12))
"""Values in range for most keys, so that many fuzzed scenarios validate and are run."""
WILD_VALUES = st.one_of(
    PLAUSIBLE,
    PLAUSIBLE,
    WILD_SCALARS,
    st.lists(WILD_SCALARS, max_size=4),
    st.dictionaries(st.sampled_from(["kind", "change", "x"]), WILD_SCALARS, max_size=2),
)

SHOCK_KINDS = {
    "demand": {"change": -0.2},
    "capacity": {"loss": 0.3},
    "import": {"availability": 0.8},
    "energy": {"availability": 0.7},
    "fx": {"path": [1.5, 2.0]},
}
KIND_KEYS = {
    "demand": ["change", "channel"],
    "capacity": ["loss", "recovery_months"],
    "import": ["availability"],
    "energy": ["availability", "season", "carrier", "energy_intensive_only"],
    "fx": ["path", "pass_through", "working_capital"],
}
"""Keys of each shock kind (a key of another kind is merely unknown: drawn rarely)."""
KEYS = [
    ("name",),
    ("description",),
    ("horizon_months",),
    ("first_calendar_month",),
    ("economy", "seed"),
    ("economy", "data"),
    ("shock", 0, "start"),
    ("shock", 0, "end"),
    ("shock", 0, "sectors"),
    ("shock", 0, "provinces"),
    ("shock", 0, "kind"),
    ("stochastic", "productivity_sigma"),
    ("stochastic", "outage_rate"),
    ("stochastic", "outage_months"),
    ("stochastic", "regime_enter"),
    ("stochastic", "regime_volatility"),
    ("stochastic", "correlated_sigma"),
    ("policy", "rationing"),
    ("policy", "priority_order"),
    ("policy", "recovery_support"),
    ("policy", "market_guarantee"),
    ("imports", "substitution_share"),
    ("imports", "substitution_months"),
    ("parameters", "recovery_speed"),
    ("parameters", "gestation_months"),
    ("parameters", "size_sigma"),
    ("parameters", "max_suppliers"),
    ("parameters", "extra_suppliers_mean"),
    ("parameters", "distance_scale_km"),
    ("parameters", "investment_response"),
    ("parameters", "inventory_restore_months"),
    ("parameters", "unknown_key"),
    ("unknown_table", "x"),
]


def toml_value(value: object) -> str:
    """A Python value as a TOML value (inline tables for dictionaries)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def toml_document(data: dict) -> str:
    """A scenario dictionary as TOML: scalars first, then tables and arrays of tables."""
    lines = [f"{json.dumps(k)} = {toml_value(v)}" for k, v in data.items() if not isinstance(v, dict | list)]
    lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in data.items() if isinstance(v, list) and k != "shock"]
    for key, value in data.items():
        if isinstance(value, dict):
            lines.append(f"[{json.dumps(key)}]")
            lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()]
    for shock in data.get("shock", []) if isinstance(data.get("shock"), list) else []:
        if isinstance(shock, dict):
            lines.append("[[shock]]")
            lines += [f"{json.dumps(k)} = {toml_value(v)}" for k, v in shock.items()]
    return "\n".join(lines) + "\n"


@st.composite
def scenarios(draw) -> str:
    """A scenario file's text: the base with one to three keys set to wild values."""
    kind = draw(st.sampled_from(sorted(SHOCK_KINDS)))
    data: dict = {
        "name": "fuzz",
        "horizon_months": 12,
        "economy": {"data": "data"},
        "shock": [{"kind": kind, "start": 2, "end": 6, **SHOCK_KINDS[kind]}],
    }
    own = [("shock", 0, key) for key in KIND_KEYS[kind]]
    keys = st.one_of(st.sampled_from(own), st.sampled_from(KEYS))
    for path in draw(st.lists(keys, min_size=1, max_size=3, unique=True)):
        value = draw(WILD_VALUES)
        node = data
        for part in path[:-1]:
            node = node[part] if isinstance(part, int) else node.setdefault(part, {})
        node[path[-1]] = value
    return toml_document(data)


WILD_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "inf",
            "-inf",
            "nan",
            "1e400",
            "-1",
            "0",
            "1e300",
            "1e-300",
            "true",
            "yes",
            "2020-13",
            "1999-12",
            "P1",
            "P3",
            "A",
            "Z",
            '"',
            ",",
            "\n",
            "0.999",
            "100000000",
            "3.5",
            "-0",
        ]
    ),
    st.floats(min_value=0.0, max_value=2.0).map(lambda x: f"{x:.3g}"),
    st.floats(min_value=0.0, max_value=2.0).map(lambda x: f"{x:.3g}"),
    st.text(max_size=10),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


@st.composite
def tables(draw) -> tuple[str, str]:
    """A data table's name and a malformed text: the base table with one to three edits."""
    name = draw(st.sampled_from(sorted(BASE_FILES)))
    rows = [line.split(",") for line in BASE_FILES[name].splitlines()]
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from(["cell", "cell", "cell", "drop_row", "repeat_row", "drop_column"]))
        if edit == "cell":
            r = draw(st.integers(0, len(rows) - 1))
            c = draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = draw(WILD_CELLS)
        elif edit == "drop_row" and len(rows) > 1:
            rows.pop(draw(st.integers(1, len(rows) - 1)))
        elif edit == "repeat_row" and len(rows) > 1:
            rows.append(list(rows[draw(st.integers(1, len(rows) - 1))]))
        elif edit == "drop_column":
            c = draw(st.integers(0, len(rows[0]) - 1))
            rows = [row[:c] + row[c + 1 :] for row in rows]
    return name, "".join(",".join(row) + "\n" for row in rows)


def _bounds(field) -> tuple[float, float, bool, bool]:
    """``(low, high, low_open, high_open)`` of a numeric pydantic field (1e6 where unbounded)."""
    low, high, low_open, high_open = -1e6, 1e6, False, False
    for item in field.metadata:
        for name in ("ge", "gt", "le", "lt"):
            value = getattr(item, name, None)
            if value is None:
                continue
            if name in ("ge", "gt"):
                low, low_open = float(value), name == "gt"
            else:
                high, high_open = float(value), name == "lt"
    return low, high, low_open, high_open


def in_range_value(field):
    """Values a field accepts: integers or floats between its bounds, the bounds included."""
    low, high, low_open, high_open = _bounds(field)
    if field.annotation is int:
        return st.integers(min_value=math.ceil(low), max_value=min(math.floor(high), 10**6))
    edges = [v for v, is_open in ((low, low_open), (high, high_open)) if not is_open]
    values = st.floats(min_value=low, max_value=high, exclude_min=low_open, exclude_max=high_open)
    return st.one_of(values, st.sampled_from(edges)) if edges else values


def _numeric_fields(model, skip=()) -> dict:
    return {
        name: field
        for name, field in model.model_fields.items()
        if field.annotation in (int, float) and name not in skip
    }


@st.composite
def in_range_scenarios(draw) -> str:
    """A scenario whose numbers are all within their documented ranges (bounds included).

    Such a scenario validates; it must then run (exit 0) or be refused in one line (exit 2, a size
    limit), never end in a model error: the ranges are what the model promises to handle.
    """
    from sim.scenario.parameters import ModelParameters
    from sim.scenario.policy import ImportSpec
    from sim.scenario.stochastic import StochasticSpec
    from sim.shocks import CapacityShock, DemandShock, EnergyShock, FxShock, ImportShock
    from sim.shocks.fx import MAX_FX_INDEX

    shock_models = {"demand": DemandShock, "capacity": CapacityShock, "import": ImportShock, "energy": EnergyShock}
    kind = draw(st.sampled_from([*sorted(shock_models), "fx"]))
    shock: dict = {"kind": kind, "start": 2, "end": 6, **SHOCK_KINDS[kind]}
    if kind == "fx":
        index = st.floats(min_value=0.0, max_value=MAX_FX_INDEX, exclude_min=True)
        shock["path"] = draw(st.lists(st.one_of(index, st.just(MAX_FX_INDEX)), min_size=1, max_size=4))
    fields = _numeric_fields(FxShock if kind == "fx" else shock_models[kind], skip=("start", "end"))
    for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=2, unique=True)) if fields else []:
        shock[name] = draw(in_range_value(fields[name]))
    data: dict = {"name": "in-range", "horizon_months": 12, "economy": {"data": "data"}, "shock": [shock]}
    for table, model, skip in (
        ("parameters", ModelParameters, ("step_months",)),
        ("stochastic", StochasticSpec, ()),
        ("imports", ImportSpec, ()),
    ):
        fields = _numeric_fields(model, skip)
        for name in draw(st.lists(st.sampled_from(sorted(fields)), max_size=3, unique=True)):
            data.setdefault(table, {})[name] = draw(in_range_value(fields[name]))
    return toml_document(data)
