"""A pickle cache keyed by content hash: `<cache_dir>/<key>/<file>.pkl`, shared by the classifier and the
semantic head. A present, readable entry of the expected type is loaded; otherwise the value is built and
written atomically (tempfile + os.replace, so another process never reads half of it), and entries cached
for earlier keys are removed. A read-only cache directory only costs a rebuild next time."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def load_or_build(path: Path, build: Callable[[], T], expected: type[T], stale_glob: str) -> T:
    """The object pickled at `path` when it is an `expected`, else `build()` stored there.

    `stale_glob` is matched in the cache directory (`path.parent.parent`); matching files outside
    `path.parent` are deleted together with their (then empty) directory after a successful write."""
    if path.exists():
        try:
            with path.open("rb") as handle:
                loaded = pickle.load(handle)  # noqa: S301 - our own cache file, written below
            if isinstance(loaded, expected):
                return loaded
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(value, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp.name, path)
        _prune(path, stale_glob)
    except OSError:
        pass  # a read-only var/ only costs a rebuild next time
    return value


def _prune(path: Path, stale_glob: str) -> None:
    """Remove the entries cached for earlier keys (ours only: those matching `stale_glob`)."""
    for old in path.parent.parent.glob(stale_glob):
        if old.parent != path.parent:
            try:
                old.unlink()
                old.parent.rmdir()
            except OSError:
                continue
