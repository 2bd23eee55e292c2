"""Checking the files and folders a user names before reading them.

A path can fail in many ways besides being absent: a symlink to itself, a loop of symlinks, a
folder where a file is expected, a device, a name with a NUL byte, a file too large to parse in
bounded memory. Each becomes one :class:`~sim.errors.InputError` naming the path and what was
expected, instead of an ``OSError`` traceback or a misleading "missing".
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from sim.errors import InputError
from sim.limits import current_limits


def _stat(path: Path, key: str, expected: str) -> os.stat_result | None:
    """``os.stat`` of a path, ``None`` if nothing is there; other failures become an InputError."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise InputError(path, key, f"{expected}, got a broken symlink") from None
        return None
    except ValueError:  # an embedded NUL byte
        raise InputError(repr(str(path)), key, f"{expected}, got a path with a NUL byte") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InputError(path, key, f"{expected}, got a symlink loop") from None
        if exc.errno == errno.ENOTDIR:
            return None
        raise InputError(path, key, f"{expected} ({exc.strerror or exc})") from None


def check_file(path: str | Path, key: str = "file", expected: str = "an existing file") -> int:
    """Check that ``path`` is a regular file within the ``file_mb`` limit.

    Returns:
        The file's size in bytes.

    Raises:
        InputError: Missing, a folder, a symlink loop, not a regular file, or too large.
    """
    path = Path(path)
    info = _stat(path, key, expected)
    if info is None:
        raise InputError(path, key, f"file is missing ({expected} expected)")
    if stat.S_ISDIR(info.st_mode):
        raise InputError(path, key, f"{expected}, got a folder")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(path, key, f"{expected}, got a special file (not a regular file)")
    limits = current_limits()
    if info.st_size > limits.file_bytes:
        raise InputError(
            path,
            key,
            f"a file of at most {limits.file_mb:g} MB, got {info.st_size / 2**20:,.1f} MB "
            "(raise the limit with: growthsim --limit file_mb=N ...)",
        )
    return info.st_size


def check_dir(path: str | Path, key: str, expected: str) -> None:
    """Check that ``path`` is an existing folder (not a file, a loop or nothing).

    Raises:
        InputError: Naming the path and what was found instead.
    """
    path = Path(path)
    info = _stat(path, key, expected)
    if info is None:
        raise InputError(path, key, f"{expected}, got nothing there")
    if not stat.S_ISDIR(info.st_mode):
        raise InputError(path, key, f"{expected}, got a file")


def exists_or_none(path: str | Path, key: str) -> bool:
    """Whether an optional file is there; a loop or a broken symlink is an error, not absence."""
    return _stat(Path(path), key, "a readable file or nothing") is not None


def check_output_dir(path: str | Path, key: str = "--out") -> None:
    """Check that an output folder can be created or reused: nothing there, or a folder.

    Raises:
        InputError: If a file, a loop or a broken symlink is in the way, or a parent is a file.
    """
    path = Path(path)
    info = _stat(path, key, "a folder to write into (new or existing)")
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise InputError(path, key, "a folder to write into (new or existing), got an existing file")
    parent = path.parent
    while info is None and parent != parent.parent:
        info_parent = _stat(parent, key, "a folder to write into")
        if info_parent is not None:
            if not stat.S_ISDIR(info_parent.st_mode):
                raise InputError(path, key, f"a folder to write into, but {parent} is a file")
            break
        parent = parent.parent
