"""TypeSpec source text to the syntax tree of ``tsp/syntax.py`` (README
"Diagnostics"; TypeSpec's language docs).

``parse(text, path)`` returns a :class:`~sse_bridge.tsp.syntax.Script` or raises
:class:`~sse_bridge.diagnostics.InputError` carrying every diagnostic found (at most
:data:`MAX_DIAGNOSTICS`, in source order). It never raises anything else for any ``str``.

Pipeline: ``_lexing.Lexer`` (tokens, doc comments, decoded strings) → an LALR(1) driver
over the parse table Lark builds from ``grammar/typespec.lark`` (``parser="lalr"``) →
``_building.SyntaxBuilder`` callbacks, which shape each rule's children as Lark's
ParseTreeBuilder does for an inline ``transformer=`` (``_tables.py``): no parse tree is
built. The driver is ours rather than Lark's ``parse()`` so that it can hand each callback
the first token of its rule (positions and doc comments: the equivalent of
``propagate_positions``) and recover from syntax errors.

Diagnostic codes (stable):

===================== ===========================================================
code                  meaning
===================== ===========================================================
syntax-error          unexpected token (``expected one of ';', '}' but found
                      'model'``) or a construct the compiler rejects: misplaced
                      import / blockless namespace / decorator, unknown directive,
                      malformed number or triple-quoted string, merge conflict marker
unterminated-comment  ``/*`` without ``*/`` (located at the ``/*``)
unterminated-string   string or ```identifier``` without its closing quote
                      (located at the opening quote)
invalid-character     a character that cannot start any token (NUL, ``%``, ``\\u200b``...)
invalid-escape        ``\\x`` in a string or identifier where x is not one of
                      ``r n t " \\ $ @ ``` ``
nesting-too-deep      brackets, templates or member chains nested deeper than
                      :data:`_lexing.MAX_NESTING`; parsing stops there
===================== ===========================================================

Error recovery: at an unexpected token the driver first tries inserting one missing
delimiter (``;`` ``,`` ``)`` ``]`` ``}`` ``>``); failing that it skips to a ``;`` or ``}``
and pops the parser stack until the following tokens parse again, so one run reports
several independent errors.

Start-up: Lark takes ~150 ms to build the LALR table (and ~25 ms just to be imported), so
the tables (``_tables.build``: plain data and the compiled callback code) are kept with
``marshal`` in the user cache folder (``_cache.py``; ``SSE_BRIDGE_CACHE_DIR=""`` turns it
off), in a file named after a hash of the grammar, the Lark version and the Python
version: a changed grammar never reads a stale cache. Loading them takes ~2 ms and
imports no Lark; Lark is only imported to rebuild them. The parser is then kept for the
process (functools.cache). :func:`parse_library` also caches the trees of the library
files parsed on every run (the prelude).
"""

from __future__ import annotations

import functools
import marshal
import os
import sys
import threading
from pathlib import Path

from sse_bridge.diagnostics import Diagnostic, InputError, Level, Location
from sse_bridge.tsp import _cache, _lexing, _tables
from sse_bridge.tsp._building import SyntaxBuilder, rule_callback
from sse_bridge.tsp._lexing import END, Token
from sse_bridge.tsp._text import quoted
from sse_bridge.tsp.syntax import Script

MAX_DIAGNOSTICS = 20
_CACHE_FORMAT = "2"
_MAX_SKIPPED_TOKENS = 5000  # error recovery gives up after skipping this many tokens
_LOOKAHEAD = 6  # tokens that must parse after a recovery for it to count

# ---------------------------------------------------------------------- public entry point


