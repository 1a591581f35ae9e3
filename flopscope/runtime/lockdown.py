"""The locked-down judged mode: ``flops.lockdown()``.

A judged run calls it once, before the solver is imported. From then on, until the
process ends (it cannot be undone), solver code (any file outside flopscope, NumPy,
SciPy and Python's own library) is refused what would let it compute outside the
meter or rewrite it:

* imports of ``numpy`` and of flopscope's internal modules (anything but
  ``flopscope``, ``flopscope.numpy`` and its submodules, ``flopscope.stats``,
  ``flopscope.errors``), and of ``ctypes``, ``gc``, ``threading``, ``_thread``,
  ``multiprocessing``, ``concurrent``, ``subprocess``, ``socket``, ``signal``,
  ``importlib``, ``inspect`` (first imports and cached ones alike);
* through Python's audit hooks (PEP 578, which cannot be removed once added), in any
  code: ``gc`` object introspection, ``sys.settrace`` / ``sys.setprofile``, every
  ``ctypes`` call, ``os.fork`` / ``exec`` / ``spawn`` / ``system``,
  ``subprocess``, sockets, and opening a file for writing outside the scratch folder;
* new threads (``_thread.start_new_thread``) and signal handlers;
* setting or deleting an attribute of flopscope's classes (``FlopscopeArray``,
  ``SymmetricTensor``, ``BudgetContext``, ``BudgetView``, ``namespace``), and, at
  the end of every BudgetContext, flopscope's classes and cost table are compared
  with what they were at lockdown: a change voids the run (LockdownError).

It is a meter, not an operating-system sandbox: Python code can reach any object
of its own process by introspection that no hook sees (``type.__setattr__``,
frames of a traceback, ``__closure__``). ``flopscope analyze`` flags those
constructs statically (FS112), and the judge runs each submission in a process of
its own; docs/security.md says which guarantee comes from where.
"""

from __future__ import annotations

import builtins
import os
import sys
import threading
from typing import Any

from flopscope.runtime.errors import LockdownError

_STATE: dict = {"on": False}
_BUSY = threading.local()

PUBLIC_MODULES = frozenset({"flopscope", "flopscope.numpy", "flopscope.numpy.linalg", "flopscope.numpy.fft",
                            "flopscope.numpy.random", "flopscope.stats", "flopscope.errors"})
REFUSED_MODULES = frozenset({"numpy", "ctypes", "_ctypes", "gc", "threading", "_thread", "multiprocessing",
                             "concurrent", "subprocess", "_posixsubprocess", "socket", "_socket", "signal",
                             "importlib", "inspect", "_testcapi", "_xxsubinterpreters", "faulthandler", "cffi"})
_AUDIT_REFUSED_PREFIXES = ("ctypes.", "socket.", "subprocess.", "os.exec", "os.spawn", "os.posix_spawn")
_AUDIT_REFUSED = frozenset({"gc.get_objects", "gc.get_referrers", "gc.get_referents", "sys.settrace",
                            "sys.setprofile", "os.fork", "os.forkpty", "os.system", "os.kill", "os.killpg",
                            "sys._current_frames", "_thread.start_new_thread"})


def _trusted_roots() -> tuple[str, ...]:
    import sysconfig

    import numpy

    roots = {os.path.dirname(os.path.dirname(os.path.abspath(__file__))), os.path.dirname(numpy.__file__)}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(key)
        if path:
            roots.add(os.path.realpath(path))
            roots.add(path)
    return tuple(sorted(r.rstrip(os.sep) + os.sep for r in roots))


def _is_trusted(filename: str) -> bool:
    return (filename.startswith("<frozen") or filename.startswith(_STATE["roots"])
            or filename in _STATE.get("trusted_files", ()))


def _globals_trusted(g: Any) -> bool:
    """Whether code running with these globals is a trusted module's (by its file, or
    by the file of the module its ``__name__`` names); code without either is not."""
    if not isinstance(g, dict):
        return False
    where = g.get("__file__")
    if not isinstance(where, str):
        module = sys.modules.get(g.get("__name__")) if isinstance(g.get("__name__"), str) else None
        where = getattr(module, "__file__", None) if module is not None and vars(module) is g else None
    return isinstance(where, str) and _is_trusted(os.path.abspath(where))


