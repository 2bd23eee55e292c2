"""Nothing malformed gets through: a table of malformed inputs, each refused in one line with exit 2.

Every case of :mod:`bad_input_cases` breaks one file of a valid scenario and data folder; then
``growthsim validate`` must exit 2 with exactly one line on stderr, ``error: FILE: KEY: EXPECTED``,
holding the words the case names, and ``growthsim run --out`` must write nothing. Further tests
cover paths (symlink loops, a file named by ``--out``), size limits (refused before parsing, in
bounded time), the batch store's writer lock and duplicate-dropping readers.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
from bad_input_cases import BASE_FILES, CASES, SCENARIO
from fuzz_inputs import in_range_scenarios, scenarios, tables
from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from analysis.cli import app
from analysis.montecarlo import load_batch, run_batch
from analysis.montecarlo.store import BatchStore, DuplicateRunsWarning
from sim.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _limits_restored():
    """``growthsim --limit`` sets environment variables in this process: remove them after each test."""
    yield
    for key in [k for k in os.environ if k.startswith("GROWTHSIM_LIMIT_")]:
        del os.environ[key]


def make_base(root: Path) -> Path:
    """Write the valid base: ``root/s.toml`` and its data folder ``root/data``."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    for name, text in BASE_FILES.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    scenario = root / "s.toml"
    scenario.write_text(SCENARIO.format(top="", tables=""), encoding="utf-8")
    return scenario


def invoke(*args: str):
    """Run the command line in this process; stderr kept apart from stdout."""
    return CliRunner().invoke(app, [str(a) for a in args])