def parse(text: str, path: str = "<input>") -> Script:
    """Parse TypeSpec source; raise InputError with located diagnostics if it has errors."""
    parser = _parser()
    lexer = _lexing.lex(text, parser.kinds)
    errors: list[tuple[str, str, int | tuple[int, int]]] = [
        (e.code, e.message, e.offset) for e in lexer.errors
    ]
    script = statements = None
    if not (lexer.nesting_exceeded or lexer.too_large):
        with parser.lock:
            builder = parser.builder
            builder.begin(text, lexer.tokens)
            try:
                run = _Run(parser, lexer.tokens, errors)
                statements = run.drive()
                for code, message, where in builder.errors:
                    errors.append((code, message, _line_column(where)))
            finally:
                builder.begin("", [])
        if statements is not None:
            script = Script(path, statements)
    if script is None and not errors:  # not expected: recovery only gives up after an error
        errors.append(("syntax-error", "the file could not be parsed", len(text)))
    if errors:
        raise InputError(_diagnostics(errors, lexer.lines, path))
    return script


def parse_library(text: str, path: str) -> Script:
    """:func:`parse` for a library file parsed on every run (the prelude): the tree is kept
    (pickled) in the cache folder for this text, path and grammar and this parser's own
    code (the files of its modules, told apart as Python's bytecode cache does: by size and
    modification time), so any change to them parses again. Errors are never cached."""
    found = _library_cache_entry(text, path)
    data = _cache.load(found)
    if data is not None:
        try:
            script = _unpickle(data)
        except Exception:  # pickled by other code: parse again
            script = None
        if type(script) is Script and script.path == path:
            return script
    script = parse(text, path)
    if found is not None:
        import pickle

        _cache.store(found, pickle.dumps(script, protocol=pickle.HIGHEST_PROTOCOL))
    return script


def _unpickle(data: bytes):
    try:
        from _pickle import loads  # the C unpickler, without the import of pickle.py
    except ImportError:  # pragma: no cover - Pythons without the C accelerator
        from pickle import loads
    return loads(data)


def _line_column(where) -> tuple[int, int]:
    return (where.line, where.column)


def _diagnostics(errors, lines: _lexing.LineMap, path: str) -> list[Diagnostic]:
    located = []
    for code, message, where in errors:
        line, column = lines.locate(where) if isinstance(where, int) else where
        located.append(Diagnostic(code, Level.ERROR, message, Location(path, line, column)))
    located.sort(key=lambda diagnostic: (diagnostic.location.line, diagnostic.location.column))
    unique = list(dict.fromkeys(located))
    return unique[:MAX_DIAGNOSTICS]


# ---------------------------------------------------------------------- the parser, built once


class _Parser:
    """The parse table, arranged for the driver: ``table[state][symbol]`` is the next state
    (an int) for a shift or a goto, or ``[size, rule name, callback, passes_child]`` for a
    reduction (one list per rule, shared by every state that reduces by it);
    ``passes_child`` marks ``?rule: single_symbol`` reductions that keep their child as
    is, which the driver skips calling."""

    __slots__ = (
        "builder",
        "chains",
        "end_state",
        "kinds",
        "lock",
        "start_state",
        "synchronizing",
        "table",
        "texts",
    )

    def __init__(
        self, table: list[dict[str, int | list]], start_state: int, end_state: int, kinds: dict[str, str]
    ):
        self.table = table
        self.start_state = start_state
        self.end_state = end_state
        self.kinds = kinds  # keyword / punctuation text -> terminal name
        self.texts = {name: text for text, name in kinds.items()}  # terminal name -> its text
        self.synchronizing = frozenset((kinds[";"], kinds["}"]))  # the terminals of ';' and '}'
        self.builder = SyntaxBuilder()
        self.lock = threading.Lock()
        # (state below, state, lookahead) -> the state after the ``?rule`` reductions that
        # follow there (an expression is reduced through four of them: primary,
        # array_or_higher, intersection_or_higher, expression), learnt as parsing meets them
        self.chains: dict[tuple[int, int, str], int] = {}

    def chain_end(self, below: int, state: int, kind: str) -> int:
        """The state that replaces ``state`` (above ``below``) once the lookahead ``kind``
        has reduced it by every ``?rule`` that keeps its child as is."""
        table = self.table
        action = table[state].get(kind)
        while action.__class__ is list and action[3]:
            state = table[below][action[1]]
            action = table[state].get(kind)
        return state


