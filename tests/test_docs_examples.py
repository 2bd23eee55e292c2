"""Every Python example of README.md and docs/ runs as written.

The examples run in a sandbox folder whose ``scenarios/`` holds small stand-ins of the scenario
files they name (the same names and scenario names, on a three-province economy, 24 months), so
they run in seconds; the commands they depend on (the report's batch store) run first, as the
docs write them. The sizes of the batches and designs are cut (:data:`SMALLER`: the only change
made to an example), so the whole file stays within the suite's budget. One example is not run:
dask-jobqueue's, which needs an HPC batch system.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from report_helpers import NOISE, SHOCK, economy
from typer.testing import CliRunner

from analysis.cli import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NOT_RUN = {"dask_jobqueue": "needs an HPC batch system (SLURM, PBS, ...)"}
FRAGMENTS = ("def input_bound_of",)
# Sizes of the examples' batches and designs, cut for the test (same code paths, fewer runs).
SMALLER = (
    ('"my_shock.toml"], 200,', '"my_shock.toml"], 3,'),
    ("samples=20, workers=2", "samples=2, workers=1"),
    ("MultiprocessingEvaluator(model, n_processes=2)", "SequentialEvaluator(model)"),
    ("scenarios=200", "scenarios=8"),
)  # design.md: a function to paste into a phase, not a program


def python_blocks() -> list[tuple[str, int, str]]:
    blocks = []
    for path in DOCS:
        for i, block in enumerate(re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), re.S)):
            lines = block.splitlines()
            indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
            code = "\n".join(x[indent:] for x in lines)
            if not any(f in code for f in FRAGMENTS):
                blocks.append((path.name, i, code))
    return blocks


BLOCKS = python_blocks()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    root = tmp_path_factory.mktemp("docs")
    data = economy(root / "economy")
    scenarios = root / "scenarios"
    scenarios.mkdir()
    head = f'horizon_months = 24\n\n[economy]\ndata = "{data}"\n\n{NOISE}\n'
    demand = '[[shock]]\nkind = "demand"\nsectors = ["24"]\nstart = 3\nend = 8\nchange = -0.33\n'
    for name, extra in (("baseline", ""), ("export_slump", demand), ("combined_stress", demand + SHOCK)):
        (scenarios / f"{name}.toml").write_text(f'name = "{name}"\n{head}{extra}', encoding="utf-8")
    (root / "my_shock.toml").write_text(f'name = "my_shock"\n{head}{demand}', encoding="utf-8")
    sensitivity_doc = (ROOT / "docs" / "sensitivity.md").read_text(encoding="utf-8")
    (root / "params.toml").write_text(re.findall(r"```toml\n(.*?)```", sensitivity_doc, re.S)[0], encoding="utf-8")
    return root


def workdir(root: Path, doc: str) -> Path:
    """A folder of the doc's own (its examples write runs/...), seeing the sandbox's scenario files."""
    folder = root / doc.removesuffix(".md")
    if folder.exists():
        return folder
    folder.mkdir()
    for name in ("scenarios", "my_shock.toml", "params.toml"):
        (folder / name).symlink_to(root / name)
    if doc == "report.md":  # its Python example reads the store its bash example writes: run that, as written
        report_doc = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
        command = re.findall(r"```bash\n(.*?)```", report_doc, re.S)[0].replace("\\\n", " ").splitlines()[0]
        command = command.replace("--runs 20", "--runs 3")  # cut, as SMALLER
        old = Path.cwd()
        os.chdir(folder)
        try:
            result = CliRunner().invoke(app, shlex.split(command)[1:])
            assert result.exit_code == 0, result.output
        finally:
            os.chdir(old)
    return folder


@pytest.mark.parametrize(("doc", "index", "code"), BLOCKS, ids=[f"{d}-{i}" for d, i, _ in BLOCKS])
def test_python_example_runs(sandbox, monkeypatch, doc, index, code):
    for module, reason in NOT_RUN.items():
        if module in code:
            pytest.skip(f"not run here: {reason}")
    monkeypatch.chdir(workdir(sandbox, doc))
    for large, small in SMALLER:
        code = code.replace(large, small)
    exec(compile(code, f"{doc} example {index}", "exec"), {"__name__": "__docs_example__"})


def test_every_python_example_is_run_but_one():
    skipped = [code for _, _, code in BLOCKS if any(m in code for m in NOT_RUN)]
    assert len(BLOCKS) >= 9 and len(skipped) == 1
    every = "\n".join(code for _, _, code in BLOCKS)
    assert all(large in every for large, _ in SMALLER)  # each cut still matches its example
