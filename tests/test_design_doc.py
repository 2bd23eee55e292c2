"""docs/design.md stays true: every path it cites exists, the old paths of its table are gone, and
the code its recipe quotes is where it says."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESIGN = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
BODY, TABLES = DESIGN.split("## Old path -> new path")
PATH = re.compile(r"`((?:sim|tests|scripts|docs|analysis|benchmarks)/[\w/.]*)`")


def test_every_path_the_design_cites_exists():
    paths = set(PATH.findall(BODY))
    assert len(paths) > 30
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, missing


def test_old_paths_are_gone_and_new_paths_exist():
    rows = [line.split("|")[1:3] for line in TABLES.splitlines() if line.startswith("| `")]
    assert len(rows) > 15
    for old, new in rows:
        for path in PATH.findall(new):
            folder = Path(PATH.findall(new)[0]).parent  # "a/b.py, c.py": names after the first share its folder
            assert (ROOT / path).exists() or (ROOT / folder / path).exists(), path
        for path in PATH.findall(old):
            if path.startswith("sim/") and path.endswith(".py") and path.count("/") == 1:  # moved into a package
                assert not (ROOT / path).exists(), f"{path} should have moved"
        for name in re.findall(r"`([\w_]+\.py)`", new):
            assert list(ROOT.glob(f"**/{name}")), name


def test_the_recipe_quotes_the_code_as_it_is():
    production = (ROOT / "sim" / "engine" / "phases" / "production.py").read_text(encoding="utf-8")
    oracle = (ROOT / "tests" / "oracle" / "reference_firm.py").read_text(encoding="utf-8")
    assert "def input_bound_of(line):  # X_j of each input line" in production
    assert "cover = line.of(stock) / (line.of(coef) * dt)" in production
    assert "0.5 * (support + capacity_bound)" in oracle and "def input_bound(" in oracle
    step = (ROOT / "sim" / "engine" / "step.py").read_text(encoding="utf-8")
    for line in re.findall(r"```text\n(.*?)```", DESIGN, re.S)[0].splitlines():
        assert line.split("  ")[0].strip() in step, line
