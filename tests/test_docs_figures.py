"""Every batch figure the docs quote comes from one place: benchmarks/README.md's bench_batch section."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?(?:-\d[\d,]*(?:\.\d+)?)?\s?(?:x|s|ms|min|GB|MB|runs/s)\b")


def section(text: str, start: str, end: str | None) -> str:
    head = text.index(start)
    stop = text.find(end, head + len(start)) if end else -1
    return text[head : stop if stop >= 0 else len(text)]


def source() -> str:
    bench = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    return section(bench, "### `growthsim batch` itself (`bench_batch.py`)", "\n## ")


def test_readme_batch_figures_are_the_benchmarks():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quoted = section(readme, "## Monte Carlo batches and sensitivity", "## Reports")
    rows = [line for line in readme.splitlines() if "`benchmarks/bench_batch.py` |" in line]
    figures = FIGURE.findall(quoted + "\n".join(rows))
    assert len(figures) >= 8
    missing = [f for f in figures if f not in source()]
    assert missing == []


def test_montecarlo_doc_quotes_the_benchmarks():
    doc = (ROOT / "docs" / "montecarlo.md").read_text(encoding="utf-8")
    quoted = section(doc, "Measured with `python benchmarks/bench_batch.py`", "Memory stays flat")
    figures = [f for f in FIGURE.findall(quoted) if f != "10 min" and f != "2 GB" and f != "0.9-1.14 GB"]
    assert len(figures) >= 6
    assert [f for f in figures if f not in source()] == []
    assert "0.9 GB" in source() and "1.14 GB" in source()  # the range 0.9-1.14 GB quoted


def test_no_document_cites_files_outside_the_repository():
    paths = [*ROOT.glob("*.md"), *(ROOT / "docs").glob("*.md"), *(ROOT / "analysis").rglob("*.py")]
    paths += [*(ROOT / "sim").rglob("*.py"), *(ROOT / "scenarios").glob("*.toml"), *(ROOT / "benchmarks").glob("*")]
    offenders = [
        str(p.relative_to(ROOT))
        for p in paths
        if p.is_file() and re.search(r"DESIGN\.md|\.\./shared|/work/shared", p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
