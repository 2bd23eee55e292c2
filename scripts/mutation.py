"""Mutation testing with mutmut, module by module, gently enough for a shared 2-core machine.

For each module it copies the repository (tracked files, as they are in the working tree) into a
scratch folder, writes a ``[tool.mutmut]`` table there that mutates that one module and runs only
the tests that exercise it, and runs ``nice -n 19 mutmut run --max-children 1``. mutmut then
runs, for each mutant, only the tests that call the mutated function. The score is
``killed / (killed + survived)``, timeouts counting as killed (the mutant made a test hang);
mutants no test reaches ("no tests") are listed apart. Survivors are printed with their diffs so
each can be judged (killed since, or equivalent and why) in docs/testing.md.

Usage (from the repository root)::

    python scripts/mutation.py                          # every module in MODULES (about 1 h)
    python scripts/mutation.py analysis/metrics/stability.py --tests tests/test_metrics_stability.py
    python scripts/mutation.py analysis/metrics/series.py --smoke 3   # 3 mutants (seconds)

It writes ``WORKDIR/summary.json`` (score by module, survivors with diffs) and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
METRIC_TESTS = [
    "tests/test_metrics_attainment.py",
    "tests/test_metrics_stability.py",
    "tests/test_metrics_inclusiveness.py",
    "tests/test_metrics_cases.py",
    "tests/test_metrics_cases_stability.py",
    "tests/test_metrics_cases_inclusiveness.py",
    "tests/test_attainment_by_year.py",
    "tests/test_attainment_edges.py",
]
TARGET_TESTS = [
    "tests/test_targets.py",
    "tests/test_targets_projects.py",
    "tests/test_targets_cases.py",
    "tests/test_targets_table.py",
]
SHOCK_TESTS = [
    "tests/test_shocks.py",
    "tests/test_sim_cases.py",
    "tests/test_schedule_cases.py",
    "tests/test_shock_kinds_cases.py",
    "tests/test_import_stock.py",
]
# The tests that import analysis.history.episodes or .records. Left out: test_calibration.py, which
# reaches them through a calibration (6-7 s a test), and test_volatility_scenario.py (a 7 s run of
# the packaged volatility scenario); neither checks the swings' arithmetic.
HISTORY_TESTS = [
    "tests/test_history.py",
    "tests/test_history_cases.py",
    "tests/test_history_files.py",
    "tests/test_targets_recorded.py",
]
# Module -> the tests that exercise it (the slow default-economy runs are left out: the unit
# cases are what must catch a mutant).
MODULES: dict[str, list[str]] = {
    "analysis/metrics/series.py": METRIC_TESTS,
    "analysis/metrics/attainment.py": METRIC_TESTS,
    "analysis/metrics/stability.py": METRIC_TESTS,
    "analysis/metrics/endogeneity.py": METRIC_TESTS,
    "analysis/metrics/inclusiveness.py": METRIC_TESTS,
    "analysis/targets.py": TARGET_TESTS,
    "sim/engine/policy.py": ["tests/test_policy.py", "tests/test_targets_projects.py", "tests/test_policy_cases.py"],
    "sim/shocks/energy.py": SHOCK_TESTS,
    "sim/shocks/schedule.py": SHOCK_TESTS,
    "sim/shocks/capacity.py": SHOCK_TESTS,
    "sim/shocks/demand.py": SHOCK_TESTS,
    "sim/shocks/fx.py": SHOCK_TESTS,
    "sim/shocks/import_cut.py": SHOCK_TESTS,
    "sim/shocks/import_stock.py": SHOCK_TESTS,
    "analysis/history/episodes.py": HISTORY_TESTS,
    "analysis/history/records.py": HISTORY_TESTS,
    "sim/engine/catch_up.py": ["tests/test_catch_up.py"],
    "analysis/national_projects.py": ["tests/test_national_projects.py", "tests/test_targets_projects.py"],
    # test_docs_history.py: its table of the independent episode files runs `growthsim history` on
    # folders of real files (8 s, on mutants of all three functions; mutmut runs its packaged
    # table on none of them). Slow but kept: a mutant run stays under 15 s.
    "analysis/history/files.py": ["tests/test_history_files.py", "tests/test_docs_history.py"],
    # test_targets_recorded.py: the default economy's targets (about 7 s in all, module fixtures).
    "analysis/history/recorded_targets.py": ["tests/test_recorded_targets.py", "tests/test_targets_recorded.py"],
}
KILLED = {"killed", "timeout", "caught by type check"}
ALSO_COPY = ["scenarios", "README.md", "docs", "benchmarks"]


def tracked_files() -> list[str]:
    """The repository's tracked files that exist in the working tree."""
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in out.splitlines() if (ROOT / name).is_file()]