def _solver_frame(depth: int = 2):
    """The innermost frame that is not Python's import machinery or this module."""
    f = sys._getframe(depth)
    while f is not None and (f.f_code.co_filename.startswith("<frozen") or f.f_code.co_filename == __file__):
        f = f.f_back
    return f


def _from_solver(depth: int = 3) -> bool:
    f = _solver_frame(depth)
    return f is not None and not _is_trusted(f.f_code.co_filename)


def _exec_by_trusted() -> bool:
    """Code without a file of its own (``exec`` of a string) is judged by the first frame
    with a file that runs it: SciPy's lazy loaders are trusted, a solver's exec is not."""
    f = sys._getframe(2)
    while f is not None:
        name = f.f_code.co_filename
        if not name.startswith("<") and name != __file__:
            return f.f_globals.get("__file__") is not None and _is_trusted(os.path.abspath(name))
        f = f.f_back
    return False


def _module_refused(name: str) -> str | None:
    top = name.split(".", 1)[0]
    if top in REFUSED_MODULES:
        return f"import {name} is refused in lockdown: solver code uses flopscope.numpy, not {top}"
    if top == "flopscope" and name not in PUBLIC_MODULES:
        return (f"import {name} is refused in lockdown: only flopscope, flopscope.numpy (linalg, fft, random), "
                "flopscope.stats and flopscope.errors are for solver code")
    return None


_QUIET = frozenset({"sys._getframe", "object.__getattr__", "builtins.id"})


def _audit(event: str, args: tuple) -> None:
    if event in _QUIET or getattr(_BUSY, "on", False):
        return  # (every metered call reads its call site: these come on every call; nothing here to refuse)
    if event == "open":
        _check_open(args)
        return
    if event == "import":
        _BUSY.on = True
        try:
            name = args[0]
            why = _module_refused(name) if isinstance(name, str) else None
            if why and _from_solver(3):
                raise LockdownError(why)
        finally:
            _BUSY.on = False
        return
    if event in _AUDIT_REFUSED or event.startswith(_AUDIT_REFUSED_PREFIXES):
        raise LockdownError(f"{event} is refused in lockdown: it would reach outside the meter")


def _check_open(args: tuple) -> None:
    path, mode, flags = (list(args) + [None, None, None])[:3]
    writing = False
    if isinstance(mode, str):
        writing = any(c in mode for c in "wax+")
    elif isinstance(flags, int):
        writing = bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC))
    if not writing or path is None or isinstance(path, int):
        return
    scratch = _STATE.get("scratch")
    target = os.path.realpath(os.fsdecode(path))
    if scratch is not None and (target + os.sep).startswith(scratch):
        return
    if target.endswith(".pyc") and os.sep + "__pycache__" + os.sep in target:
        raise LockdownError("no bytecode caches are written in lockdown")
    raise LockdownError(f"writing {os.fsdecode(path)!r} is refused in lockdown: only the scratch folder is writable"
                        + ("" if scratch else " (none was given)"))


def _guarded_import(original):
    def __import__(name, globals=None, locals=None, fromlist=(), level=0):  # noqa: A001 - builtins' signature
        if globals is None:
            globals = sys._getframe(1).f_globals  # __import__("x") called without them: the caller's
        if level == 0 and isinstance(name, str) and not _globals_trusted(globals) and not _exec_by_trusted():
            if True:
                why = _module_refused(name)
                if why is None and name.split(".", 1)[0] == "flopscope":
                    for item in fromlist or ():
                        if isinstance(item, str) and item != "*" and f"{name}.{item}" not in PUBLIC_MODULES \
                                and _is_module_name(f"{name}.{item}"):
                            why = _module_refused(f"{name}.{item}")
                            break
                if why:
                    raise LockdownError(why)
        return original(name, globals, locals, fromlist, level)

    return __import__


