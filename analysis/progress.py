"""Progress bars (tqdm) for the commands that take more than a few seconds.

One helper so every command shows the same kind of bar on stderr: on a terminal by default
(``progress=None``), never when stderr is redirected unless asked for (``progress=True``).
"""

from __future__ import annotations

import sys


def progress_bar(total: int, desc: str, unit: str = "step", progress: bool | None = None):
    """A tqdm bar of ``total`` steps on stderr (``progress=None``: shown on a terminal only)."""
    from tqdm.auto import tqdm

    disable = (not sys.stderr.isatty()) if progress is None else not progress
    return tqdm(total=total, desc=desc, unit=unit, disable=disable, leave=False, file=sys.stderr)


class Stages:
    """A bar over named stages: ``with Stages(["load", "draw"], "report") as stage: stage("load") ...``.

    Each call names the stage starting now and counts the previous one as done.
    """

    def __init__(self, names: list[str], desc: str, progress: bool | None = None) -> None:
        self.bar = progress_bar(len(names), desc, "stage", progress)
        self.started = False

    def __call__(self, name: str) -> None:
        if self.started:
            self.bar.update(1)
        self.started = True
        self.bar.set_postfix_str(name, refresh=True)

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, *exc) -> None:
        if self.started and exc[0] is None:
            self.bar.update(1)
        self.bar.close()
