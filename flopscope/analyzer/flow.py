"""Control flow: branches and loops, and the closed forms they are summed in.

* ``if`` on sizes picks its branch (``Piecewise`` when a symbol has no value);
  ``if`` on array data takes the costlier branch, labelled an upper bound;
* ``for`` over ``range`` with symbolic bounds is analyzed once with a symbolic
  index and its events summed in closed form (:mod:`flopscope.analyzer.loops`);
  state the body changes is followed by induction, or the loop is followed
  iteration by iteration at the given sizes, or its cost is reported unknown;
* ``for`` over lists, tuples, ``zip``/``enumerate`` of known length is unrolled;
* ``while`` is followed iteration by iteration at the given sizes.

Statements (flopscope.analyzer.statements) provide ``assign`` and ``exec_body``.
"""

from __future__ import annotations

import dataclasses

import libcst as cst
import sympy

from flopscope.analyzer import loops as L
from flopscope.analyzer.builtins import Builtins
from flopscope.analyzer.facts import UNROLL_LIMIT, WHILE_LIMIT

COMPACT_EVERY = 2048  # events a loop followed one iteration at a time gathers before they are added up per site
SMALL_RUN = 64  # a list grown by a loop of at most this many (numbered) iterations holds its items
from flopscope.analyzer.model import BOUND, UNKNOWN, Event, worse
from flopscope.analyzer.record import (
    MISSING,
    Scope,
    BreakSignal,
    ContinueSignal,
    RaiseSignal,
    ReturnSignal,
    entry_values,
    get_slot,
    list_lengths_before,
    set_slot,
    snapshot_writes,
    touch,
    undo_writes,
)
from flopscope.analyzer.values import (
    Array,
    Dict,
    List,
    Range,
    Scalar,
    Str,
    Tuple,
    Unknown,
    Value,
    forget,
    generalize,
    key_value,
    mentions,
    plain_dim,
    same_value,
    subs_value,
)
from flopscope.analyzer.values import _ids as _array_ids


