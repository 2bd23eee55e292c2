"""``growthsim --help`` loads no heavy module: every command imports what it needs when it runs.

The time itself is measured by ``benchmarks/bench_cli.py`` (medians and ratios), not here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "pandas", "mesa", "scipy", "networkx", "pyarrow", "matplotlib", "xarray", "dask", "solara")
HEAVY += ("sim.engine",)

PROBE = """
import json, sys
from typer.main import get_command
from analysis.cli import app
group = get_command(app)
names = []
def walk(command, path):
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in subcommands.items():
            walk(sub, path + [name])
    else:
        names.append(path)
walk(group, [])
for path in [[]] + names:
    try:
        app(path + ["--help"], standalone_mode=False)
    except SystemExit:
        pass
heavy = sorted({m.split(".")[0] if not m.startswith("sim.") else "sim.engine" for m in sys.modules
                if m.split(".")[0] in HEAVY or m.startswith("sim.engine")})
print(json.dumps({"commands": [" ".join(p) for p in names], "heavy": heavy}))
"""


def test_help_of_every_command_loads_no_heavy_module():
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    code = f"HEAVY = {HEAVY!r}\n" + PROBE
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"run", "validate", "batch", "report", "economy export"} <= set(found["commands"])
    assert found["heavy"] == []