@functools.cache
def _parser() -> _Parser:
    grammar = _grammar_text()
    try:
        return _make_parser(_load_tables(grammar))
    except Exception:  # cached tables that do not fit after all: build them again
        return _make_parser(_load_tables(grammar, rebuild=True))


def _make_parser(tables: tuple) -> _Parser:
    _, rows, rules, start, end, kinds, code = tables
    parser = _Parser(rows, start, end, kinds)
    namespace: dict = {}
    exec(code, namespace)
    for rule, factory in zip(rules, namespace["FACTORIES"], strict=True):
        rule[2] = factory(rule_callback(parser.builder, rule[2]))  # the callback name -> the callback
    return parser


@functools.cache
def _grammar_text() -> str:
    """The grammar as package data (``sse_bridge/grammar/typespec.lark`` in the wheel), else
    from the source tree's top-level ``grammar/`` folder."""
    here = Path(__file__).resolve()
    for candidate in (
        here.parents[1] / "grammar" / "typespec.lark",
        here.parents[2] / "grammar" / "typespec.lark",
    ):
        try:
            return candidate.read_text(encoding="utf-8")
        except OSError:
            pass
    import importlib.resources  # a package that is not plain files (a zip)

    return (
        importlib.resources.files("sse_bridge")
        .joinpath("grammar", "typespec.lark")
        .read_text(encoding="utf-8")
    )


def _load_tables(grammar: str, rebuild: bool = False) -> tuple:
    """The parser tables for this grammar (``_tables.build``): from the cache when they
    load (unless ``rebuild``), else built with Lark (and then cached)."""
    found = _tables_cache_entry(grammar)
    data = None if rebuild else _cache.load(found)
    if data is not None:
        try:
            tables = marshal.loads(data)
        except Exception:  # written by another Python: rebuild
            tables = None
        if _well_formed(tables):
            return tables
    tables = _tables.build(grammar)
    if found is not None:
        _cache.store(found, marshal.dumps(tables))
    return tables


def _well_formed(tables) -> bool:
    return (
        type(tables) is tuple
        and len(tables) == 7
        and tables[0] == _tables.FORMAT
        and type(tables[1]) is list
        and type(tables[2]) is list
        and type(tables[5]) is dict
        and type(tables[6]) is type(_well_formed.__code__)
    )


def _tables_cache_entry(grammar: str):
    """The cache entry of the tables built from this grammar by this Lark for this Python
    (``_cache.entry``); None when caching is off."""
    return _cache.entry(
        "typespec-parser", "\0".join((_CACHE_FORMAT, _lark_version(), sys.version, grammar)), ".tables"
    )


def _library_cache_entry(text: str, path: str):
    """The cache entry of the tree of a library file; None when caching is off, or when the
    parser's modules are not files."""
    versions = []
    for module in _PARSER_MODULES:
        try:
            status = os.stat(getattr(sys.modules[module], "__file__", None))
        except (KeyError, TypeError, OSError):
            return None
        versions.append(f"{module} {status.st_size} {status.st_mtime_ns}")
    fingerprint = "\0".join((_CACHE_FORMAT, sys.version, *versions, _grammar_text(), path, text))
    # one file per library path, Python and copy of sse-bridge: a newer tree replaces the older
    name = f"{path}\0{sys.version}\0{__file__}"
    return _cache.entry("typespec-library", fingerprint, ".pickle", name=name)


_PARSER_MODULES = tuple(
    f"sse_bridge.tsp.{name}"
    for name in ("syntax", "_records", "_building", "_lexing", "_text", "parse", "_tables")
)


def _lark_version() -> str:
    """What identifies the installed Lark, without importing it: the text of its
    ``__init__.py`` (which holds ``__version__``)."""
    module = sys.modules.get("lark")
    origin = getattr(module, "__file__", None)
    if origin is None:
        for finder in sys.meta_path:
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec("lark", None) if find_spec is not None else None
            if spec is not None:
                origin = spec.origin
                break
    try:
        with open(origin, "rb") as handle:
            return handle.read().decode("utf-8", "surrogateescape")
    except (OSError, TypeError):
        return "no lark"