def _is_module_name(name: str) -> bool:
    return name in sys.modules or name.count(".") >= 1 and name.split(".")[1] in {"runtime", "costs", "analyzer",
                                                                               "check", "cli", "contract", "queries",
                                                                               "reference"}


def _refuse(what: str):
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise LockdownError(f"{what} is refused in lockdown")

    return refused


# ---------------------------------------------------------------------- frozen classes


class Lockable(type):
    """The metaclass of flopscope's public classes: attributes cannot be set or deleted
    once lockdown is on."""

    def __setattr__(cls, name: str, value: Any) -> None:
        if _STATE["on"]:
            raise LockdownError(f"setting {cls.__name__}.{name} is refused in lockdown: flopscope's classes are frozen")
        type.__setattr__(cls, name, value)

    def __delattr__(cls, name: str) -> None:
        if _STATE["on"]:
            raise LockdownError(f"deleting {cls.__name__}.{name} is refused in lockdown: flopscope's classes are frozen")
        type.__delattr__(cls, name)


def _snapshot() -> tuple:
    from flopscope.costs import OPS
    from flopscope.runtime import array, context, dispatch, symmetric

    classes = (array.FlopscopeArray, symmetric.SymmetricTensor, context.BudgetContext, context.BudgetView,
               context.namespace)
    table = tuple((spec.name, id(spec), spec.category, id(spec.cost_rule), id(spec.shape_rule), id(spec.params)) for spec in OPS)
    modules = tuple((m.__name__, tuple(sorted((k, id(v)) for k, v in vars(m).items() if callable(v))))
                    for m in (dispatch, context))
    return (tuple((c.__name__, tuple(sorted((k, id(v)) for k, v in vars(c).items()))) for c in classes), table,
            modules)


def verify() -> None:
    """In lockdown: raise LockdownError if flopscope's classes, cost table or runtime
    functions changed since lockdown (called at the end of every BudgetContext)."""
    if _STATE["on"] and _snapshot() != _STATE["snapshot"]:
        raise LockdownError("flopscope's classes or cost table were modified during the run: the run is void")


def is_on() -> bool:
    return _STATE["on"]


def lockdown(scratch_dir: str | os.PathLike | None = None, trusted_files: list | tuple = ()) -> None:
    """Lock this process down for a judged run (see the module's docstring). Call it
    before importing the solver; it cannot be undone. ``scratch_dir`` is the one
    folder solver code may write to; ``trusted_files`` are files of the judge's own
    (a task's module) that are not solver code."""
    if _STATE["on"]:
        return
    import _thread
    import importlib
    import signal

    import flopscope.numpy  # noqa: F401 - everything the solver may use is loaded before the doors close
    import flopscope.numpy.fft  # noqa: F401
    import flopscope.numpy.linalg  # noqa: F401
    import flopscope.numpy.random  # noqa: F401
    try:
        import flopscope.stats  # noqa: F401 - and SciPy's special functions behind it
        import scipy.special  # noqa: F401
    except ImportError:
        pass
    import flopscope

    for name in flopscope.__all__:  # flopscope's names load on first use: all of them now
        if name != "stats" or "flopscope.stats" in sys.modules:
            getattr(flopscope, name)

    _STATE["roots"] = _trusted_roots()
    _STATE["trusted_files"] = frozenset(os.path.abspath(os.fspath(f)) for f in trusted_files)
    _STATE["scratch"] = None if scratch_dir is None else os.path.realpath(os.fspath(scratch_dir)) + os.sep
    _STATE["snapshot"] = _snapshot()
    builtins.__import__ = _guarded_import(builtins.__import__)
    _thread.start_new_thread = _refuse("starting a thread")
    threading._start_new_thread = _refuse("starting a thread")  # type: ignore[attr-defined]
    signal.signal = _refuse("installing a signal handler")
    signal.set_wakeup_fd = _refuse("signal.set_wakeup_fd")
    importlib.reload = _refuse("importlib.reload")
    _STATE["on"] = True
    sys.addaudithook(_audit)
