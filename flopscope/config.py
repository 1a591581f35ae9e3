"""``[tool.flopscope]`` in ``pyproject.toml``: the options a project gives every run.

``flopscope analyze`` and ``flopscope check`` read the nearest ``pyproject.toml``
holding a ``[tool.flopscope]`` table, looking in the current folder and then its
parents (``--config FILE`` names one; ``--no-config`` reads none)::

    [tool.flopscope]
    shapes = ["w=256,L=32,B=2.72e11"]   # symbols and their values, for every file
    contract = "estimator"              # how every file is run (or entry / args)
    budget = "2.72e11"                  # check every total against this
    select = ["FS1"]                    # the diagnostic codes reported (prefixes)
    ignore = ["FS116", "FS126"]         # ... minus these
    exclude = ["tests/**", "build/**"]  # never analyzed

    [tool.flopscope.per-file."scripts/*.py"]   # for the files matching a glob
    contract = "none"                   # run as a script ("none" undoes the default)
    shapes = ["n=256"]

A per-file table applies to the files its glob matches (relative to the folder of
the ``pyproject.toml``: ``*`` within a folder, ``**`` across folders, a pattern
without ``/`` matches the file name in any folder), in the order written, over the
table's defaults; the command line wins over both. Shapes merge symbol by symbol
(``--shapes B=1e9`` changes B and keeps the configured w and L); select, ignore and
exclude add up. An unknown key or a value of the wrong kind is an error that names it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

CONFIG_FILE = "pyproject.toml"
_RUN_KEYS = {"shapes", "contract", "entry", "args", "budget", "select", "ignore", "timeout", "max-memory"}
_TOP_KEYS = _RUN_KEYS | {"exclude", "per-file"}
_CONTRACTS = ("estimator", "none")


class ConfigError(Exception):
    """A configuration flopscope cannot use: the message names the file and the key."""


@dataclass
class RunOptions:
    """What one file is analyzed with; None where nothing was said."""

    shapes: list = field(default_factory=list)
    contract: str | None = None
    entry: str | None = None
    args: list = field(default_factory=list)
    budget: str | None = None
    select: list = field(default_factory=list)
    ignore: list = field(default_factory=list)
    timeout: float | None = None
    max_memory: float | None = None


@dataclass
class Config:
    path: Path | None  # the pyproject.toml read, or None
    defaults: RunOptions = field(default_factory=RunOptions)
    per_file: list = field(default_factory=list)  # [(glob, RunOptions)]
    exclude: list = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.path.parent if self.path is not None else Path.cwd()

    def options_for(self, file: str | os.PathLike) -> RunOptions:
        """The table's defaults, then every per-file table whose glob matches ``file``."""
        options = replace(self.defaults, shapes=list(self.defaults.shapes), args=list(self.defaults.args),
                          select=list(self.defaults.select), ignore=list(self.defaults.ignore))
        rel = relative_posix(file, self.root)
        for pattern, more in self.per_file:
            if glob_match(rel, pattern):
                options = merge(options, more)
        return options

    def excluded(self, file: str | os.PathLike, extra: list | None = None) -> bool:
        """Excluded by the table (globs relative to its folder) or by ``extra``, the
        command line's globs (relative to the current folder)."""
        rel = relative_posix(file, self.root)
        here = relative_posix(file, Path.cwd())
        return any(glob_match(rel, p) for p in self.exclude) or any(glob_match(here, p) for p in extra or [])


def merge(base: RunOptions, over: RunOptions) -> RunOptions:
    """``over`` wins where it says something; shapes merge by symbol; lists add up."""
    return RunOptions(
        shapes=merge_shapes(base.shapes, over.shapes),
        contract=over.contract if over.contract is not None else base.contract,
        entry=over.entry if over.entry is not None else base.entry,
        args=_merge_args(base.args, over.args),
        budget=over.budget if over.budget is not None else base.budget,
        select=[*base.select, *over.select],
        ignore=[*base.ignore, *over.ignore],
        timeout=over.timeout if over.timeout is not None else base.timeout,
        max_memory=over.max_memory if over.max_memory is not None else base.max_memory,
    )


def merge_shapes(*specs: list) -> list:
    """Several ``--shapes`` lists as one, a later value of a symbol replacing an earlier."""
    values: dict[str, str | None] = {}
    for spec_list in specs:
        for spec in spec_list:
            for part in str(spec).split(","):
                part = part.strip()
                if not part:
                    continue
                name, _, value = part.partition("=")
                values.pop(name.strip(), None)  # (re-inserted last: the latest order wins)
                values[name.strip()] = value.strip() if _ else None
    if not values:
        return []
    return [",".join(name if value is None else f"{name}={value}" for name, value in values.items())]


def _merge_args(base: list, over: list) -> list:
    names = {a.split("=", 1)[0].strip() for a in over}
    return [a for a in base if a.split("=", 1)[0].strip() not in names] + list(over)