class Flow(Builtins):
    """Branches and loops over the statements' runners."""

    def branch(self, node, test, run_then, run_else, scope: Scope) -> None:
        cond_value = self.eval(test, scope)
        decision = self.decide(cond_value)
        if decision is True:
            run_then()
            return
        if decision is False:
            run_else()
            return
        if decision is None:
            self.data_branch(node, run_then, run_else, scope)
            return
        self.symbolic_branch(node, decision, run_then, run_else, scope)

    def symbolic_branch(self, node, cond, run_then, run_else, scope: Scope) -> None:
        """A condition on symbols without values: each branch's cost weighted by Piecewise."""
        mark = len(self.events)
        then_events, then_state, then_exit = self.run_isolated(run_then, mark)
        else_events, else_state, else_exit = self.run_isolated(run_else, mark)
        exits = [sig for sig in (then_exit, else_exit) if sig is not None]
        for ev in then_events:
            self.events.append(_weight(ev, cond))
        for ev in else_events:
            self.events.append(_weight(ev, sympy.Not(cond)))
        self.merge_states(then_state, else_state, cond, node)
        if exits:
            loop_vars = {b.var for b in self.loop_bounds}
            free = sympy.sympify(cond).free_symbols
            if (free & loop_vars and not any(x not in self.substitution for x in free - loop_vars)
                    and self.index_points() is not None):
                # The exit depends on a loop index, every size has a value: the loops over
                # those indices (and the loop a break or continue leaves) are followed
                # iteration by iteration, where the exit is decided.
                self.mark_trouble(free & loop_vars)
                if any(not isinstance(sig, ReturnSignal) for sig in exits) and self.loop_trouble:
                    self.loop_trouble[-1] = True
            self.diag(node, "FS114", "info", "a branch on a symbol without value leaves early: the enclosing loop or function is an upper bound")
            for sig in exits:
                self.note_exit(sig)

    def data_branch(self, node, run_then, run_else, scope: Scope) -> None:
        """A condition on array data: analyze both, keep the costlier, label an upper bound."""
        mark = len(self.events)
        region = next(self._regions)
        self.region_stack.append(region)
        self.label_stack.append(BOUND)
        try:
            results = [self.run_isolated(runner, mark) for runner in (run_then, run_else)]
        finally:
            self.label_stack.pop()
            self.region_stack.pop()
        (then_evs, then_state, then_exit), (else_evs, else_state, else_exit) = results
        t_then = sympy.Add(*[e.total for e in then_evs if e.kind == "charge"])
        t_else = sympy.Add(*[e.total for e in else_evs if e.kind == "charge"])
        keep = self.costliest_of([t_then, t_else])
        kept = [evs for k, evs in enumerate((then_evs, else_evs)) if k in keep]
        dropped = [ev for k, evs in enumerate((then_evs, else_evs)) if k not in keep for ev in evs]
        for evs in kept:
            self.events.extend(evs)
        for ev in dropped:  # the sites of the other branch, so that a check can place them
            self.events.append(ev.scaled(total=sympy.Integer(0), count=sympy.Integer(0), label=BOUND))
        self.merge_states(then_state, else_state, None, node)
        self.diag(node, "FS105", "info", "this branch depends on array data: the costlier branch is counted (an upper bound)")
        if then_exit and else_exit and type(then_exit) is type(else_exit) and not isinstance(then_exit, ReturnSignal):
            raise then_exit  # both branches break (or continue, or raise): so does the code around them
        for sig in (then_exit, else_exit):
            if sig is not None:
                self.note_exit(sig)

    def costliest(self, node, runners: list, propagate: bool = True) -> list:
        """One of several alternatives runs (the handlers of a try, its else): analyze each,
        keep the costliest's events (the others' sites at 0, for check to place them), and
        merge what they set. Labels and the bound region are the caller's. Returns how each
        left (a signal or None); with ``propagate``, if all leave the same way, so does this."""
        mark = len(self.events)
        results = [self.run_isolated(runner, mark) for runner in runners]
        totals = [sympy.Add(*[e.total for e in evs if e.kind == "charge"]) for evs, _s, _x in results]
        keep = self.costliest_of(totals)
        for k, (evs, _state, _exit) in enumerate(results):
            if k in keep:
                self.events.extend(evs)
            else:
                self.events.extend(ev.scaled(total=sympy.Integer(0), count=sympy.Integer(0), label=BOUND) for ev in evs)
        states = [state for _evs, state, _exit in results]
        merged = states[0]
        for other in states[1:]:
            keys = list(dict.fromkeys(list(merged) + list(other)))
            combined = {}
            for key in keys:
                a = merged.get(key, MISSING)
                b = other.get(key, MISSING)
                a = get_slot(*key) if a is MISSING else a
                b = get_slot(*key) if b is MISSING else b
                combined[key] = self.merge_values(a, b, None)
            merged = combined
        for (container, slot), value in merged.items():
            self.write(container, slot, value)
        exits = [x for _evs, _state, x in results]
        if propagate and all(x is not None and type(x) is type(exits[0]) for x in exits) and not isinstance(exits[0], ReturnSignal):
            raise exits[0]
        for sig in exits:
            if sig is not None:
                self.note_exit(sig)
        return exits

    def run_isolated(self, runner, mark: int, probe: bool = False) -> tuple:
        """Run one branch and take it back out: (its events, the state it wrote, the
        return/break/continue it left by or None). The state before it is restored;
        with ``probe`` (a trial run that must leave no trace) list appends are too."""
        self.write_logs.append([])
        if probe:
            self.append_logs.append([])
        exit_sig = None
        try:
            runner()
        except (ReturnSignal, BreakSignal, ContinueSignal, RaiseSignal) as sig:
            exit_sig = sig
        finally:
            if probe:
                for lst, n_before in list_lengths_before(self.append_logs.pop()):
                    del lst.items[n_before:]
        log = self.pop_write_log()
        state = snapshot_writes(log)
        undo_writes(log)
        events = self.events[mark:]
        del self.events[mark:]
        return events, state, exit_sig

    def note_exit(self, sig) -> None:
        """A branch that may leave early: its loop (break/continue), its function (return)
        or the program (raise) then runs less than analyzed, so that part is an upper bound."""
        if isinstance(sig, RaiseSignal):
            # what follows may not run: the rest of this function, or of the module, is a bound
            self.label_stack[-1] = worse(self.label_stack[-1], BOUND)
            if self.func_stack:
                self.func_stack[-1].early = True
            return
        if isinstance(sig, ReturnSignal):
            if self.func_stack:
                frame = self.func_stack[-1]
                frame.returns.append(sig.value)
                frame.early = True
        elif self.loop_flags:
            self.loop_flags[-1].add("break" if isinstance(sig, BreakSignal) else "continue")

    def merge_states(self, then_state: dict, else_state: dict, cond, node) -> None:
        """After a branch: a variable set differently in the two branches."""
        keys = list(dict.fromkeys(list(then_state) + list(else_state)))
        for key in keys:
            container, slot = key
            a = then_state.get(key, MISSING)
            b = else_state.get(key, MISSING)
            if a is MISSING:
                a = get_slot(container, slot)
            if b is MISSING:
                b = get_slot(container, slot)
            self.write(container, slot, self.merge_values(a, b, cond))

    def merge_values(self, a, b, cond) -> Value:
        if a is b or a is MISSING or b is MISSING:
            return b if a is MISSING else a
        if isinstance(a, Scalar) and isinstance(b, Scalar):
            if a.known and b.known:
                ea, eb = sympy.sympify(a.expr), sympy.sympify(b.expr)
                if ea == eb:
                    return a
                if cond is not None:
                    return Scalar(sympy.Piecewise((a.expr, cond), (b.expr, True)), a.kind)
                if a.kind == b.kind == "int" and ea.is_nonnegative and eb.is_nonnegative:
                    # one of two sizes, as the data decides: a data size at most the larger
                    return Scalar(self.either_size(ea, eb), "int")
            return Scalar(None, a.kind)
        if isinstance(a, Array) and isinstance(b, Array) and len(a.shape) == len(b.shape):
            loose = a.loose or b.loose
            dims = []
            for x, y in zip(a.shape, b.shape):
                if sympy.sympify(x) == sympy.sympify(y):
                    dims.append(x)
                elif cond is not None:
                    dims.append(sympy.Piecewise((x, cond), (y, True)))
                else:
                    dims.append(sympy.Max(x, y))  # costs grow with every dimension: an upper bound
                    loose = True
            return Array(tuple(dims), a.metered or b.metered, a.dtype, symmetry=a.symmetry if a.symmetry == b.symmetry else (),
                         loose=loose)
        if cond is None and {type(a), type(b)} == {Array, Scalar}:
            arr, num = (a, b) if isinstance(a, Array) else (b, a)
            if not arr.shape and arr.metered and num.kind in ("int", "float", "bool"):
                # a Python number on one path, a 0-d metered array on the other (`s = 0.0`,
                # then `s = fnp.sum(x)` in a handler): charged as the array, an upper bound
                return Array((), True, arr.dtype, loose=True)
        if type(a) is type(b) and isinstance(a, (Tuple,)) and len(a.items) == len(b.items):
            return Tuple(tuple(self.merge_values(x, y, cond) for x, y in zip(a.items, b.items)))
        return Unknown("set differently in the two branches of an if")

    def either_size(self, a, b):
        """The data size that is ``a`` or ``b`` (one per pair, so that loops settle)."""
        key = ("either", sympy.srepr(a), sympy.srepr(b))
        sym = self.stable_sizes.get(key)
        if sym is None:
            sym = self.data_dim(sympy.Max(a, b), f"{a} or {b}, as the data decides")
            self.stable_sizes[key] = sym
        return sym

    def for_loop(self, node, target, iterable: Value, run_body, scope: Scope) -> None:
        if isinstance(iterable, Range):
            self.range_loop(node, target, iterable, run_body, scope)
            return
        items = self.iteration_items(iterable, node)
        if items is None and isinstance(iterable, Array) and iterable.shape:
            # for row in A: the rows A[0], A[1], ... of a symbolic count, as range(A.shape[0])
            rows = sympy.sympify(iterable.shape[0])
            self.summed_loop(node, target, sympy.Integer(0), sympy.Integer(1), rows, run_body, scope,
                             item_of=lambda i: self.index_array(iterable, (Scalar(i, "int"),), node), stop=rows)
            return
        if items is None:
            if isinstance(iterable, List) and not iterable.concrete:
                self.list_family_loop(node, target, iterable, run_body, scope)
                return
            self.assign(target, Unknown("an element of a sequence the analyzer cannot follow"), scope, node)
            self.unknown_loop(node, run_body, "iterates over a sequence of unknown length")
            return
        self.iterate(node, target, items, run_body, scope)

    def iteration_items(self, iterable: Value, node) -> list | None:
        if isinstance(iterable, (Tuple,)):
            return list(iterable.items)
        if isinstance(iterable, List):
            return list(iterable.items) if iterable.concrete else None
        if isinstance(iterable, Dict) and iterable.complete:
            return [key_value(k) for k in iterable.items]
        if isinstance(iterable, Str) and iterable.known:
            return [Str(c) for c in iterable.value]
        if isinstance(iterable, Array) and iterable.shape:
            n = self.numeric(iterable.shape[0])
            if n is not None and sympy.sympify(iterable.shape[0]).is_Integer and int(n) <= UNROLL_LIMIT:
                return [self.index_array(iterable, (Scalar(sympy.Integer(k)),), node) for k in range(int(n))]
            return None
        return None

    def unknown_loop(self, node, run_body, why: str, mark: int | None = None) -> None:
        """A loop whose number of iterations the analysis cannot tell: its body's sites
        are found, and their cost is unknown.

        A first run that leaves no trace finds what the body changes; the body is then
        analyzed with those values as a later iteration may see them (a number the data
        decides, a list of unknown length), so that a decision on them takes both ways
        and no site is missed. ``mark`` includes earlier events in the unknown part (a
        while's condition)."""
        mark = len(self.events) if mark is None else mark
        first = len(self.events)
        self.write_logs.append([])
        self.append_logs.append([])
        try:
            run_body()
        except (BreakSignal, ContinueSignal, ReturnSignal, RaiseSignal):
            pass
        finally:
            log = self.pop_write_log()
            appends = self.append_logs.pop()
        changed, entry = snapshot_writes(log), entry_values(log)
        grown = [(lst, lst.items[n:]) for lst, n in list_lengths_before(appends)]
        undo_writes(log)
        for lst, n_before in list_lengths_before(appends):
            del lst.items[n_before:]
        del self.events[first:]
        for key, new in changed.items():
            old = entry.get(key, MISSING)
            if old is not MISSING and not same_value(old, new):
                self.write(key[0], key[1], generalize(old, new))
        for lst, items in grown:
            if items:
                touch(lst)
                count = self.data_dim(None, "items a loop of unknown length appends")
                lst.runs.extend((count, item, None, sympy.Integer(0), sympy.Integer(1)) for item in items)
        self.write_logs.append([])
        try:
            run_body()
        except (BreakSignal, ContinueSignal, ReturnSignal, RaiseSignal):
            pass
        log = self.pop_write_log()
        changed, entry = snapshot_writes(log), entry_values(log)
        for (container, slot), value in changed.items():
            old = entry.get((container, slot), MISSING)
            if old is MISSING or not same_value(old, value):
                self.write(container, slot, forget(value) if old is MISSING else generalize(old, value))
        for i in range(mark, len(self.events)):
            ev = self.events[i]
            sym = self.unknown_symbol(ev.site, ev.op)
            self.events[i] = ev.scaled(count=sympy.Symbol(f"count{sym.name[7:]}", nonnegative=True), total=sym, label=UNKNOWN)
        self.diag(node, "FS104", "warning", f"this loop {why}: the cost of its body is unknown")

    def range_loop(self, node, target, rng: Range, run_body, scope: Scope) -> None:
        start, stop, step = rng.start, rng.stop, rng.step
        if not all(isinstance(x, Scalar) and x.known for x in (start, stop, step)):
            self.assign(target, Scalar(None, "int"), scope, node)
            self.unknown_loop(node, run_body, "has range bounds that depend on array data")
            return
        a, b, c = (sympy.sympify(x.expr) for x in (start, stop, step))
        if not c.is_Integer or c == 0:
            cv = self.numeric(c)
            if cv is None or cv == 0:
                self.assign(target, Scalar(None, "int"), scope, node)
                self.unknown_loop(node, run_body, "has a symbolic range step")
                return
            c = sympy.Integer(int(cv))
        self.summed_loop(node, target, a, c, L.trip_count(a, b, c), run_body, scope, stop=b)

    def summed_loop(self, node, target, a, c, trips, run_body, scope: Scope, item_of=None, stop=None,
                    hi_bound=None) -> None:
        """A loop of ``trips`` iterations with index a + c*t, its body's cost summed in closed form.

        ``item_of(index)`` gives the loop target's value (the index itself by default).
        """
        nonneg = L.provably_nonnegative(trips, self.loop_bounds)
        if trips.is_number and int(trips) <= 0:
            return  # an empty range: nothing runs
        var = self.fresh_index(target if item_of is None else "k")
        last = a + c * (trips - 1)
        lo, hi = (a, last) if c > 0 else (last, a)
        # range(a, stop, c): the stop gives a looser, simpler bound for proofs (var <= stop - 1)
        loose = {}
        if stop is not None:
            loose = {"hi_bound": stop - 1} if c > 0 else {"lo_bound": stop + 1}
        elif hi_bound is not None:
            loose = {"hi_bound": hi_bound}
        args = (node, target, var, a, c, trips, lo, hi, run_body, scope, loose)
        status, varying = self.symbolic_loop_pass(*args, carried=None, item_of=item_of)
        if status == "ok":
            self.finish_loop(node, nonneg, trips)
            return
        if status == "changed":
            promoted = self.promotions(varying, node, target, a, run_body, scope, item_of)
            if promoted:
                # total = 0.0; for ...: total = total + fnp.sum(x): the Python number becomes a
                # 0-d metered array in the first iteration and stays one. The first iteration
                # costs the same either way (checked), so the loop is summed with the array
                # from the start; after the loop it is the array if the loop surely ran.
                runs = self.loop_runs(node, trips)
                before = {key: get_slot(*key) for key in promoted}
                for (container, slot), value in promoted.items():
                    self.write(container, slot, value)
                status, varying = self.symbolic_loop_pass(*args, carried=None, item_of=item_of)
                if status == "ok":
                    self.finish_loop(node, nonneg, trips)
                    if runs is not True:
                        # the loop did not run (the numbers stay Python numbers), or may not
                        for (container, slot), old in before.items():
                            after = get_slot(container, slot)
                            self.write(container, slot, old if runs is False else self.merge_values(old, after, None))
                    return
        if status == "changed":
            # The body changes state from one iteration to the next: try induction.
            induction = self.induction(varying, var, a, c)
            if induction is not None:
                status, again = self.symbolic_loop_pass(*args, carried=induction, item_of=item_of)
                if status == "ok":
                    self.finish_loop(node, nonneg, trips)
                    return
                # The second pass did not reproduce the induction: every carried slot
                # gets its value from before the loop back (the pass set them all, as
                # functions of the index, before it ran the body).
                if status == "changed":
                    self.restore_changed(again)
                for (container, slot), (v0, _step) in induction.items():
                    set_slot(container, slot, v0)
        why = None
        if status == "trouble":
            why = ("a decision in this loop's body (a size, a condition, an einsum order) depends on its index in a way "
                   "the closed form does not follow: it was followed iteration by iteration, at the given sizes")
        self.unrolled_loop(node, target, a, c, trips, run_body, scope, item_of, why)

    def reads_grown_lists(self, mark, log, appends, target, scope, node, var, item_of, run_body) -> bool:
        """Whether the body's analysis depends on the lists it appends to: the body is run
        again (a probe that leaves no trace) with each of them one item longer, as in a
        later iteration; any difference in what it charges says it reads them."""
        first = [(e.site, e.op, sympy.srepr(sympy.sympify(e.total))) for e in self.events[mark:]]
        saved_events = self.events[mark:]
        final_state = snapshot_writes(log)
        grown = list_lengths_before(appends)
        added = {id(lst): lst.items[n_before:] for lst, n_before in grown}
        undo_writes(log)
        for lst, n_before in grown:
            del lst.items[n_before:]
            if added[id(lst)]:
                lst.items.append(added[id(lst)][0])  # one more item, as a later iteration sees
        del self.events[mark:]
        self.write_logs.append([])
        self.append_logs.append([])
        self.loop_flags.append(set())
        self.assign(target, Scalar(var, "int") if item_of is None else item_of(var), scope, node)
        try:
            run_body()
        except (RaiseSignal, ContinueSignal, BreakSignal):
            pass
        finally:
            self.loop_flags.pop()
            probe_log = self.pop_write_log()
            probe_appends = self.append_logs.pop()
        probe = [(e.site, e.op, sympy.srepr(sympy.sympify(e.total))) for e in self.events[mark:]]
        undo_writes(probe_log)
        for lst, n_before in list_lengths_before(probe_appends):
            del lst.items[n_before:]
        del self.events[mark:]
        for lst, n_before in grown:
            del lst.items[n_before:]
            lst.items.extend(added[id(lst)])
        for (container, slot), value in final_state.items():
            set_slot(container, slot, value)
        self.events.extend(saved_events)
        return probe != first

    def symbolic_loop_pass(self, node, target, var, a, c, trips, lo, hi, run_body, scope, loose, carried, item_of=None):
        """One pass over the body with a symbolic index. Returns ("ok", None) when the
        loop is summed, ("changed", state) when the body changed loop-carried state."""
        mark = len(self.events)
        if carried:
            t = (var - a) / c
            for (container, slot), (v0, step_fn) in carried.items():
                set_slot(container, slot, step_fn(t))
        self.write_logs.append([])
        self.append_logs.append([])
        self.loop_bounds.append(L.LoopBounds(var, lo, hi, a, c, trips, **loose))
        self.loop_trouble.append(False)
        self.loop_flags.append(set())
        diagnostics = dict(self.diagnostics)
        ident_mark = next(_array_ids)  # arrays made by the body have larger identities
        self.assign(target, Scalar(var, "int") if item_of is None else item_of(var), scope, node)
        try:
            run_body()
        except RaiseSignal:
            # the body raises in every iteration (at least the first): followed at the given sizes
            if self.index_points() is not None:
                self.loop_trouble[-1] = True
            else:
                self.loop_trouble[-1] = True
        except (ContinueSignal, BreakSignal) as sig:
            self.loop_flags[-1].add("continue" if isinstance(sig, ContinueSignal) else "break")
            if self.index_points() is not None:
                # an exit decided by sizes: followed at the given sizes, it is exact
                self.loop_trouble[-1] = True
        finally:
            self.loop_bounds.pop()
            trouble = self.loop_trouble.pop()
            flags = self.loop_flags.pop()
            self.loop_end = "maybe" if "break" in flags else None
            log = self.pop_write_log()
            appends = self.append_logs.pop()
        if trouble:
            # A decision in the body depends on the index (a slice bound, an einsum
            # order, a broadcast): this pass is dropped, the loop is followed at the
            # given sizes instead.
            undo_writes(log)
            for lst, n_before in list_lengths_before(appends):
                del lst.items[n_before:]
            del self.events[mark:]
            self.diagnostics = diagnostics
            return ("trouble", None)
        changed = snapshot_writes(log)
        entry = entry_values(log)
        target_names = _target_names(target)
        varying = {}
        for key, new in changed.items():
            container, slot = key
            if slot in target_names and container is scope.target_for(slot):
                continue
            old = entry[key]
            if carried and key in carried:
                expected = carried[key][1]((var - a) / c + 1)
                if not same_value(new, expected):
                    varying[key] = (carried[key][0], new)
                continue
            if old is MISSING:
                continue  # a variable first set inside the loop: its last value is fine
            if not same_value(old, new):
                varying[key] = (old, new)
        if varying:
            undo_writes(log)
            for lst, n_before in list_lengths_before(appends):
                del lst.items[n_before:]
            del self.events[mark:]
            return ("changed", varying)
        if appends and self.reads_grown_lists(mark, log, appends, target, scope, node, var, item_of, run_body):
            # the body reads a list it grows (if cols: ..., fnp.stack(cols)): what it does
            # depends on the iteration, so the loop is followed at the given sizes
            undo_writes(log)
            for lst, n_before in list_lengths_before(appends):
                del lst.items[n_before:]
            del self.events[mark:]
            self.diagnostics = diagnostics
            return ("trouble", None)
        # Lists that grew: the appended items become a run of `trips` items.
        for lst, n_before in list_lengths_before(appends):
            added = lst.items[n_before:]
            del lst.items[n_before:]
            # a new array every iteration: its items are distinct objects at runtime
            added = [dataclasses.replace(item, ident=0) if isinstance(item, Array) and item.ident > ident_mark else item
                     for item in added]
            touch(lst)
            if sympy.sympify(trips).is_Integer and int(trips) <= SMALL_RUN and not lst.runs:
                # a few iterations (a, b = (draw() for _ in range(2))): the items themselves
                lst.items.extend(subs_value(item, var, a + c * k) for k in range(int(trips)) for item in added)
                continue
            for item in added:
                lst.runs.append((trips, item, var if mentions(item, var) else None, a, c))
        if carried:
            for (container, slot), (v0, step_fn) in carried.items():
                set_slot(container, slot, step_fn(trips))
        early = ", ".join(sorted(flags))
        if early:
            self.diag(node, "FS114", "info", f"'{early}' inside this loop: its cost is an upper bound")
        for i in range(mark, len(self.events)):
            ev = self.events[i]
            total = L.sum_over_trips(ev.total, var, a, c, trips)
            count = L.sum_over_trips(ev.count, var, a, c, trips)
            label = ev.label if not early else worse(ev.label, BOUND)
            self.events[i] = ev.scaled(total=total, count=count, label=label)
        # The loop target keeps its last value after the loop.
        last = a + c * (trips - 1)
        self.assign(target, Scalar(last, "int") if item_of is None else item_of(last), scope, node)
        self._pending_mark = mark
        return ("ok", None)

    def loop_runs(self, node, trips) -> bool | None:
        """Whether a loop of ``trips`` iterations runs at least once: True or False when the
        sizes settle it (a diagnostic says when only the given values do), else None (an
        enclosing loop whose index decides it is then followed iteration by iteration)."""
        if L.provably_positive(trips, self.loop_bounds):
            return True
        loop_vars = {b.var for b in self.loop_bounds}
        free = sympy.sympify(trips).free_symbols
        if free & loop_vars:
            if self.index_points() is not None and not any(x not in self.substitution for x in free - loop_vars):
                self.mark_trouble(free & loop_vars)
            return None
        n = self.numeric(trips)
        if n is None:
            return None
        self.diag(node, "FS116", "info", "whether this loop runs at all decides whether a number it accumulates "
                  "stays a Python number: that was decided at the given sizes, where the formula holds")
        return bool(n >= 1)

    def promotions(self, varying: dict, node, target, a, run_body, scope, item_of) -> dict:
        """Loop-carried Python numbers that the body turns into 0-d metered arrays, as
        {slot: the array value}, when the first iteration charges the same with the array
        in their place (so the loop can be summed as if it held the array from the start).
        Empty if there are none, or if the first iteration would charge differently."""
        promoted = {}
        for key, (old, new) in varying.items():
            if isinstance(old, Scalar) and isinstance(new, Array) and not new.shape and new.metered:
                promoted[key] = Array((), True, new.dtype)
        if not promoted:
            return {}

        def first_iteration(state: dict):
            def run():
                for (container, slot), value in state.items():
                    self.write(container, slot, value)
                self.assign(target, Scalar(a, "int") if item_of is None else item_of(a), scope, node)
                run_body()
            return run

        mark = len(self.events)
        saved = dict(self.diagnostics)
        as_is, _state, exit_a = self.run_isolated(first_iteration({}), mark, probe=True)
        as_array, _state, exit_b = self.run_isolated(first_iteration(promoted), mark, probe=True)
        self.diagnostics = saved
        if type(exit_a) is not type(exit_b):
            return {}

        def totals(events):
            out: dict = {}
            for ev in events:
                if ev.kind == "charge":
                    k = (ev.site, ev.op)
                    out[k] = out.get(k, 0) + ev.total
            return out

        t_a, t_b = totals(as_is), totals(as_array)
        if set(t_a) != set(t_b) or any(sympy.expand(t_a[k] - t_b[k]) != 0 for k in t_a):
            return {}
        return promoted

    def finish_loop(self, node, nonneg: bool, trips) -> None:
        mark = self._pending_mark
        if nonneg:
            return
        # ceiling(x) > 0 exactly when x > 0: a condition an enclosing loop can split on
        cond = sympy.StrictGreaterThan(trips.args[0] if isinstance(trips, sympy.ceiling) else trips, 0)
        for i in range(mark, len(self.events)):
            ev = self.events[i]
            self.events[i] = ev.scaled(
                total=sympy.Piecewise((ev.total, cond), (0, True)),
                count=sympy.Piecewise((ev.count, cond), (0, True)),
            )

    def restore_changed(self, varying) -> None:
        for (container, slot), (old, _new) in varying.items():
            set_slot(container, slot, old)

    def induction(self, varying: dict, var, a, c):
        """State that changes by a fixed step each iteration: v_t = v_0 + t * delta."""
        plan = {}
        for key, (old, new) in varying.items():
            step = _linear_step(old, new, var)
            if step is None:
                return None
            plan[key] = (old, step)
        return plan

    def unrolled_loop(self, node, target, a, c, trips, run_body, scope: Scope, item_of=None, why: str | None = None) -> None:
        """Analyze each iteration at the given sizes (formula valid at these sizes)."""
        n = self.numeric(trips)
        a_num = self.numeric(a)
        if n is None or a_num is None or int(n) > UNROLL_LIMIT:
            # An enclosing loop whose index sets this range is followed iteration by
            # iteration instead (then this range has a value).
            if self.index_points() is not None:
                self.mark_trouble((sympy.sympify(trips).free_symbols | sympy.sympify(a).free_symbols)
                                  & {b.var for b in self.loop_bounds})
            self.assign(target, Scalar(None, "int") if item_of is None else Unknown("an element"), scope, node)
            self.unknown_loop(node, run_body, "changes its state from one iteration to the next in a way the analyzer cannot sum")
            return
        self.diag(node, "FS116", "info", why or "this loop changes its state each iteration: it was followed iteration by iteration, at the given sizes")
        index = [sympy.Integer(int(a_num) + int(c) * k) for k in range(max(int(n), 0))]
        items = [Scalar(i, "int") if item_of is None else item_of(i) for i in index]
        self.iterate(node, target, items, run_body, scope)

    def iterate(self, node, target, items, run_body, scope: Scope) -> None:
        """Run the body once per known item; a data-dependent early exit makes it a bound."""
        mark = len(self.events)
        self.loop_flags.append(set())
        self.append_logs.append([])
        broke = False
        try:
            for item in items:
                self.assign(target, item, scope, node)
                try:
                    run_body()
                except BreakSignal:
                    broke = True
                    break
                except ContinueSignal:
                    continue
                finally:
                    if len(self.events) - mark > COMPACT_EVERY:
                        self.compact_events(mark)
        finally:
            flags = self.loop_flags.pop()
            self.loop_end = "break" if broke else ("maybe" if "break" in flags else None)
            appended = self.append_logs.pop()
            if self.append_logs:
                self.append_logs[-1].extend(appended)  # an enclosing probe undoes them too
            if flags:
                for lst, _n in appended:
                    lst.loose = True
        if flags:
            self.diag(node, "FS114", "info", f"'{', '.join(sorted(flags))}' inside this loop: its cost is an upper bound")
            for i in range(mark, len(self.events)):
                self.events[i] = self.events[i].scaled(label=worse(self.events[i].label, BOUND))

    def list_family_loop(self, node, target, lst: List, run_body, scope: Scope) -> None:
        """``for x in xs`` where xs holds symbolic runs of items: each run is a summed loop."""
        self.iterate(node, target, list(lst.items), run_body, scope)
        for run in lst.runs:
            count, item, var = run[0], run[1], run[2]
            if var is None:
                self.summed_loop(node, target, sympy.Integer(0), sympy.Integer(1), count, run_body, scope,
                                 item_of=lambda k, item=item: item)
            else:
                start, step = run[3], run[4]
                self.summed_loop(node, target, sympy.Integer(0), sympy.Integer(1), count, run_body, scope,
                                 item_of=lambda k, item=item, var=var, start=start, step=step: subs_value(item, var, start + step * k))

    def while_loop(self, node: cst.While, scope: Scope) -> None:
        if self.counted_while(node, scope):
            self.while_else(node, scope)
            return
        mark = len(self.events)
        try:
            self.followed_while(node, scope)
        finally:
            self.compact_events(mark)

    def while_else(self, node: cst.While, scope: Scope) -> None:
        """The ``else`` of a while loop whose condition became false: it runs unless a
        break the data decides left the loop first."""
        self.loop_end = "maybe" if self.loop_flags and "break" in self.loop_flags[-1] else None
        self.loop_else(node, scope)

    # The counters a while loop can be summed over: ``while x < e`` (or <=, >, >=) with
    # x advanced by the body by a fixed step, by a chunk min(C, e - x), by doubling or by
    # halving. The body is probed once with x a fresh symbol to see which.
    _MIRROR = {cst.LessThan: cst.GreaterThan, cst.GreaterThan: cst.LessThan,
               cst.LessThanEqual: cst.GreaterThanEqual, cst.GreaterThanEqual: cst.LessThanEqual}

    def counted_while(self, node: cst.While, scope: Scope) -> bool:
        """A while loop over a counter, summed in closed form like a range loop; False if
        the loop is not of that kind (it is then followed iteration by iteration)."""
        test = node.test
        if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
            return False
        comp = test.comparisons[0]
        op = type(comp.operator)
        if op not in self._MIRROR:
            return False
        if isinstance(test.left, cst.Name):
            counter, bound_node = test.left, comp.comparator
        elif isinstance(comp.comparator, cst.Name):
            counter, bound_node, op = comp.comparator, test.left, self._MIRROR[op]
        else:
            return False
        name = counter.value
        home = scope.target_for(name)
        x0v = scope.lookup(name)
        if not (isinstance(x0v, Scalar) and x0v.known and x0v.kind == "int"):
            return False
        mark = len(self.events)
        saved = dict(self.diagnostics)
        bound_events, _state, _exit = self.run_isolated(lambda: self._keep(bound_node, scope), mark, probe=True)
        bound = self._kept
        if bound_events or not (isinstance(bound, Scalar) and bound.known):
            self.diagnostics = saved
            return False
        x0, e = sympy.sympify(x0v.expr), sympy.sympify(bound.expr)
        if isinstance(e, (sympy.logic.boolalg.BooleanAtom, sympy.logic.boolalg.BooleanFunction,
                          sympy.core.relational.Relational)) or x0.has(sympy.Float) or e.has(sympy.Float):
            self.diagnostics = saved
            return False
        probe = sympy.Symbol(f"{name}_probe", integer=True)
        seen: dict = {}

        def one_iteration():
            self.write(home, name, Scalar(probe, "int"))
            self.exec_body(node.body, scope)
            seen["x"] = get_slot(home, name)
            self._keep(bound_node, scope)
            seen["e"] = self._kept

        _events, _state, exit_sig = self.run_isolated(one_iteration, mark, probe=True)
        self.diagnostics = saved
        new, e_after = seen.get("x"), seen.get("e")
        if exit_sig is not None or not (isinstance(new, Scalar) and new.known) or not (
                isinstance(e_after, Scalar) and e_after.known and sympy.expand(sympy.sympify(e_after.expr) - e) == 0):
            return False
        model = _counter_model(sympy.sympify(new.expr), probe, x0, e, op)
        if model is None:
            return False
        x_at, trips, final, last_t = model
        site = self.pos(node)

        def followed() -> bool:
            return any(k[0] == site.line and k[1] == site.col and k[2] == "FS116" for k in self.diagnostics)

        before = followed()
        self.summed_loop(node, counter, sympy.Integer(0), sympy.Integer(1), trips, lambda: self.exec_body(node.body, scope),
                         scope, item_of=lambda t: Scalar(x_at(t), "int"), hi_bound=last_t)
        if before or not followed():
            self.diag(node, "FS126", "info", f"this while loop counts {name} from {x0} while {name} "
                      f"{_OP_TEXT[op]} {e}: it is summed over its {trips} iterations, in closed form")
        runs = L.provably_positive(trips, self.loop_bounds)
        after = final if runs else sympy.Piecewise((final, sympy.StrictGreaterThan(trips, 0)), (x0, True))
        self.write(home, name, Scalar(after, "int"))
        return True

    def _keep(self, expr_node, scope) -> None:
        self._kept = self.eval(expr_node, scope)

    def followed_while(self, node: cst.While, scope: Scope) -> None:
        """Follow a while loop iteration by iteration at the given sizes. Numbers the loop
        carries are kept as their values, so an iteration costs the same however many came
        before it (no expression grows), and the formula holds at the given sizes."""
        iterations = 0
        start = len(self.events)
        while True:
            mark = len(self.events)
            decision = self.decide(self.eval(node.test, scope))
            if decision is not None and not isinstance(decision, bool) and decision.free_symbols & {b.var for b in self.loop_bounds}:
                # a condition on an enclosing loop's index: decided if it is the same for
                # every index value, else that loop is followed at the given sizes
                over = self.decide_over_indices(decision)
                decision = decision if over is None else over
            if decision is False:
                self.while_else(node, scope)
                return
            if decision is not True:
                why = "has a condition on array data" if decision is None else "has a condition on sizes without values"
                self.unknown_loop(node, lambda: self.exec_body(node.body, scope), why, mark)
                return
            iterations += 1
            if iterations > WHILE_LIMIT:
                self.charge_unknown(node, "while loop", f"this while loop ran more than {WHILE_LIMIT:,} iterations at "
                                    "the given sizes; the rest is unknown", "FS115")
                return
            if iterations == 2:
                self.diag(node, "FS116", "info", "this while loop was followed iteration by iteration, at the given "
                          "sizes: its formula holds at those sizes")
            self.write_logs.append([])
            self.append_logs.append([])
            same = False
            try:
                self.exec_body(node.body, scope)
            except BreakSignal:
                return
            except ContinueSignal:
                continue
            finally:
                log = self.pop_write_log()
                appended = self.append_logs.pop()
                if self.append_logs:
                    self.append_logs[-1].extend(appended)  # an enclosing probe undoes them too
                self.settle_numbers(log)
                entry = entry_values(log)
                same = not appended and all(entry.get(key, MISSING) is not MISSING and same_value(entry[key], new)
                                            for key, new in snapshot_writes(log).items())
                if len(self.events) - start > COMPACT_EVERY:
                    self.compact_events(start)
            if same and iterations >= 2:
                # the iteration left everything as it found it: the next ones are the same,
                # and only the data (a break on it) decides when the loop ends
                self.unknown_loop(node, lambda: self.exec_body(node.body, scope),
                                  "repeats the same iteration until the data decides to leave it", start)
                return

    def settle_numbers(self, log) -> None:
        """Numbers an iteration stored, replaced by their values where every size has one."""
        loop_vars = {b.var for b in self.loop_bounds}
        for (container, slot), value in snapshot_writes(log).items():
            if isinstance(value, Scalar) and value.known and value.kind in ("int", "float"):
                expr = sympy.sympify(value.expr)
                if expr.free_symbols and not expr.free_symbols & loop_vars:
                    number = self.numeric(expr)
                    if number is not None and number.is_number:
                        set_slot(container, slot, Scalar(number, value.kind))

    def compact_events(self, mark: int) -> None:
        """The events of a loop followed iteration by iteration, added up per call site:
        one event per site (and label, namespace, functions, budgets, region), not one
        per iteration, so the summary's work does not grow with the iterations."""
        if len(self.events) - mark < 64:
            return
        self.events[mark:] = merge_events(self.events[mark:])

    # ------------------------------------------------------------------ hooks (statements)

    def exec_body(self, body, scope) -> None:
        raise NotImplementedError

