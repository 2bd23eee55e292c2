"""Which recorded episode an episode file replays: files and folders named on the command line.

``growthsim history --scenarios PATH`` takes a file or a folder (its ``*.toml`` files, not its
sub-folders), and may be given several times. Each file is matched to one episode of
``episodes.csv``, the first rule that applies deciding:

1. its file name is the episode's scenario file name (``2018_sanctions.toml``);
2. its scenario's ``name`` is the episode's name (``name = "2018_sanctions"``);
3. its file stem starts with the episode's name (``2018_sanctions_imports_90.toml``; the
   longest such name wins).

A file that matches no episode is an input error: every file given is replayed or none is.
Several files may replay the same episode (readings of it); each gives its own rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.history.records import Episode


@dataclass(frozen=True)
class EpisodeFile:
    """A scenario file and the episode it replays.

    Attributes:
        episode: The recorded episode.
        path: The scenario file.
    """

    episode: Episode
    path: Path


def scenario_files(paths: Sequence[Path]) -> list[Path]:
    """The ``*.toml`` files of ``paths``: a file as it is, a folder's files (not its sub-folders) sorted.

    Raises:
        InputError: A path is neither a folder nor a ``.toml`` file.
    """
    from sim.errors import InputError

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.glob("*.toml") if p.is_file())
        elif path.is_file() and path.suffix == ".toml":
            files.append(path)
        else:
            raise InputError(path, "--scenarios", "a folder of episode files or a scenario file (.toml)")
    return list(dict.fromkeys(files))


def episode_of(path: Path, catalogue: Sequence[Episode]) -> Episode:
    """The episode a scenario file replays (the rules of the module docstring).

    Raises:
        InputError: The file matches no episode, or its scenario cannot be read.
    """
    from sim.errors import InputError
    from sim.scenario import load_scenario

    for episode in catalogue:
        if path.name == episode.scenario:
            return episode
    name = load_scenario(path).name
    for episode in catalogue:
        if name == episode.name:
            return episode
    prefixed = [e for e in catalogue if path.stem.startswith(e.name)]
    if prefixed:
        return max(prefixed, key=lambda e: len(e.name))
    names = ", ".join(e.name for e in catalogue)
    raise InputError(path, "name", f"an episode's name ({names}) as the scenario's name or the start of its file name")


def episode_files(paths: Sequence[Path], catalogue: Sequence[Episode]) -> list[EpisodeFile]:
    """Every scenario file of ``paths`` with its episode, in the order given.

    Raises:
        InputError: A path is not a folder or a ``.toml`` file, no file is found, or a file
            matches no episode.
    """
    from sim.errors import InputError

    files = scenario_files(paths)
    if not files:
        names = ", ".join(e.scenario for e in catalogue)
        raise InputError(paths[0], "--scenarios", f"a folder holding at least one episode file ({names})")
    return [EpisodeFile(episode_of(path, catalogue), path) for path in files]