# ---------------------------------------------------------------------- the LALR driver


class _Run:
    """One parse: the LALR loop of lark's ParserState.feed_token, plus positions and recovery."""

    def __init__(self, parser: _Parser, tokens: list[Token], errors: list):
        self.parser = parser
        self.tokens = tokens
        self.errors = errors
        self.syntax_errors = 0
        self.last_error_offset = -1
        self.state_stack = [parser.start_state]
        self.value_stack: list = []
        self.start_stack: list[Token] = []

    def drive(self):
        """Parse every token; the statements of the script, or None if parsing gave up.

        The three stacks hold, per grammar symbol, its parser state, its value and its first
        token. A reduction leaves its children's first tokens on ``start_stack`` while its
        callback runs (the builder reads them from ``builder.base`` on), then keeps only the
        first one, which is the first token of the reduced rule too: a one-symbol rule, the
        commonest, touches neither that stack nor the length of the others."""
        table = self.parser.table
        end_state = self.parser.end_state
        chains = self.parser.chains
        builder = self.parser.builder
        builder.start_stack = start_stack = self.start_stack
        tokens = self.tokens
        state_stack = self.state_stack
        value_stack = self.value_stack
        index = 0
        token = tokens[0]
        kind = token.kind
        state = state_stack[-1]
        while True:
            action = table[state].get(kind)
            if action.__class__ is int:  # shift
                state = action
                state_stack.append(state)
                value_stack.append(token)
                start_stack.append(token)
                index += 1
                token = tokens[index]
                kind = token.kind
                continue
            if action is None:
                index = self._recover(index)
                if index is None:
                    return None
                token = tokens[index]
                kind = token.kind
                state = state_stack[-1]
                continue
            size, origin, callback, passes_child = action
            if passes_child:  # ?rule: one symbol, kept as is (see _Parser.chains)
                below = state_stack[-2]
                target = chains.get((below, state, kind))
                if target is None:
                    target = chains[below, state, kind] = self.parser.chain_end(below, state, kind)
                state = state_stack[-1] = target
                continue
            if size == 1:  # replace the symbol in place
                builder.base = len(start_stack) - 1
                value = callback(value_stack[-1:])
                state = table[state_stack[-2]][origin]
                if state == end_state and kind == END:
                    return value
                state_stack[-1] = state
                value_stack[-1] = value
                continue
            if size:
                builder.base = base = len(start_stack) - size
                children = value_stack[-size:]
                del value_stack[-size:]
                del state_stack[-size:]
                value = callback(children)
                del start_stack[base + 1 :]
            else:  # an empty rule starts at the lookahead token
                builder.base = len(start_stack)
                start_stack.append(token)
                value = callback([])
            state = table[state_stack[-1]][origin]
            if state == end_state and kind == END:
                return value
            state_stack.append(state)
            value_stack.append(value)

    # ------------------------------------------------------------------ recovery

    def _recover(self, index: int) -> int | None:
        """Report the unexpected token at ``index``; return where to continue, or None."""
        self._report(index)
        if self.syntax_errors >= MAX_DIAGNOSTICS:
            return None
        inserted = self._insert_missing_delimiter(index)
        if inserted:
            return index
        return self._skip_to_synchronizing_token(index)

    def _report(self, index: int) -> None:
        token = self.tokens[index]
        expected = self._expected()
        message, at_previous_end = _describe_error(
            {self.parser.texts.get(kind, kind) for kind in expected}, token
        )
        offset = token.offset
        if (at_previous_end or token.kind == END) and index > 0:
            offset = self.tokens[index - 1].end
        if offset == self.last_error_offset:
            return
        self.last_error_offset = offset
        self.syntax_errors += 1
        self.errors.append(("syntax-error", message, offset))

    def _expected(self) -> set[str]:
        stack = self.state_stack
        return {
            kind for kind in self.parser.table[stack[-1]] if kind.isupper() and self._parses(stack, [kind])
        }

    def _insert_missing_delimiter(self, index: int) -> bool:
        kinds = self.parser.kinds
        following = [token.kind for token in self.tokens[index : index + _LOOKAHEAD]]
        for text in (";", ",", ")", "]", "}", ">"):
            kind = kinds.get(text)
            if kind is None or kind not in self.parser.table[self.state_stack[-1]]:
                continue
            if self._parses(self.state_stack, [kind, *following], required=2):
                found = self.tokens[index]
                missing = Token(kind, text, found.offset, found.offset, found.line, found.column, found.index)
                self._feed(missing)
                return True
        return False

    def _skip_to_synchronizing_token(self, index: int) -> int | None:
        """Panic mode: from the error on, at each ``;`` or ``}`` (or the erroneous token
        itself), resume at that token or the next one, on the deepest parser stack that
        accepts what follows; pop nothing more than needed."""
        tokens = self.tokens
        table = self.parser.table
        synchronizing = self.parser.synchronizing
        last = min(len(tokens) - 1, index + _MAX_SKIPPED_TOKENS)
        for position in range(index, last + 1):
            kind = tokens[position].kind
            if position != index and kind not in synchronizing and kind != END:
                continue
            best = None
            for resume in [position] if kind == END else [position, position + 1]:
                following = [token.kind for token in tokens[resume : resume + _LOOKAHEAD]]
                for depth in range(len(self.state_stack), best[0] if best else 0, -1):
                    if following[0] in table[self.state_stack[depth - 1]] and self._parses(
                        self.state_stack[:depth], following
                    ):
                        best = (depth, resume)
                        break
            if best is not None:
                depth, resume = best
                del self.state_stack[depth:]
                del self.value_stack[depth - 1 :]
                del self.start_stack[depth - 1 :]
                return resume
            if kind == END:
                return None
        return None

    def _parses(self, stack: list, kinds: list[str], required: int = 1) -> bool:
        """Whether these token kinds would be accepted from this stack (simulated on states
        only): all of them, or the first ``required`` ones and every one up to a ``;`` or
        ``}`` (a later error is then a new error, not a sign of a bad recovery)."""
        table = self.parser.table
        end_state = self.parser.end_state
        synchronizing = self.parser.synchronizing
        base = len(stack)
        overlay: list = []
        synchronized = False
        for number, kind in enumerate(kinds, 1):
            while True:
                action = table[overlay[-1] if overlay else stack[base - 1]].get(kind)
                if action is None:
                    return synchronized
                if action.__class__ is int:
                    overlay.append(action)
                    synchronized = synchronized or (kind in synchronizing and number >= required)
                    break
                size, origin = action[0], action[1]
                if size <= len(overlay):
                    del overlay[len(overlay) - size :]
                else:
                    base -= size - len(overlay)
                    overlay.clear()
                goto = table[overlay[-1] if overlay else stack[base - 1]][origin]
                if goto == end_state and kind == END:
                    return True
                overlay.append(goto)
        return True

    def _feed(self, token: Token) -> None:
        """Feed one (inserted) token through the reductions it triggers, then shift it (the
        stacks as :meth:`drive` keeps them)."""
        table = self.parser.table
        builder = self.parser.builder
        state_stack, value_stack, start_stack = self.state_stack, self.value_stack, self.start_stack
        while True:
            action = table[state_stack[-1]][token.kind]
            if action.__class__ is int:
                state_stack.append(action)
                value_stack.append(token)
                start_stack.append(token)
                return
            size, origin, callback, _ = action
            if size:
                builder.base = base = len(start_stack) - size
                children = value_stack[-size:]
                del value_stack[-size:], state_stack[-size:]
                value = callback(children)
                del start_stack[base + 1 :]
            else:
                builder.base = len(start_stack)
                start_stack.append(token)
                value = callback([])
            state_stack.append(table[state_stack[-1]][origin])
            value_stack.append(value)


