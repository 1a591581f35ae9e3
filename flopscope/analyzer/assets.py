"""Data files a solver loads: the shapes and dtypes of ``.npy`` and ``.npz`` arrays.

``fnp.load("asset.npz")`` in a solver gives arrays whose shapes the analyzer reads
from the file's headers, with NumPy's own header reader: the data is never read,
so a large asset costs the analysis nothing. A file that cannot be read is
reported by the caller as a located diagnostic.
"""

from __future__ import annotations

import os
import zipfile

_KINDS = {"f": "float", "c": "complex", "b": "bool", "i": "int", "u": "int"}


class AssetError(Exception):
    """A data file the analyzer cannot read (missing, not NumPy's format, a pickle)."""


def _header(stream) -> tuple[tuple, str]:
    import numpy as np  # only when a solver loads a data file

    fmt = np.lib.format
    try:
        version = fmt.read_magic(stream)
        if version == (1, 0):
            shape, _fortran, dtype = fmt.read_array_header_1_0(stream)
        else:
            shape, _fortran, dtype = fmt.read_array_header_2_0(stream)
    except (ValueError, OSError, EOFError) as err:
        raise AssetError(f"not a NumPy array file ({err})") from None
    if dtype.hasobject:
        raise AssetError("it holds Python objects (a pickle), which flopscope refuses to load")
    return tuple(int(d) for d in shape), _KINDS.get(dtype.kind, "float")


def resolve(path: str, solver_path: str) -> str | None:
    """The file a relative path names: relative to the working directory, as at runtime,
    else to the solver's own folder (where its assets usually lie); None if neither exists."""
    if os.path.isabs(path):
        return path if os.path.exists(path) else None
    candidates = [path, os.path.join(os.path.dirname(os.path.abspath(solver_path)), path)]
    for c in candidates:
        if os.path.exists(c):
            return c
    return None


def read_npy(path: str) -> tuple[tuple, str]:
    """(shape, dtype kind) of a ``.npy`` file."""
    try:
        with open(path, "rb") as fh:
            return _header(fh)
    except OSError as err:
        raise AssetError(str(err)) from None


def read_npz(path: str) -> dict[str, tuple[tuple, str]]:
    """{key: (shape, dtype kind)} of a ``.npz`` archive, in the archive's order."""
    try:
        with zipfile.ZipFile(path) as zf:
            out = {}
            for name in zf.namelist():
                key = name[:-4] if name.endswith(".npy") else name
                with zf.open(name) as member:
                    out[key] = _header(member)
            return out
    except (OSError, zipfile.BadZipFile) as err:
        raise AssetError(str(err)) from None


def read(path: str) -> tuple[tuple, str] | dict:
    """What ``numpy.load`` would give: an archive's entries, or one array's header."""
    try:
        with open(path, "rb") as fh:
            magic = fh.read(6)
    except OSError as err:
        raise AssetError(str(err)) from None
    if magic.startswith(b"PK"):
        return read_npz(path)
    if magic == b"\x93NUMPY":
        return read_npy(path)
    raise AssetError("not a .npy or .npz file (flopscope.numpy.load reads NumPy's binary formats only)")
