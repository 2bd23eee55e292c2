"""The report opened in headless Chromium: it renders, its figures are in the page, no console errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from report_helpers import files
from typer.testing import CliRunner

import sim
from analysis.cli import app
from analysis.report.build import FIGURE_ORDER

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed here, so the report is not opened in a browser"
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
BLUE = np.array([0x1F, 0x77, 0xB4]) / 255  # the first source's colour in the figures


def chromium(tmp_path: Path, page: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    """A report of a single run folder, written by the command line."""
    root = tmp_path_factory.mktemp("browser")
    sim.run(files(root)["base"], seed=2).write(root / "run")
    result = CliRunner().invoke(app, ["report", str(root / "run"), "--no-pair", "--out", str(root / "report.html")])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stdout and len(list((root / "report_files").glob("*.png"))) == 8
    return root / "report.html"


def test_the_report_renders_in_headless_chromium_without_errors(page, tmp_path):
    import matplotlib.image

    shot = tmp_path / "shot.png"
    run = chromium(
        tmp_path, page, f"--screenshot={shot}", "--window-size=1280,2000", "--enable-logging=stderr", "--v=0"
    )
    assert run.returncode == 0, run.stderr[-2000:]
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line or "net::ERR" in line]
    assert console == [], "the page logged errors or failed to load something"
    pixels = matplotlib.image.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2000, 1280) and pixels.std() > 0.05, "the screenshot is blank"
    # The fan chart's blue line and bands are on screen: the embedded images were decoded and drawn.
    assert np.sum(np.all(np.abs(pixels - BLUE) < 0.03, axis=-1)) > 200


def test_every_figure_is_in_the_dom(page, tmp_path):
    run = chromium(tmp_path, page, "--dump-dom")
    assert run.returncode == 0, run.stderr[-2000:]
    for name in FIGURE_ORDER:
        assert f'<img id="img-{name}"' in run.stdout and 'src="data:image/png;base64,' in run.stdout