# ---------------------------------------------------------------------- messages

_CLASS_NAMES = {
    _lexing.IDENT: "an identifier",
    _lexing.RESERVED: "an identifier",
    _lexing.NUMBER: "a number",
    _lexing.STRING: "a string literal",
    _lexing.STRING_HEAD: "a string literal",
    _lexing.STRING_MIDDLE: "'}'",
    _lexing.STRING_TAIL: "'}'",
    _lexing.DIRECTIVE: "a directive",
    END: "end of file",
}
_TERMINATORS = frozenset(";,)]}>")
_CONTINUATIONS = frozenset(("|", "&", "[", "<", "(", ".", "::", "=", "?", "extends", "is"))
_EXPRESSION_START_TEXTS = "{ [ ( #{ #[ | & true false void never unknown typeof"
_EXPRESSION_STARTS = frozenset(
    (_lexing.IDENT, _lexing.NUMBER, _lexing.STRING, _lexing.STRING_HEAD, *_EXPRESSION_START_TEXTS.split())
)
_MEMBER_STARTS = frozenset((_lexing.IDENT, _lexing.STRING, _lexing.RESERVED, "...", "extern", "internal"))
_QUIET = frozenset(
    ("@", _lexing.DIRECTIVE, "extern", "internal", "valueof", _lexing.RESERVED)
)  # shown only if alone
_STATEMENT_START_TEXTS = (
    "@ @@ ; import using namespace model scalar interface union enum alias const op extern internal dec fn"
)
_STATEMENT_STARTS = frozenset((_lexing.DIRECTIVE, *_STATEMENT_START_TEXTS.split()))