def relative_posix(file: str | os.PathLike, root: Path) -> str:
    path = Path(os.path.abspath(file))
    try:
        return path.relative_to(root.resolve() if not root.is_absolute() else root).as_posix()
    except ValueError:
        try:
            return path.relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def glob_match(rel: str, pattern: str) -> bool:
    """``*`` and ``?`` within one folder, ``**`` across folders; a pattern without ``/``
    matches the file's name (or a folder's) wherever it is."""
    pattern = pattern.strip().removeprefix("./")
    if pattern.endswith("/"):
        pattern += "**"
    if "/" not in pattern:
        return any(re.fullmatch(_glob_regex(pattern), part) for part in rel.split("/"))
    return re.fullmatch(_glob_regex(pattern) + "(?:/.*)?", rel) is not None  # (a folder: what is in it too)


def _glob_regex(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        out.append("[^/]*" if c == "*" else "[^/]" if c == "?" else re.escape(c))
        i += 1
    return "".join(out)


# ---------------------------------------------------------------------- reading


def find_config(start: str | os.PathLike | None = None) -> Path | None:
    """The nearest pyproject.toml with a [tool.flopscope] table, from ``start`` up."""
    here = Path(os.path.abspath(start or os.getcwd()))
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            try:
                if "flopscope" in _read_toml(candidate).get("tool", {}):
                    return candidate
            except ConfigError:
                raise
    return None


def load(path: str | os.PathLike | None = None, *, search_from: str | os.PathLike | None = None,
         explicit: bool = False) -> Config:
    """The configuration at ``path``, else the nearest one; an empty one if there is none.
    ``explicit``: ``path`` was named by the user (it must exist and hold the table)."""
    if path is None:
        path = find_config(search_from)
        if path is None:
            return Config(None)
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    data = _read_toml(path).get("tool", {}).get("flopscope")
    if data is None:
        if explicit:
            raise ConfigError(f"{path}: no [tool.flopscope] table")
        return Config(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [tool.flopscope] must be a table")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ConfigError(f"{path}: [tool.flopscope]: unknown key {unknown[0]!r} "
                          f"(known: {', '.join(sorted(_TOP_KEYS))})")
    config = Config(path, _run_options(path, "[tool.flopscope]", data), [], _strings(path, "exclude", data))
    per_file = data.get("per-file", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{path}: [tool.flopscope.per-file] must be a table of glob = {{options}}")
    for pattern, table in per_file.items():
        where = f"[tool.flopscope.per-file.{pattern!r}]"
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {where} must be a table")
        unknown = sorted(set(table) - _RUN_KEYS)
        if unknown:
            raise ConfigError(f"{path}: {where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_RUN_KEYS))})")
        config.per_file.append((pattern, _run_options(path, where, table)))
    return config


def _read_toml(path: Path) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the file ({err.strerror})") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid TOML: the file is not UTF-8") from None


def _run_options(path: Path, where: str, table: dict) -> RunOptions:
    contract = _string(path, where, "contract", table)
    if contract is not None and contract not in _CONTRACTS:
        raise ConfigError(f"{path}: {where}: contract = {contract!r}: known contracts are "
                          f"{', '.join(repr(c) for c in _CONTRACTS)}")
    budget = table.get("budget")
    if budget is not None and (isinstance(budget, bool) or not isinstance(budget, (int, float, str))):
        raise ConfigError(f"{path}: {where}: budget must be a number of FLOPs (a number or a string such as '1e9')")
    # checked here, by the parsers of the command line's own options, so that an error
    # names this file and key rather than an option nobody typed
    from flopscope.analyzer.argspec import UsageError, parse_budget, parse_shapes, split_arg

    shapes = _strings(path, "shapes", table, where)
    args = _strings(path, "args", table, where)
    for key, check in (("shapes", lambda: parse_shapes(shapes)),
                       ("budget", lambda: budget is None or parse_budget(budget)),
                       ("args", lambda: [split_arg(a) for a in args])):
        try:
            check()
        except UsageError as err:
            raise ConfigError(f"{path}: {where}: {key}: {str(err).split(': ', 1)[-1]}") from None
    return RunOptions(
        shapes=shapes,
        contract=contract,
        entry=_string(path, where, "entry", table),
        args=args,
        budget=None if budget is None else str(budget),
        select=_codes(path, where, "select", table),
        ignore=_codes(path, where, "ignore", table),
        timeout=_number(path, where, "timeout", table),
        max_memory=_number(path, where, "max-memory", table),
    )


def _string(path: Path, where: str, key: str, table: dict) -> str | None:
    value = table.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigError(f"{path}: {where}: {key} must be a string, got {value!r}")
    return value


def _strings(path: Path, key: str, table: dict, where: str = "[tool.flopscope]") -> list:
    value = table.get(key, [])
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {where}: {key} must be a string or a list of strings, got {value!r}")
    return list(value)


def _codes(path: Path, where: str, key: str, table: dict) -> list:
    codes = _strings(path, key, table, where)
    for code in codes:
        if not re.fullmatch(r"FS\d{0,3}", code):
            raise ConfigError(f"{path}: {where}: {key}: {code!r} is not a diagnostic code or prefix (FS105, FS1)")
    return codes


def _number(path: Path, where: str, key: str, table: dict) -> float | None:
    value: Any = table.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigError(f"{path}: {where}: {key} must be a non-negative number, got {value!r}")
    return float(value)
