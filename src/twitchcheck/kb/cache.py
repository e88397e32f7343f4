"""A compiled copy of validated knowledge, keyed by the hash of the files it was built from.

Loading the knowledge base means reading about seventy YAML files, validating them against the
schema and running every integrity check; that result never changes while the files do not. The
first load writes it (pickled) to the cache folder (``TWITCHCHECK_CACHE_DIR``, by default the user's
cache folder, never inside the repository); later loads whose files hash the same read it back in a
few milliseconds. The key covers every byte of every data file and of the code that reads and checks
them (the schema, the loader, the checks), pydantic's version and the Python version, so a changed
file, a changed schema, an upgrade or another interpreter simply misses. A cache that
cannot be read or written is ignored: the knowledge is then built as if there were none. Only a
load that passed every check is cached, so a faulty knowledge base is always reported.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
FORMAT = 1  # bump when what is pickled changes shape


def fingerprint(kind: str, files: Iterable[Path]) -> str:
    """A hash of the files' names and bytes, and of everything that changes what they compile to."""
    import pydantic

    digest = hashlib.sha256()
    for part in (kind, str(FORMAT), pydantic.VERSION, sys.version):
        digest.update(part.encode() + b"\0")
    for path in sorted(files):
        digest.update(str(path).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def cached(kind: str, files: Iterable[Path], code: Iterable[Path], build: Callable[[], T]) -> T:
    """``build()``'s result, from the cache when ``files`` and ``code`` are unchanged (else built and stored)."""
    from twitchcheck.settings import settings

    config = settings()
    if not config.kb_cache:
        return build()
    try:
        path = config.resolved_cache_dir() / f"{kind}-{fingerprint(kind, [*files, *code])}.pickle"
    except OSError:  # a file that cannot be read: build() reports it
        return build()
    try:
        with path.open("rb") as handle:
            value: T = pickle.load(handle)
        return value
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    value = build()
    _store(path, value)
    return value


def _store(path: Path, value: object) -> None:
    """Write atomically (a temporary file renamed into place); give up quietly if that fails."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as handle:
            temporary = Path(handle.name)
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        if temporary is not None:
            temporary.unlink(missing_ok=True)
