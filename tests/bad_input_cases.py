"""Malformed scenario files and data folders, each with the words its one-line refusal must hold.

A case is ``(id, file, text, expected)``: ``file`` is replaced by ``text`` in a valid base (the
scenario ``s.toml`` or a table of its data folder ``data/``), then ``growthsim validate s.toml``
must exit 2 with one line on stderr holding ``expected``. The base is valid (a test says so), so
each case fails for its own reason only.
"""

from __future__ import annotations

SCENARIO = 'name = "t"\nhorizon_months = 24\n{top}\n[economy]\ndata = "data"\n{tables}\n'
"""The base scenario: ``{top}`` takes top-level keys, ``{tables}`` tables."""

MONTHS = [f"2020-{m:02d}" for m in range(1, 13)]
CELLS = [("P1", "A"), ("P1", "M"), ("P2", "A"), ("P2", "M")]

BASE_FILES = {
    "provinces.csv": "code,name,population,lat,lon,region\nP1,One,1000,35.7,51.4,North\nP2,Two,500,29.6,52.5,South\n",
    "sectors.csv": "code,name,kind,import_share,inventory_months,labour_per_output,export_share\n"
    "A,Assembly,manufacturing,0.1,1,0.5,0.2\nM,Mine,mining,0.05,2,1.0,0.0\n",
    "io_coefficients.csv": "input,output,coefficient,critical,imported\nM,A,0.3,true,0.02\nA,A,0.1,false,0.0\n",
    "final_demand.csv": "province,sector,demand\nP1,A,100\nP1,M,10\nP2,A,50\nP2,M,5\n",
    "firms.csv": "province,sector,firms\nP1,A,4\nP1,M,2\nP2,A,3\nP2,M,1\n",
    "capacity.csv": "province,sector,installed_ratio\nP1,A,1.6\nP1,M,1.4\nP2,A,1.5\nP2,M,1.3\n",
    "output_history.csv": "province,sector,month,output_index\n"
    + "".join(f"{p},{s},{m},{1.2 if i == 3 else 1.0}\n" for p, s in CELLS for i, m in enumerate(MONTHS)),
}


def top(lines: str) -> str:
    return SCENARIO.format(top=lines, tables="")


def tables(lines: str) -> str:
    return SCENARIO.format(top="", tables=lines)


def shock(lines: str) -> str:
    return tables(f"[[shock]]\n{lines}\n")


def replace_row(file: str, old: str, new: str) -> str:
    text = BASE_FILES[file]
    assert old in text, (file, old)
    return text.replace(old, new, 1)


S = "s.toml"
PROV, SECT, IO, DEM, FIRMS, CAP, HIST = (
    "data/provinces.csv",
    "data/sectors.csv",
    "data/io_coefficients.csv",
    "data/final_demand.csv",
    "data/firms.csv",
    "data/capacity.csv",
    "data/output_history.csv",
)


def _row(file: str, old: str, new: str) -> str:
    return replace_row(file.removeprefix("data/"), old, new)