def prepare(scratch: Path, module: str, tests: list[str]) -> None:
    """A fresh copy of the repository with a ``[tool.mutmut]`` table for one module."""
    if scratch.exists():
        shutil.rmtree(scratch)
    for name in tracked_files():
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    existing = [t for t in tests if (scratch / t).is_file()]
    table = {
        "source_paths": ["analysis", "sim"],
        "only_mutate": [module],
        "also_copy": ALSO_COPY,
        "pytest_add_cli_args_test_selection": existing,
        "pytest_add_cli_args": ["-p", "no:cacheprovider", "-q"],
        "use_git_change_detection": False,
    }
    lines = ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in table.items()]
    with open(scratch / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def mutmut(scratch: Path, *args: str, check: bool = True) -> str:
    """Run ``nice -n 19 mutmut ARGS`` in the scratch copy (its own imports only)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["OMP_NUM_THREADS"] = env["OPENBLAS_NUM_THREADS"] = env["MKL_NUM_THREADS"] = "1"
    command = ["nice", "-n", "19", sys.executable, "-c", "from mutmut.__main__ import cli; cli()", *args]
    done = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        tail = f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        raise RuntimeError(f"mutmut {' '.join(args)} failed in {scratch}:\n{tail}")
    return done.stdout


def statuses(scratch: Path) -> dict[str, str]:
    """``{mutant: status}`` from ``mutmut results --all true``."""
    out = mutmut(scratch, "results", "--all", "true")
    return dict(re.findall(r"^\s+(\S+): (.+)$", out, re.M))


def run_module(module: str, tests: list[str], workdir: Path, smoke: int | None) -> dict:
    """Mutate one module and return its counts and survivors."""
    scratch = workdir / module.replace("/", "_").removesuffix(".py")
    prepare(scratch, module, tests)
    started = time.perf_counter()
    names: list[str] = []
    if smoke:
        mutmut(scratch, "run", "--max-children", "1", "no-such-mutant*", check=False)  # generate only
        names = sorted(statuses(scratch))[:smoke]
    mutmut(scratch, "run", "--max-children", "1", *names)
    seconds = time.perf_counter() - started
    status = statuses(scratch)
    if names:
        status = {name: status[name] for name in names}
    counts: dict[str, int] = {}
    for value in status.values():
        counts[value] = counts.get(value, 0) + 1
    survivors = {name: mutmut(scratch, "show", name) for name, value in status.items() if value == "survived"}
    killed = sum(n for s, n in counts.items() if s in KILLED)
    judged = killed + counts.get("survived", 0)
    return {
        "module": module,
        "tests": tests,
        "mutants": len(status),
        "counts": counts,
        "killed": killed,
        "survived": counts.get("survived", 0),
        "score": killed / judged if judged else float("nan"),
        "minutes": seconds / 60,
        "survivors": survivors,
    }


def change(diff: str) -> str:
    """A survivor's diff on one line: ``old`` -> ``new`` (the lines it changes)."""
    lines = [line for line in diff.splitlines() if line[:1] in "-+" and line[:3] not in ("---", "+++")]
    old = " ".join(line[1:].strip() for line in lines if line.startswith("-"))
    new = " ".join(line[1:].strip() for line in lines if line.startswith("+"))
    return f"`{old}` -> `{new}`".replace("|", "\\|")


def survivors_table(results: list[dict]) -> str:
    """Markdown rows ``| mutant | change |`` of every survivor, for docs/testing.md."""
    rows = ["| mutant | change |", "|---|---|"]
    for result in results:
        for name, diff in result["survivors"].items():
            rows.append(f"| `{name.removeprefix('analysis.').removeprefix('sim.')}` | {change(diff)} |")
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="source files to mutate (default: all of MODULES)")
    parser.add_argument("--tests", nargs="*", help="test files for the given modules")
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "growthsim-mutation")
    parser.add_argument("--smoke", type=int, help="run only the first N mutants of each module")
    args = parser.parse_args(argv)
    chosen = {m: args.tests or MODULES.get(m, METRIC_TESTS) for m in args.modules} if args.modules else MODULES
    missing = [m for m in chosen if not (ROOT / m).is_file()]
    if missing:
        parser.error(f"no such module: {', '.join(missing)} (paths relative to {ROOT})")
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = []
    for module, tests in chosen.items():
        result = run_module(module, tests, args.workdir, args.smoke)
        results.append(result)
        print(
            f"{module}: {result['mutants']} mutants, {result['killed']} killed, {result['survived']} survived, "
            f"score {result['score']:.1%}, {result['counts']}, {result['minutes']:.1f} min",
            flush=True,
        )
        (args.workdir / "summary.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    killed = sum(r["killed"] for r in results)
    survived = sum(r["survived"] for r in results)
    print(f"total: {killed} killed, {survived} survived, score {killed / max(1, killed + survived):.1%}")
    (args.workdir / "survivors.md").write_text(survivors_table(results), encoding="utf-8")
    print(f"survivors: {args.workdir / 'survivors.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
