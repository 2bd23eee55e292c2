"""The documentation's examples are true to the code: every TOML scenario in the docs validates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [
    (path.name, i, block)
    for path in DOCS
    for i, block in enumerate(re.findall(r"```toml\n(.*?)```", path.read_text(encoding="utf-8"), re.S))
    if "horizon_months" in block
]


@pytest.mark.parametrize(("doc", "index", "block"), BLOCKS, ids=[f"{d}-{i}" for d, i, _ in BLOCKS])
def test_scenario_examples_validate(tmp_path, doc, index, block):
    path = tmp_path / "example.toml"
    path.write_text(block, encoding="utf-8")
    scenario = sim.load_scenario(path)
    # Read as written: the block's name, horizon and number of shocks are the scenario's.
    assert scenario.name == re.search(r'^name\s*=\s*"([^"]+)"', block, re.M).group(1)
    assert scenario.horizon_months == int(re.search(r"^horizon_months\s*=\s*(\d+)", block, re.M).group(1))
    assert len(scenario.shock) == block.count("[[shock]]")
    if scenario.economy.data == "default":
        scenario.check_against(sim.load_economy("default"))


def test_readme_has_exactly_two_setup_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = text[text.index("## Set up") : text.index("## Usage")]
    commands = re.findall(r"```bash\n(.*?)```", setup, re.S)
    assert [c.strip() for c in commands] == [
        "pip install -e . && growthsim run scenarios/baseline.toml",
        "pip install -e '.[dev]' && python -m pytest",
    ]
    assert "pip install -e '.[dev]' && python -m pytest" in (ROOT / ".ci" / "run").read_text()