def assert_refused(result, expected: str = "") -> str:
    """Exit 2, one line on stderr starting ``error:`` and holding ``expected``; no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, (result.exit_code, result.output, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert expected in lines[0], lines[0]
    return lines[0]


def test_the_base_is_valid_and_runs(tmp_path):
    scenario = make_base(tmp_path)
    result = invoke("validate", scenario)
    assert result.exit_code == 0, result.output
    assert "2 provinces, 2 sectors, 10 firms" in result.stdout
    assert invoke("run", scenario, "--out", tmp_path / "out").exit_code == 0


def test_the_table_has_at_least_sixty_cases():
    assert len(CASES) >= 60
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(("file", "text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_input_is_refused_in_one_line(tmp_path, file, text, expected):
    scenario = make_base(tmp_path)
    target = tmp_path / file
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    line = assert_refused(invoke("validate", scenario), expected)
    assert file.rsplit("/", 1)[-1] in line  # the message names the file at fault
    assert_refused(invoke("run", scenario, "--out", tmp_path / "out"), expected)
    assert not (tmp_path / "out").exists()  # nothing half-written


# --- paths -------------------------------------------------------------------------------------


def test_a_data_folder_that_is_a_symlink_loop(tmp_path):
    scenario = make_base(tmp_path)
    shutil.rmtree(tmp_path / "data")
    (tmp_path / "data").symlink_to(tmp_path / "loop")
    (tmp_path / "loop").symlink_to(tmp_path / "data")
    assert_refused(invoke("validate", scenario), "[economy] data: an existing data folder, got a symlink loop")


def test_a_scenario_that_is_a_symlink_to_itself_is_not_called_missing(tmp_path):
    self_link = tmp_path / "self.toml"
    self_link.symlink_to(self_link)
    assert_refused(invoke("validate", self_link), "got a symlink loop")
    assert_refused(invoke("run", self_link), "got a symlink loop")


def test_a_table_that_is_a_broken_symlink_or_a_folder(tmp_path):
    scenario = make_base(tmp_path)
    (tmp_path / "data" / "firms.csv").unlink()
    (tmp_path / "data" / "firms.csv").symlink_to(tmp_path / "gone.csv")
    assert_refused(invoke("validate", scenario), "firms.csv: file: a readable file or nothing, got a broken symlink")
    (tmp_path / "data" / "firms.csv").unlink()
    (tmp_path / "data" / "firms.csv").mkdir()
    assert_refused(invoke("validate", scenario), "firms.csv: file: an existing CSV file, got a folder")


def test_run_out_naming_an_existing_file_is_refused_before_the_run(tmp_path):
    scenario = make_base(tmp_path)
    (tmp_path / "taken").write_text("mine", encoding="utf-8")
    assert_refused(invoke("run", scenario, "--out", tmp_path / "taken"), "--out: a folder to write into")
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "mine"
    assert_refused(invoke("run", scenario, "--out", tmp_path / "taken" / "sub"), "is a file")
    assert_refused(invoke("batch", scenario, "--runs", "1", "--out", tmp_path / "taken"), "--out")


def test_analyze_a_file_or_a_loop(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert_refused(invoke("analyze", tmp_path / "file"), "a run folder")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    assert_refused(invoke("analyze", tmp_path / "loop"), "a run folder")


def test_usage_errors_of_the_console_script_are_one_line():
    from subprocess import run

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for args in (["run", "--seed", "-1", "x.toml"], ["--limit", "frms=3", "validate", "x"]):
        done = run(["growthsim", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)
        assert done.returncode == 2, (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert done.stderr.startswith("error: "), done.stderr


# --- size limits -------------------------------------------------------------------------------


def test_a_table_larger_than_the_file_limit_is_refused_before_parsing(tmp_path):
    """A 1 GB history (a sparse file: no disk used) is refused from its size alone."""
    scenario = make_base(tmp_path)
    with open(tmp_path / "data" / "output_history.csv", "r+b") as handle:
        handle.truncate(1 << 30)
    assert_refused(invoke("validate", scenario), "a file of at most 64 MB, got 1,024.0 MB")
    result = invoke("--limit", "file_mb=0.001", "validate", scenario)
    assert_refused(result, "raise the limit with: growthsim --limit file_mb=N")


def test_twenty_thousand_columns_are_refused_at_the_header(tmp_path):
    scenario = make_base(tmp_path)
    header = "code,name,population," + ",".join(f"x{i}" for i in range(20_000))
    rows = "\n".join(f"P{i},N,1," + ",".join("0" * 20_000) for i in (1, 2))
    (tmp_path / "data" / "provinces.csv").write_text(f"{header}\n{rows}\n", encoding="utf-8")
    assert_refused(invoke("validate", scenario), "header: at most 200 columns, got 20,003")


def test_extra_columns_within_the_limit_are_read_in_one_pass(tmp_path, monkeypatch):
    """Raising the column limit, 5,000 extra columns validate (a linear reader: no column loop)."""
    scenario = make_base(tmp_path)
    header = "code,name,population," + ",".join(f"x{i}" for i in range(5_000))
    rows = "\n".join(f"P{i},N,1," + ",".join(["0"] * 5_000) for i in (1, 2))
    (tmp_path / "data" / "provinces.csv").write_text(f"{header}\n{rows}\n", encoding="utf-8")
    monkeypatch.setenv("GROWTHSIM_LIMIT_COLUMNS", "6000")
    result = invoke("validate", scenario)
    assert result.exit_code == 0, result.output


def test_the_limit_flag_raises_and_lowers_limits(tmp_path):
    scenario = make_base(tmp_path)
    assert_refused(invoke("--limit", "firms=5", "validate", scenario), "at most 5 firms in total, got 10")
    assert invoke("--limit", "firms=10", "validate", scenario).exit_code == 0
    assert_refused(invoke("--limit", "firms=ten", "validate", scenario), "a positive integer")


def test_too_many_rows_stop_the_reader(tmp_path, monkeypatch):
    scenario = make_base(tmp_path)
    monkeypatch.setenv("GROWTHSIM_LIMIT_ROWS", "40")
    assert_refused(invoke("validate", scenario), "output_history.csv: rows: at most 40 data rows, got 41")


def test_supplier_links_and_pipeline_are_bounded_before_building(tmp_path, monkeypatch):
    scenario = make_base(tmp_path)
    monkeypatch.setenv("GROWTHSIM_LIMIT_LINKS", "10")
    assert_refused(invoke("validate", scenario), "supplier links")
    monkeypatch.delenv("GROWTHSIM_LIMIT_LINKS")
    monkeypatch.setenv("GROWTHSIM_LIMIT_PIPELINE", "100")
    assert_refused(invoke("validate", scenario), "parameters.gestation_months: at most 100 values")


def test_a_distance_scale_that_leaves_a_province_without_suppliers(tmp_path):
    """P2 has no firm of sector M; at d0 = 0.5 km, exp(-d / d0) from P2 to P1 (about 680 km) underflows to 0."""
    scenario = make_base(tmp_path)
    (tmp_path / "data" / "firms.csv").write_text(BASE_FILES["firms.csv"].replace("P2,M,1", "P2,M,0"))
    (tmp_path / "data" / "final_demand.csv").write_text(BASE_FILES["final_demand.csv"].replace("P2,M,5", "P2,M,0"))
    assert invoke("validate", scenario).exit_code == 0
    scenario.write_text(SCENARIO.format(top="", tables="[parameters]\ndistance_scale_km = 0.5"))
    assert_refused(invoke("validate", scenario), "parameters.distance_scale_km: a distance scale at which P2 reaches")


def test_runaway_batches_are_refused_before_they_start(tmp_path):
    scenario = make_base(tmp_path)
    out = tmp_path / "store"
    assert_refused(invoke("batch", scenario, "--runs", "1000000000", "--out", out), "--runs: at most 100,000 runs")
    assert_refused(invoke("batch", scenario, "--runs", "2", "--workers", "100000", "--out", out), "--workers")
    assert not out.exists()


# --- the batch store: one writer, each run once ---------------------------------------------------


def test_a_second_writer_is_refused_while_the_first_holds_the_store(tmp_path):
    scenario = make_base(tmp_path)
    out = tmp_path / "store"
    holder = BatchStore(out)
    with holder.writing():
        result = invoke("batch", scenario, "--runs", "2", "--workers", "1", "--out", out, "--resume")
        assert_refused(result, "another growthsim batch holds its lock")
        with pytest.raises(InputError, match="holds its lock"):
            run_batch([scenario], 2, out, workers=1, resume=True)
    batch = run_batch([scenario], 2, out, workers=1, resume=True, repeat_identical=True)  # the lock is free
    assert batch.manifest["status"]["runs_stored"] == 2


def test_a_refused_batch_leaves_no_folder_behind(tmp_path):
    scenario = make_base(tmp_path)
    (tmp_path / "data" / "firms.csv").write_text("province,sector,firms\nP1,A,x\n", encoding="utf-8")
    assert_refused(invoke("batch", scenario, "--runs", "2", "--out", tmp_path / "new"), "firms.csv")
    assert not (tmp_path / "new").exists()


def test_load_batch_drops_duplicate_runs_and_says_so(tmp_path):
    scenario = make_base(tmp_path)
    out = tmp_path / "store"
    run_batch([scenario], 3, out, workers=1, chunk_size=3, repeat_identical=True)
    for table in ("metrics", "series"):
        (part,) = sorted((out / table).glob("part-*.parquet"))
        shutil.copy(part, part.with_name("part-999-00000000-00000002.parquet"))
    with pytest.warns(DuplicateRunsWarning, match="metrics held 3 duplicate rows"):
        metrics = load_batch(out).metrics
    assert sorted(metrics["run"]) == [0, 1, 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DuplicateRunsWarning)
        series = load_batch(out).series
    assert not series.duplicated(["scenario", "run", "level", "code", "month"]).any()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"]["runs_stored"] == 3


# --- property-based fuzzing ---------------------------------------------------------------------

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
"""Bounded and reproducible: the same examples in every run (the suite's time stays fixed)."""


def runs_or_is_refused(root: Path, scenario: Path) -> None:
    """``validate``: OK or one line + exit 2; if OK, ``run --out`` works and ``analyze`` works or
    explains in one line (exit 2); a refused command writes nothing."""
    result = invoke("validate", scenario)
    if result.exit_code != 0:
        assert_refused(result)
        ran = invoke("run", scenario, "--out", root / "out")
        assert_refused(ran)
        assert not (root / "out").exists()
        return
    ran = invoke("run", scenario, "--out", root / "out")
    assert ran.exception is None or isinstance(ran.exception, SystemExit), repr(ran.exception)
    assert ran.exit_code == 0, (ran.stdout, ran.stderr)
    analyzed = invoke("analyze", root / "out")
    if analyzed.exit_code != 0:
        assert_refused(analyzed)


@FUZZ
@given(text=scenarios())
def test_fuzzed_scenario_files_run_or_are_refused_in_one_line(text):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        scenario = make_base(root)
        scenario.write_text(text, encoding="utf-8")
        runs_or_is_refused(root, scenario)


@FUZZ
@given(table=tables())
def test_fuzzed_data_tables_run_or_are_refused_in_one_line(table):
    name, text = table
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        scenario = make_base(root)
        scenario.write_text(SCENARIO.format(top="", tables="").replace("24", "12"), encoding="utf-8")
        (root / "data" / name).write_text(text, encoding="utf-8")
        runs_or_is_refused(root, scenario)


@settings(FUZZ, max_examples=12)
@given(text=in_range_scenarios())
def test_scenarios_within_the_documented_ranges_run_or_explain(text):
    """Every number at or within its documented bounds: validate passes, the run never ends in a
    model error, and analyze works or explains in one line (an economy stopped by outages)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        scenario = make_base(root)
        scenario.write_text(text, encoding="utf-8")
        assert invoke("validate", scenario).exit_code == 0
        runs_or_is_refused(root, scenario)