CASES: list[tuple[str, str, str | bytes, str]] = [
    # --- scenario: strict types, no coercion ------------------------------------------------------
    (
        "horizon is a bool",
        S,
        top("horizon_months = true").replace("horizon_months = 24\n", ""),
        "horizon_months: Input should be a valid integer (no quotes",
    ),
    ("horizon is a string", S, top("").replace("horizon_months = 24", 'horizon_months = "24"'), "got '24'"),
    ("horizon is a float", S, top("").replace("horizon_months = 24", "horizon_months = 24.0"), "got 24.0"),
    ("horizon is zero", S, top("").replace("horizon_months = 24", "horizon_months = 0"), "horizon_months"),
    (
        "horizon beyond 600",
        S,
        top("").replace("horizon_months = 24", "horizon_months = 601"),
        "less than or equal to 600",
    ),
    (
        "name is a number",
        S,
        top("").replace('name = "t"', "name = 5"),
        "name: Input should be a valid string (text in quotes)",
    ),
    ("name spans lines", S, top("").replace('name = "t"', 'name = "a\\nb"'), "name: one line of text"),
    ("unknown top-level key", S, top("horizon = 12"), "horizon: not a known key"),
    ("first month 13", S, top("first_calendar_month = 13"), "first_calendar_month"),
    (
        "economy seed negative",
        S,
        SCENARIO.format(top="", tables="").replace('data = "data"', 'data = "data"\nseed = -1'),
        "economy.seed",
    ),
    ("economy is a string", S, 'name = "t"\nhorizon_months = 24\neconomy = "data"\n', "economy: Input should be"),
    (
        "demand change inf",
        S,
        shock('kind = "demand"\nchange = inf'),
        "shock[0].change: Input should be a finite number (not inf or nan)",
    ),
    (
        "demand change nan",
        S,
        shock('kind = "demand"\nchange = nan'),
        "shock[0].change: Input should be a finite number (not inf or nan)",
    ),
    (
        "demand change string",
        S,
        shock('kind = "demand"\nchange = "-0.1"'),
        "shock[0].change: Input should be a valid number (no quotes, not true/false)",
    ),
    (
        "demand change bool",
        S,
        shock('kind = "demand"\nchange = true'),
        "shock[0].change: Input should be a valid number (no quotes, not true/false)",
    ),
    ("demand change -1", S, shock('kind = "demand"\nchange = -1.0'), "greater than -1"),
    ("demand change 1e300", S, shock('kind = "demand"\nchange = 1e300'), "less than or equal to 100"),
    ("demand change missing", S, shock('kind = "demand"'), "shock[0].change"),
    ("shock without kind", S, shock("change = 0.1"), "a 'kind' key"),
    ("shock kind unknown", S, shock('kind = "flood"'), "kind must be one of"),
    (
        "shock is a table, not a list",
        S,
        tables('[shock]\nkind = "demand"\nchange = 0.1'),
        "shock: Input should be a valid list (a list [...])",
    ),
    (
        "shock start is a string",
        S,
        shock('kind = "demand"\nchange = 0.1\nstart = "3"'),
        "shock[0].start: Input should be a valid integer",
    ),
    (
        "shock end before start",
        S,
        shock('kind = "demand"\nchange = 0.1\nstart = 5\nend = 3'),
        "must not be before start",
    ),
    ("shock end past horizon", S, shock('kind = "demand"\nchange = 0.1\nend = 25'), "within the horizon"),
    (
        "shock sector unknown",
        S,
        shock('kind = "demand"\nchange = 0.1\nsectors = ["Z"]'),
        "a sector code of the economy",
    ),
    ("shock sectors empty", S, shock('kind = "demand"\nchange = 0.1\nsectors = []'), "shock[0].sectors"),
    (
        "shock sectors a string",
        S,
        shock('kind = "demand"\nchange = 0.1\nsectors = "A"'),
        "shock[0].sectors: Input should be a valid list",
    ),
    ("shock province a number", S, shock('kind = "demand"\nchange = 0.1\nprovinces = [1]'), "(text in quotes)"),
    ("capacity loss above 1", S, shock('kind = "capacity"\nloss = 1.5'), "shock[0].loss"),
    ("capacity recovery inf", S, shock('kind = "capacity"\nloss = 0.5\nrecovery_months = inf'), "finite number"),
    (
        "capacity recovery 1e9 months",
        S,
        shock('kind = "capacity"\nloss = 0.5\nrecovery_months = 1e9'),
        "recovery_months",
    ),
    ("import availability -0.1", S, shock('kind = "import"\navailability = -0.1'), "shock[0].availability"),
    ("energy season 13", S, shock('kind = "energy"\navailability = 0.5\nseason = [13]'), "season[0]"),
    ("energy season repeats", S, shock('kind = "energy"\navailability = 0.5\nseason = [7, 7]'), "each month once"),
    (
        "energy season of floats",
        S,
        shock('kind = "energy"\navailability = 0.5\nseason = [7.0]'),
        "Input should be a valid integer",
    ),
    ("fx path inf", S, shock('kind = "fx"\npath = [inf]'), "path[0]: Input should be a finite number"),
    ("fx path zero", S, shock('kind = "fx"\npath = [1.5, 0.0]'), "path[1]"),
    ("fx path empty", S, shock('kind = "fx"\npath = []'), "shock[0].path"),
    ("fx path of strings", S, shock('kind = "fx"\npath = ["2"]'), "path[0]: Input should be a valid number"),
    ("fx working capital inf", S, shock('kind = "fx"\npath = [2.0]\nworking_capital = inf'), "finite number"),
    (
        "outage months inf",
        S,
        tables("[stochastic]\noutage_months = inf"),
        "stochastic.outage_months: Input should be a finite number",
    ),
    (
        "outage rate string",
        S,
        tables('[stochastic]\noutage_rate = "0.1"'),
        "stochastic.outage_rate: Input should be a valid number",
    ),
    ("regime volatility 1e6", S, tables("[stochastic]\nregime_volatility = 1e6"), "regime_volatility"),
    ("correlated_by unknown", S, tables('[stochastic]\ncorrelated_by = "city"'), "correlated_by"),
    (
        "recovery factor inf",
        S,
        tables("[[policy.recovery_support]]\nfactor = inf"),
        "factor: Input should be a finite number",
    ),
    ("recovery factor below 1", S, tables("[[policy.recovery_support]]\nfactor = 0.5"), "factor"),
    (
        "guarantee share a bool",
        S,
        tables("[[policy.market_guarantee]]\nshare = true"),
        "share: Input should be a valid number",
    ),
    (
        "project gestation inf",
        S,
        tables(
            '[[policy.missing_link_projects]]\nsector = "A"\nprovince = "P1"\ncapacity = 0.1\ngestation_months = inf'
        ),
        "finite number",
    ),
    (
        "project sector unknown",
        S,
        tables('[[policy.missing_link_projects]]\nsector = "Q"\nprovince = "P1"\ncapacity = 0.1'),
        "a sector code of the economy",
    ),
    (
        "priority order repeats",
        S,
        tables('[policy]\nrationing = "priority"\npriority_order = ["needs", "needs", "other"]'),
        "priority_order",
    ),
    ("rationing unknown", S, tables('[policy]\nrationing = "lottery"'), "policy.rationing"),
    ("targets file missing", S, tables('[policy]\ntargets = "nowhere.csv"'), "policy.targets"),
    ("targets is a folder", S, tables('[policy]\ntargets = "data"'), "got a folder"),
    ("substitution months zero", S, tables("[imports]\nsubstitution_months = 0.0"), "substitution_months"),
    (
        "step months a string",
        S,
        tables('[parameters]\nstep_months = "1"'),
        "parameters.step_months: Input should be a valid number",
    ),
    ("step months tiny", S, tables("[parameters]\nstep_months = 1e-9"), "parameters.step_months"),
    (
        "max suppliers a float",
        S,
        tables("[parameters]\nmax_suppliers = 3.0"),
        "max_suppliers: Input should be a valid integer",
    ),
    ("max suppliers huge", S, tables("[parameters]\nmax_suppliers = 1000000000"), "max_suppliers"),
    ("distance scale zero", S, tables("[parameters]\ndistance_scale_km = 0.0"), "distance_scale_km"),
    ("size sigma 1e3", S, tables("[parameters]\nsize_sigma = 1e3"), "size_sigma"),
    (
        "gestation inf",
        S,
        tables("[parameters]\ngestation_months = inf"),
        "gestation_months: Input should be a finite number",
    ),
    ("unknown parameter", S, tables("[parameters]\nspeed = 1.0"), "parameters.speed: not a known key"),
    ("TOML syntax", S, 'name = "t"\nhorizon_months = \n', "TOML: valid TOML"),
    ("TOML nested deeply", S, "x = " + "[" * 5000 + "]" * 5000 + "\n", "TOML"),
    ("not UTF-8", S, b"name = '\xff'\n", "TOML: valid TOML"),
    # --- data folder: types, ranges, meaning -----------------------------------------------------
    (
        "population zero",
        PROV,
        _row(PROV, "P2,Two,500", "P2,Two,0"),
        "row 2, column 'population': expected a number > 0",
    ),
    ("population negative", PROV, _row(PROV, "P2,Two,500", "P2,Two,-5"), "column 'population'"),
    ("population inf", PROV, _row(PROV, "P2,Two,500", "P2,Two,inf"), "expected a finite number, got 'inf'"),
    ("population text", PROV, _row(PROV, "P2,Two,500", "P2,Two,many"), "expected a number, got 'many'"),
    ("latitude 95", PROV, _row(PROV, "35.7,51.4", "95,51.4"), "column 'lat'"),
    ("province code repeats", PROV, _row(PROV, "P2,Two", "P1,Two"), "a unique (code)"),
    ("no provinces", PROV, "code,name,population\n", "at least one province"),
    ("province column missing", PROV, "code,name\nP1,One\nP2,Two\n", "column 'population': column is missing"),
    (
        "header repeats a column",
        PROV,
        "code,name,population,population\nP1,One,1,2\nP2,Two,3,4\n",
        "'population' repeats",
    ),
    ("header has an empty name", PROV, "code,name,population,\nP1,One,1,\nP2,Two,3,\n", "header column 4"),
    (
        "a row with an extra field",
        PROV,
        BASE_FILES["provinces.csv"] + "P3,Three,1,1,1,x,extra\n",
        "row 3: as many fields",
    ),
    ("every row with an extra field", PROV, "code,name,population\nP1,One,1,9\nP2,Two,3,9\n", "as many fields"),
    ("empty file", PROV, "", "header"),
    (
        "import share above 1",
        SECT,
        _row(SECT, "A,Assembly,manufacturing,0.1", "A,Assembly,manufacturing,1.5"),
        "column 'import_share'",
    ),
    ("sector kind unknown", SECT, _row(SECT, "M,Mine,mining", "M,Mine,oil"), "one of mining, manufacturing"),
    (
        "energy tag not a bool",
        SECT,
        BASE_FILES["sectors.csv"]
        .replace("export_share\n", "export_share,energy_intensive\n")
        .replace("0.2\n", "0.2,maybe\n")
        .replace("0.0\n", "0.0,false\n"),
        "true or false",
    ),
    ("coefficient negative", IO, _row(IO, "M,A,0.3", "M,A,-0.3"), "column 'coefficient'"),
    ("coefficient 1e400", IO, _row(IO, "M,A,0.3", "M,A,1e400"), "a finite number"),
    ("coefficient input unknown", IO, _row(IO, "M,A,0.3", "X,A,0.3"), "a sector code listed in sectors.csv"),
    ("no value added left", IO, _row(IO, "M,A,0.3", "M,A,0.95"), "leaving value added"),
    ("imported above import share", IO, _row(IO, "M,A,0.3,true,0.02", "M,A,0.3,true,0.5"), "at most import_share"),
    (
        "all final demand zero",
        DEM,
        "province,sector,demand\nP1,A,0\nP1,M,0\nP2,A,0\nP2,M,0\n",
        "column 'demand': final demand > 0 in some cell, got 0 in every cell",
    ),
    (
        "a sector without output",
        DEM,
        "province,sector,demand\nP1,A,0\nP1,M,10\nP2,A,0\nP2,M,5\n",
        "sector A: final demand > 0",
    ),
    ("demand negative", DEM, _row(DEM, "P1,A,100", "P1,A,-1"), "column 'demand'"),
    ("demand 1e300", DEM, _row(DEM, "P1,A,100", "P1,A,1e300"), "a number <= 1e+15"),
    ("demand where no firms", FIRMS, _row(FIRMS, "P2,M,1", "P2,M,0"), "final demand only where firms.csv has firms"),
    ("firms fractional", FIRMS, _row(FIRMS, "P1,A,4", "P1,A,2.5"), "a whole number"),
    ("firms 100 million", FIRMS, _row(FIRMS, "P1,A,4", "P1,A,100000000"), "at most 2,000,000 firms in total"),
    ("firms duplicate cell", FIRMS, BASE_FILES["firms.csv"] + "P1,A,2\n", "a unique (province, sector)"),
    ("firms province unknown", FIRMS, _row(FIRMS, "P2,M,1", "P9,M,1"), "a province code listed in provinces.csv"),
    ("a province without firms", FIRMS, "province,sector,firms\nP1,A,4\nP1,M,2\n", "province P2: at least one firm"),
    ("installed below peak", CAP, _row(CAP, "P1,A,1.6", "P1,A,1.1"), "at most installed_ratio in capacity.csv"),
    ("installed text", CAP, _row(CAP, "P1,A,1.6", "P1,A,big"), "column 'installed_ratio'"),
    (
        "history month a word",
        HIST,
        _row(HIST, "P1,A,2020-01", "P1,A,January"),
        "column 'month': expected a month YYYY-MM",
    ),
    ("history month banana", HIST, _row(HIST, "P2,M,2020-12", "P2,M,banana"), "got 'banana'"),
    ("history month 13", HIST, _row(HIST, "P1,A,2020-05", "P1,A,2020-13"), "month 01..12"),
    ("history month 00", HIST, _row(HIST, "P1,A,2020-05", "P1,A,2020-00"), "month 01..12"),
    ("history year 0099", HIST, _row(HIST, "P1,A,2020-05", "P1,A,0099-05"), "year 1900..2200"),
    ("history month with a day", HIST, _row(HIST, "P1,A,2020-05", "P1,A,2020-05-01"), "a month YYYY-MM"),
    (
        "history with a gap",
        HIST,
        "".join(line + "\n" for line in BASE_FILES["output_history.csv"].splitlines() if "2020-06" not in line),
        "2020-06 is missing",
    ),
    (
        "history index zero",
        HIST,
        _row(HIST, "P1,A,2020-05,1.0", "P1,A,2020-05,0"),
        "column 'output_index': expected a number > 0",
    ),
    (
        "history below current",
        HIST,
        BASE_FILES["output_history.csv"].replace(",1.2\n", ",0.9\n").replace(",1.0\n", ",0.9\n"),
        "output_history.csv: maximum output_index of P1/A: at least 1",
    ),
    ("history empty", HIST, "province,sector,month,output_index\n", "at least one row"),
]