def merge_events(events: list) -> list:
    """Events added up per call site and context (label, namespace, functions, budgets,
    region, kind): what a summary reads off them is unchanged."""
    merged: dict = {}
    for ev in events:
        key = (ev.site, ev.op, ev.namespace, ev.functions, ev.budgets, ev.label, ev.region, ev.kind)
        acc = merged.get(key)
        if acc is None:
            merged[key] = [ev, [ev.total], [ev.count], {sympy.srepr(sympy.sympify(ev.per_call))}]
        else:
            acc[1].append(ev.total)
            acc[2].append(ev.count)
            acc[3].add(sympy.srepr(sympy.sympify(ev.per_call)))
    out = []
    for ev, totals, counts, per_calls in merged.values():
        if len(totals) == 1:
            out.append(ev)
            continue
        per_call = ev.per_call if len(per_calls) == 1 else None
        out.append(ev.scaled(total=sympy.Add(*totals), count=sympy.Add(*counts), per_call=per_call))
    return out


def _weight(ev: Event, cond) -> Event:
    return ev.scaled(total=sympy.Piecewise((ev.total, cond), (0, True)), count=sympy.Piecewise((ev.count, cond), (0, True)))

def _linear_step(old, new, var):
    """A function t -> value for state that grows by a constant step per iteration.

    A scalar that becomes data-dependent is widened to "data-dependent" for
    every iteration: such a value cannot change a cost except through a branch
    (an upper bound then) or a shape (unknown then).
    """
    if isinstance(old, Scalar) and isinstance(new, Scalar) and not new.known:
        widened = Scalar(None, new.kind)
        return lambda t, widened=widened: widened
    if isinstance(old, Scalar) and isinstance(new, Scalar) and old.known and new.known:
        delta = sympy.expand(sympy.sympify(new.expr) - sympy.sympify(old.expr))
        if var in delta.free_symbols:
            return None
        x0 = sympy.sympify(old.expr)
        return lambda t, x0=x0, delta=delta, old=old: Scalar(sympy.expand(x0 + t * delta), old.kind)
    if isinstance(old, Array) and isinstance(new, Array) and len(old.shape) == len(new.shape) and old.metered == new.metered:
        deltas = []
        for x, y in zip(old.shape, new.shape):
            d = sympy.expand(sympy.sympify(y) - sympy.sympify(x))
            if var in d.free_symbols:
                return None
            deltas.append(d)
        base = [sympy.sympify(x) for x in old.shape]
        return lambda t, base=base, deltas=deltas, old=old: Array(
            tuple(plain_dim(sympy.expand(x + t * d)) for x, d in zip(base, deltas)), old.metered, old.dtype
        )
    return None

