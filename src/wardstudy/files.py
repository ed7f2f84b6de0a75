"""Writing files so that nothing half-written ever looks finished, and hashing inputs.

Shared by every layer that writes (the synthetic generator, the build cache, the batch):
a file is written to a temporary name in its own folder and renamed into place, so a
reader, or a crash, sees the old file or the new one, never a part.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_text", "atomic_write_bytes", "sha256_files"]


def atomic_write_bytes(path: Path | str, data: bytes, mode: int = 0o644) -> Path:
    """Write `data` to `path` through a temporary file in the same folder, then rename.

    `mode` is applied before the rename: `mkstemp` creates files readable by the owner
    only, and a report must be readable by a colleague's web server.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> atomic_write_bytes(folder / "a.txt", b"x").read_bytes(), sorted(p.name for p in folder.iterdir())
    (b'x', ['a.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: Path | str, text: str, mode: int = 0o644) -> Path:
    """`atomic_write_bytes` for text: UTF-8, line endings as given (no translation)."""
    return atomic_write_bytes(path, text.encode("utf-8"), mode)


def sha256_files(files, root: Path | None = None) -> str:
    """One SHA-256 over the names and bytes of `files`, in sorted order.

    Names are taken relative to `root` when given (so moving a checkout does not change
    the hash), else the bare file name.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.csv").write_text("1"); _ = (folder / "b.csv").write_text("2")
    >>> sha256_files([folder / "b.csv", folder / "a.csv"]) == sha256_files([folder / "a.csv", folder / "b.csv"])
    True
    """
    digest = hashlib.sha256()
    for path in sorted(Path(f) for f in files):
        name = path.relative_to(root).as_posix() if root is not None else path.name
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
