"""Building the parser's tables from ``grammar/typespec.lark`` with Lark (``parser="lalr"``).

Only run when the parser's cache file is missing or stale (``tsp/parse.py``): the result is
plain data that ``marshal`` stores and loads in a few milliseconds, so parsing never imports
Lark. :func:`build` returns ``(FORMAT, rows, rules, start, end, kinds, code)``:

- ``rows[state][symbol]``: the next state (an int) for a shift or a goto, else the rule to
  reduce by: the *same* list object ``rules[n]`` wherever rule n is reduced;
- ``rules[n] = [size, origin, callback name, passes_child]``, in the order of Lark's rules;
  ``passes_child`` marks ``?rule: single_symbol`` reductions that keep their child as is;
- ``kinds``: keyword / punctuation text -> terminal name;
- ``code``: the compiled source of ``FACTORIES``, one function per rule that takes the
  builder's method for the rule's callback name (or None) and returns the rule's callback,
  a function of the list of the rule's children (see :func:`_callback_source`).

The callbacks shape children exactly as Lark's ``ParseTreeBuilder`` does for an inline
transformer with ``maybe_placeholders=True``: anonymous tokens (keywords, punctuation) are
filtered out, a missing ``[optional]`` becomes None, the children of ``_inlined`` rules are
spliced into their parent's, and a ``?rule`` with one child is that child. A rule without a
builder method gets a plain list where Lark would make a ``Tree``; only ``_inlined`` and
helper rules (spliced into their parent) and ``?rules`` (always one child) are such.
"""

from __future__ import annotations

FORMAT = "typespec-tables-1"


def build(grammar: str) -> tuple:
    """The tables for this grammar (see the module docstring); imports Lark."""
    import lark
    from lark.lexer import Lexer
    from lark.parsers.lalr_analysis import Shift

    class NoLexer(Lexer):
        """Lark never lexes here: tokens come from ``_lexing``."""

        def __init__(self, lexer_conf) -> None:
            pass

        def lex(self, lexer_state, parser_state):  # pragma: no cover - never called
            raise NotImplementedError

    parser = lark.Lark(grammar, parser="lalr", lexer=NoLexer, start="script", maybe_placeholders=True)
    conf = parser.parse_interactive(None).parser_state.parse_conf
    kinds = {}
    for terminal in parser.terminals:
        if terminal.pattern.type == "str":
            kinds[str(terminal.pattern.value)] = str(terminal.name)
    rules, sources = _rules(parser)
    numbers = {state: number for number, state in enumerate(conf.states)}
    rows: list[dict[str, int | list]] = [{} for _ in numbers]
    for state, actions in conf.states.items():
        row = rows[numbers[state]]
        for symbol, (operation, argument) in actions.items():
            row[str(symbol)] = numbers[argument] if operation is Shift else rules[argument]
    source = "\n".join(sources) + "\nFACTORIES = (" + "".join(f"_{n}, " for n in range(len(sources))) + ")\n"
    code = compile(source, "<typespec-parser-callbacks>", "exec")
    return (
        FORMAT,
        rows,
        list(rules.values()),
        numbers[conf.start_state],
        numbers[conf.end_state],
        kinds,
        code,
    )


def _rules(parser) -> tuple[dict, list[str]]:
    """Each of Lark's rules as ``[size, origin, callback name, passes_child]``, and the source
    of its callback factory; what Lark's ParseTreeBuilder would wrap the callback in."""
    from functools import partial

    from lark import Tree
    from lark.parse_tree_builder import (
        ChildFilterLALR,
        ChildFilterLALR_NoPlaceholders,
        ExpandSingleChild,
        ParseTreeBuilder,
    )

    tree_builder = ParseTreeBuilder(parser.rules, Tree, False, False, parser.options.maybe_placeholders)
    rules = {}
    sources = []
    for number, (rule, wrappers) in enumerate(tree_builder.rule_builders):
        size = len(rule.expansion)
        expand_single = False
        parts = None  # None: every child, as is
        for wrapper in wrappers:
            if wrapper is ExpandSingleChild:
                expand_single = True
            elif isinstance(wrapper, partial) and wrapper.func is ChildFilterLALR:
                to_include, nones_after = wrapper.args
                parts = _parts([(i, expand, nones) for i, expand, nones in to_include], nones_after)
            elif isinstance(wrapper, partial) and wrapper.func is ChildFilterLALR_NoPlaceholders:
                (to_include,) = wrapper.args
                parts = _parts([(i, expand, 0) for i, expand in to_include], 0)
            else:  # pragma: no cover - only with options this grammar does not use
                raise NotImplementedError(f"unsupported parse tree builder step {wrapper!r} for {rule}")
        name = rule.alias or rule.options.template_source or rule.origin.name
        passes_child = size == 1 and expand_single and parts is None
        rules[rule] = [size, str(rule.origin.name), str(name), passes_child]
        sources.append(_callback_source(number, size, parts, expand_single))
    return rules, sources


def _parts(to_include: list[tuple[int, bool, int]], nones_after: int) -> list[tuple[str, int]]:
    """The kept children as ``("child", i)``, ``("splice", i)`` (an ``_inlined`` rule's
    children) and ``("none", 0)`` (a missing ``[optional]``)."""
    parts = []
    for index, expand, nones in to_include:
        parts += [("none", 0)] * nones
        parts.append(("splice" if expand else "child", index))
    parts += [("none", 0)] * nones_after
    return parts


def _callback_source(number: int, size: int, parts: list[tuple[str, int]] | None, expand_single: bool) -> str:
    """``def _N(m)`` returning the callback of rule N: ``m(*kept children)``, or without a
    method (``m`` None) the list of kept children (where Lark makes a ``Tree``)."""
    unfiltered = parts is None
    if parts is None:
        parts = [("child", index) for index in range(size)]
    items = [{"child": f"c[{i}]", "splice": f"*c[{i}]", "none": "None"}[kind] for kind, i in parts]
    listed = ", ".join(items)
    spliced = any(kind == "splice" for kind, _ in parts)
    lines = [f"def _{number}(m):"]
    if expand_single and not spliced and len(parts) == 1:  # ?rule: its one child as is
        lines.append(f"    return lambda c: {items[0]}")
        return "\n".join(lines) + "\n"
    # without a method: the list of kept children
    lines.append("    if m is None:")
    if unfiltered:
        lines.append("        return lambda c: c")
    elif parts and parts[0][0] == "splice":  # extend the first spliced list in place (left recursion)
        lines.append("        def f(c):")
        lines.append(f"            a = c[{parts[0][1]}]")
        for kind, i in parts[1:]:
            if kind == "splice":
                lines.append(f"            a += c[{i}]")
            else:
                lines.append(f"            a.append({'None' if kind == 'none' else f'c[{i}]'})")
        lines.append(
            "            return a[0] if len(a) == 1 else a" if expand_single else "            return a"
        )
        lines.append("        return f")
    elif expand_single and spliced:
        lines.append(f"        return lambda c: (a[0] if len(a := [{listed}]) == 1 else a)")
    else:
        lines.append(f"        return lambda c: [{listed}]")
    # with a method
    if unfiltered:
        lines.append("    return lambda c: m(*c)")
    elif expand_single and spliced:
        lines.append(f"    return lambda c: (a[0] if len(a := [{listed}]) == 1 else m(*a))")
    else:
        lines.append(f"    return lambda c: m({listed})")
    return "\n".join(lines) + "\n"
