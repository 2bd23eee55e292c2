"""Writing result files so that an interrupted write leaves nothing half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_texts_atomic(files: dict[Path, str]) -> None:
    """Write every file to a temporary sibling first, then move them all into place."""
    temps: list[tuple[str, Path]] = []
    try:
        for path, text in files.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            temps.append((tmp, path))
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            if os.path.exists(tmp):
                os.unlink(tmp)


def write_text_atomic(path: Path, text: str) -> None:
    """Write one text file atomically."""
    write_texts_atomic({Path(path): text})