def _target_names(target) -> set:
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, (cst.Tuple, cst.List)):
        out = set()
        for el in target.elements:
            out |= _target_names(el.value)
        return out
    return set()


_OP_TEXT = {cst.LessThan: "<", cst.LessThanEqual: "<=", cst.GreaterThan: ">", cst.GreaterThanEqual: ">="}


def _counter_model(new, x, x0, e, op):
    """How a counter advances, from its new value (the body run once with x a symbol):
    (x at iteration t, the number of iterations, its value after the loop, a linear upper
    bound on t that the loop's condition gives, or None), or None.

    * x + C, C > 0, while x < e (or <=); x + C, C < 0, while x > e (or >=);
    * a chunk: x + min(C, e - x) (that is min(x + C, e)), C > 0, while x < e;
    * doubling: K*x, K an integer >= 2, while x < e, from x0 >= 1;
    * halving: floor(x / K), K an integer >= 2, while x > e (or >=), e >= 0.
    """
    from flopscope.costs.symbolic import clog2, floor_log2

    delta = sympy.expand(new - x)
    lt, le = op is cst.LessThan, op is cst.LessThanEqual
    gt, ge = op is cst.GreaterThan, op is cst.GreaterThanEqual
    if x not in delta.free_symbols:
        c = delta
        # within the loop the condition holds: x0 + c*t <= e - 1 (for <), a linear bound on t
        if c.is_positive and (lt or le):
            trips = sympy.ceiling((e - x0) / c) if lt else sympy.floor((e - x0) / c) + 1
            last_t = (e - x0 - (1 if lt else 0)) / c
        elif c.is_negative and (gt or ge):
            trips = sympy.ceiling((x0 - e) / -c) if gt else sympy.floor((x0 - e) / -c) + 1
            last_t = (x0 - e - (1 if gt else 0)) / -c
        else:
            return None
        return (lambda t: x0 + c * t), trips, x0 + c * trips, last_t
    if lt:
        # x + Min(C, e - x), or its fold Min(x + C, e)
        for m, shift in ((new, x), (delta, 0)):
            if not (isinstance(m, sympy.Min) and len(m.args) == 2):
                continue
            for a, b in (m.args, m.args[::-1]):
                c = sympy.expand(a - shift)
                if x not in c.free_symbols and c.is_positive and sympy.expand(b + x - shift - e) == 0:
                    trips = sympy.ceiling((e - x0) / c)
                    return (lambda t: x0 + c * t), trips, e, (e - x0 - 1) / c
    if lt and x0.is_positive:
        k = sympy.simplify(new / x)
        if k.is_Integer and k >= 2 and x not in k.free_symbols:
            if k == 2:
                trips = clog2(sympy.ceiling(e / x0))
                return (lambda t: x0 * 2**t), trips, x0 * 2**trips, None
            return None
    if (gt or ge) and isinstance(new, sympy.floor) and e.is_nonnegative:
        k = sympy.simplify(x / new.args[0])
        if k == 2 and x0.is_nonnegative:
            # floor(x0 / 2**t) > e: while 2**t <= x0 / (e + 1) (gt) or x0 / e (ge)
            limit = e + 1 if gt else e
            if not limit.is_positive:
                return None
            if limit == 2:  # while x > 1: floor(log2(x0)) halvings
                trips = floor_log2(x0) if x0.is_positive else sympy.Piecewise((floor_log2(x0), x0 >= 1), (0, True))
            elif limit == 1:  # while x > 0: one more
                trips = floor_log2(x0) + 1 if x0.is_positive else sympy.Piecewise((floor_log2(x0) + 1, x0 >= 1), (0, True))
            else:
                trips = sympy.Piecewise((floor_log2(sympy.floor(x0 / limit)) + 1, x0 >= limit), (0, True))
            return (lambda t: sympy.floor(x0 / 2**t)), trips, sympy.floor(x0 / 2**trips), None
    return None