def _describe_error(texts: set[str], found: Token) -> tuple[str, bool]:
    """``expected one of ';', '}' but found 'model'`` from the texts of the expected terminals
    (or their kinds, for token classes), and whether to place the error right after the
    previous token (when only punctuation is missing, as the compiler does)."""
    if texts & _TERMINATORS:
        texts -= _CONTINUATIONS
    shown = []
    if {_lexing.IDENT, _lexing.NUMBER, _lexing.STRING} <= texts:
        texts -= _EXPRESSION_STARTS
        shown.append("an expression")
    if {"model", "op", "namespace"} <= texts:
        texts -= _STATEMENT_STARTS
        texts.discard(END)
        shown.append("a statement")
    if {_lexing.IDENT, _lexing.STRING} <= texts:
        texts -= _MEMBER_STARTS
        shown.append("a member")
    if texts - _QUIET or shown:
        texts -= _QUIET
    punctuation_only = not shown and bool(texts) and all(_is_punctuation(text) for text in texts)
    shown = sorted({*shown, *(_CLASS_NAMES.get(text) or f"'{text}'" for text in texts)}, key=_display_order)
    if not shown:
        message = f"unexpected {_describe_found(found)}"
    elif len(shown) == 1:
        message = f"expected {shown[0]} but found {_describe_found(found)}"
    else:
        message = f"expected one of {', '.join(shown)} but found {_describe_found(found)}"
    return message, punctuation_only


def _is_punctuation(text: str) -> bool:
    return text not in _CLASS_NAMES and not text[:1].isalpha()


def _display_order(name: str) -> tuple[int, str]:
    if name.startswith("'") and not name[1:2].isalpha():
        return (0, name)  # punctuation first
    if name.startswith("'"):
        return (1, name)  # then keywords
    return (2, name)  # then token classes


def _describe_found(token: Token) -> str:
    kind = token.kind
    if kind == _lexing.IDENT:
        return f"identifier {quoted(token.value)}"
    if kind == _lexing.RESERVED:
        return f"reserved word '{token.value}'"
    if kind == _lexing.NUMBER:
        return f"number {quoted(token.value)[1:-1]}"
    if kind in (_lexing.STRING, _lexing.STRING_HEAD):
        return "string literal"
    if kind == _lexing.DIRECTIVE:
        return f"directive {quoted('#' + token.value.name)}"
    if kind == END:
        return "end of file"
    if kind in (_lexing.STRING_MIDDLE, _lexing.STRING_TAIL):
        return "'}'"
    return f"'{token.value}'"
