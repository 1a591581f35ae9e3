"""Reading and writing arrays, and NumPy's error reporting, for ``flopscope.numpy``.

These table ops are free (COST_MODEL v1.1): ``load``, ``save``, ``savez``,
``savez_compressed``, ``errstate``, ``seterr``, ``geterr``. What they refuse:

* a pickle, always: ``load(..., allow_pickle=True)`` raises
  UnsupportedOperationError (unpickling runs code from the file), and NumPy
  itself refuses an object array without it;
* a Python callback: ``errstate(call=...)`` and the ``'call'`` / ``'log'``
  modes, which make NumPy run Python code on a floating-point error.

Arrays read from a file are metered. An ``.npz`` archive is read lazily, one
array per key, as NumPy's ``NpzFile`` does; a key it does not hold raises
KeyError naming the keys it does hold.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from flopscope.runtime import dispatch
from flopscope.runtime.array import FlopscopeArray
from flopscope.runtime.errors import UnsupportedOperationError

_nd = np.ndarray
_view = np.ndarray.view
_np_load = np.load
_NpzFile = np.lib.npyio.NpzFile


def _metered(a: Any) -> Any:
    """An array read from a file (an ndarray or a memmap) as a metered view."""
    if isinstance(a, _nd):
        return _view(a, FlopscopeArray)
    return dispatch.wrap(a)


class NpzArchive:
    """A metered view of an ``.npz`` archive: ``archive[key]`` reads that array (free)
    and returns it metered. Use it like NumPy's NpzFile, also as a context manager."""

    __slots__ = ("_npz",)

    def __init__(self, npz: Any) -> None:
        self._npz = npz

    @property
    def files(self) -> list[str]:
        return list(self._npz.files)

    def __getitem__(self, key: str) -> FlopscopeArray:
        if key not in self._npz.files:
            held = ", ".join(repr(k) for k in self._npz.files) or "no arrays"
            raise KeyError(f"{key!r} is not in this .npz archive; it holds {held}")
        return _metered(self._npz[key])

    def get(self, key: str, default: Any = None) -> Any:
        return self[key] if key in self._npz.files else default

    def __contains__(self, key: object) -> bool:
        return key in self._npz.files

    def __iter__(self) -> Iterator[str]:
        return iter(self._npz.files)

    def __len__(self) -> int:
        return len(self._npz.files)

    def keys(self):
        return list(self._npz.files)

    def values(self):
        return [self[k] for k in self._npz.files]

    def items(self):
        return [(k, self[k]) for k in self._npz.files]

    def close(self) -> None:
        self._npz.close()

    def __enter__(self) -> "NpzArchive":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"NpzArchive(files={self.files})"


_PICKLE_REFUSED = (
    "flopscope.numpy.load(allow_pickle=True) is refused: unpickling runs code from the file. "
    "Ship plain numeric arrays (.npy, or .npz from savez) instead"
)


def load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding="ASCII", *, max_header_size=10000):
    """numpy.load for ``.npy`` and ``.npz`` files: free, the arrays it returns are metered.
    Pickles are always refused."""
    if allow_pickle:
        raise UnsupportedOperationError(_PICKLE_REFUSED)
    result = _np_load(file, mmap_mode=mmap_mode, allow_pickle=False, fix_imports=fix_imports, encoding=encoding,
                      max_header_size=max_header_size)
    if isinstance(result, _NpzFile):
        return NpzArchive(result)
    return _metered(result)


def save(file, arr, allow_pickle=True, fix_imports=None):
    """numpy.save: free (writing data computes nothing). (``fix_imports`` is accepted and
    ignored, as NumPy 2 ignores it.)"""
    np.save(file, dispatch.unwrap(arr), allow_pickle=allow_pickle)


def savez(file, *args, allow_pickle=True, **kwds):
    """numpy.savez: free."""
    np.savez(file, *dispatch.unwrap(args), allow_pickle=allow_pickle, **dispatch.unwrap_kwargs(kwds))


def savez_compressed(file, *args, allow_pickle=True, **kwds):
    """numpy.savez_compressed: free."""
    np.savez_compressed(file, *dispatch.unwrap(args), allow_pickle=allow_pickle, **dispatch.unwrap_kwargs(kwds))


# ---------------------------------------------------------------------- error reporting

_CALLBACK_REFUSED = (
    "{what} is refused: NumPy would call a Python function on floating-point errors, and that code would run "
    "unmetered (use 'ignore', 'warn', 'raise' or 'print')"
)
_CALLBACK_MODES = ("call", "log")


def _check_modes(what: str, modes: dict) -> None:
    for name, mode in modes.items():
        if isinstance(mode, str) and mode in _CALLBACK_MODES:
            raise UnsupportedOperationError(_CALLBACK_REFUSED.format(what=f"{what}({name}={mode!r})"))


_NO_CALL = object()


def errstate(*, call=_NO_CALL, **kwargs):
    """numpy.errstate: free. ``call=`` and the 'call' / 'log' modes are refused."""
    if call is not _NO_CALL:
        raise UnsupportedOperationError(_CALLBACK_REFUSED.format(what="errstate(call=...)"))
    _check_modes("errstate", kwargs)
    return np.errstate(**kwargs)


def seterr(all=None, divide=None, over=None, under=None, invalid=None):  # noqa: A002 - NumPy's name
    """numpy.seterr: free. The 'call' / 'log' modes are refused."""
    modes = {"all": all, "divide": divide, "over": over, "under": under, "invalid": invalid}
    _check_modes("seterr", modes)
    return np.seterr(**modes)


def geterr():
    """numpy.geterr: free."""
    return np.geterr()


IMPLEMENTATIONS = {
    "load": load, "save": save, "savez": savez, "savez_compressed": savez_compressed,
    "errstate": errstate, "seterr": seterr, "geterr": geterr,
}

dispatch.register_internal(__file__)
