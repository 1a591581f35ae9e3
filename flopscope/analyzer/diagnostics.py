"""The analyzer's diagnostic codes: what each means and what it does to the result.

``path:line:col: FSnnn message`` lines cite these codes; docs/analyzer.md lists
them from this table, and a test checks that every code the analyzer emits is here.
"""

from __future__ import annotations

# code -> (effect on the result, meaning)
CODES: dict[str, tuple[str, str]] = {
    "FS000": ("exit 2", "a usage error: a command-line option flopscope cannot use"),
    "FS001": ("exit 2", "the file does not parse (a syntax error)"),
    "FS101": ("unknown", "a metered value reaches something the analyzer cannot follow (an unknown function, a value of unknown shape): that cost is unknown"),
    "FS102": ("error", "an op flopscope does not meter: it raises UnsupportedOperationError at runtime"),
    "FS103": ("unknown", "a construct the analyzer does not follow (dynamic code such as eval/exec, getattr with a computed name, *args of unknown length)"),
    "FS104": ("unknown", "a loop whose trip count the analyzer cannot know (a while on data, a range bounded by data): the cost of its body is unknown"),
    "FS105": ("upper bound", "a branch on array data: the costlier branch is counted"),
    "FS106": ("unknown or upper bound", "a size comparison or an einsum contraction order that needs values the symbols do not have"),
    "FS107": ("unknown", "a data-dependent size (a boolean mask, where(cond)): costs that depend on it are unknown"),
    "FS108": ("error", "the call raises at runtime (shapes that do not broadcast or contract, a bad argument)"),
    "FS110": ("unknown", "calls nest too deep (recursion): the cost is unknown"),
    "FS111": ("info", "NumPy work on plain (unmetered) arrays: free at runtime, so not counted"),
    "FS112": ("warning", "the solver reaches flopscope's internals or runs work where a BudgetContext does not see it (threads, contextvars, ndarray base-class methods)"),
    "FS113": ("info", "a decorator the analyzer does not know is taken to return the function unchanged"),
    "FS114": ("upper bound", "a break, continue or return that may end a loop or function early on data: its cost is an upper bound"),
    "FS115": ("unknown", "a while loop ran more iterations than the analyzer follows"),
    "FS116": ("info", "a loop or list followed item by item at the given sizes: its formula holds at those sizes"),
    "FS117": ("upper bound", "a try with except handlers: its body may stop at an exception and a handler run instead; the body and the costliest handler are counted"),
    "FS118": ("warning", "a name that is not defined at that point"),
    "FS119": ("warning", "an attribute that does not exist"),
    "FS120": ("warning", "a budget or namespace argument the analyzer cannot read"),
    "FS121": ("info", "a symbol without a value: the formula is symbolic and its value unknown"),
    "FS122": ("unknown", "a data file the solver loads (fnp.load) that the analyzer cannot find or read: the shapes of its arrays are unknown"),
    "FS123": ("info", "an environment variable read: its default is taken"),
    "FS124": ("unknown", "the analysis stopped before the end (its time limit, its memory ceiling, or an interrupt): what it had not analyzed is unknown"),
    "FS125": ("warning", "the contract's predict returns something other than an array of shape (L, w)"),
    "FS126": ("info", "a while loop over a counter (a fixed step, a chunk, doubling, halving) is summed in closed form"),
    "FS127": ("error", "the program raises at the given sizes: its cost is what ran until then"),
    "FS999": ("exit 2", "an internal error of the analyzer (please report it)"),
}
