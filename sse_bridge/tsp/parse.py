"""TypeSpec source text to the syntax tree of ``tsp/syntax.py`` (SPEC §3, §5, §7).

``parse(text, path)`` returns a :class:`~sse_bridge.tsp.syntax.Script` or raises
:class:`~sse_bridge.diagnostics.InputError` carrying every diagnostic found (at most
:data:`MAX_DIAGNOSTICS`, in source order). It never raises anything else for any ``str``.

Pipeline: ``_lexing.Lexer`` (tokens, doc comments, decoded strings) → an LALR(1) driver
over the parse table Lark builds from ``grammar/typespec.lark`` (``parser="lalr"``) →
``_building.SyntaxBuilder`` callbacks, made by Lark's ParseTreeBuilder exactly as for an
inline ``transformer=``: no parse tree is built, no Lark ``Tree``/``Token`` escapes. The
driver is ours rather than Lark's ``parse()`` so that it can hand each callback the first
token of its rule (positions and doc comments: the equivalent of ``propagate_positions``)
and recover from syntax errors.

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

Start-up: building the LALR table from the grammar takes ~150 ms, so the built parser is
cached with Lark's serialization (``Lark.save``/``Lark.load``, what its ``cache=`` option
uses) in a user cache directory: ``$SSE_BRIDGE_CACHE_DIR``, else
``$XDG_CACHE_HOME/sse-bridge`` or ``~/.cache/sse-bridge``, ``~/Library/Caches/sse-bridge``,
``%LOCALAPPDATA%\\sse-bridge``. The file name carries a hash of the grammar text, the Lark
version and the Python version, so a changed grammar never reads a stale cache. It is
written to a temporary file and renamed (Lark's ``cache=`` writes in place, and its pickles
differ from run to run, so two processes could interleave their bytes); an unwritable
folder or an unreadable file only costs a rebuild. ``SSE_BRIDGE_CACHE_DIR=""`` disables the
cache. Loading it takes ~15 ms; the parser is then kept for the process (functools.cache).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.resources
import os
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import lark
from lark import Tree
from lark.lexer import Lexer as LarkLexer
from lark.parse_tree_builder import ExpandSingleChild, ParseTreeBuilder
from lark.parsers.lalr_analysis import Shift

from sse_bridge.diagnostics import Diagnostic, InputError, Level, Location
from sse_bridge.tsp import _lexing
from sse_bridge.tsp._building import LarkCallbacks, SyntaxBuilder
from sse_bridge.tsp._lexing import END, Token
from sse_bridge.tsp._text import quoted
from sse_bridge.tsp.syntax import Script

MAX_DIAGNOSTICS = 20
_CACHE_FORMAT = "1"
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
    if not lexer.nesting_exceeded:
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


class _NoLexer(LarkLexer):
    """Lark never lexes here: tokens come from ``_lexing``."""

    def __init__(self, lexer_conf) -> None:
        pass

    def lex(self, lexer_state, parser_state):  # pragma: no cover - never called
        raise NotImplementedError


@dataclass(frozen=True)
class _Parser:
    """The parse table, rearranged for the driver: ``table[state][symbol]`` is the next state
    (an int) for a shift or a goto, or ``(size, rule name, callback, passes_child)`` for a
    reduction; ``passes_child`` marks ``?rule: single_symbol`` reductions that keep their
    child as is, which the driver skips calling."""

    table: list[dict[str, int | tuple]]
    start_state: int
    end_state: int
    kinds: dict[str, str]  # keyword / punctuation text -> terminal name
    texts: dict[str, str]  # terminal name -> keyword / punctuation text
    synchronizing: frozenset[str]  # the terminals of ';' and '}'
    builder: SyntaxBuilder
    lock: threading.Lock


@functools.cache
def _parser() -> _Parser:
    lark_parser = _load_lark(_grammar_text())
    builder = SyntaxBuilder()
    # What Lark(transformer=...) does for an inline transformer, done after loading so that
    # the cached parser holds no transformer: one callback per rule, children filtered.
    tree_builder = ParseTreeBuilder(
        lark_parser.rules, Tree, False, False, lark_parser.options.maybe_placeholders
    )
    callbacks = tree_builder.create_callback(LarkCallbacks(builder))
    conf = lark_parser.parse_interactive(None).parser_state.parse_conf
    kinds = {}
    for terminal in lark_parser.terminals:
        if terminal.pattern.type == "str":
            kinds[str(terminal.pattern.value)] = str(terminal.name)
    numbers = {state: number for number, state in enumerate(conf.states)}
    reductions = {}
    for rule, callback in callbacks.items():
        size = len(rule.expansion)
        passes_child = size == 1 and type(callback) is ExpandSingleChild
        reductions[rule] = (size, str(rule.origin.name), callback, passes_child)
    table: list[dict[str, int | tuple]] = [{} for _ in numbers]
    for state, actions in conf.states.items():
        row = table[numbers[state]]
        for symbol, (operation, argument) in actions.items():
            row[str(symbol)] = numbers[argument] if operation is Shift else reductions[argument]
    texts = {name: text for text, name in kinds.items()}
    start, end = numbers[conf.start_state], numbers[conf.end_state]
    synchronizing = frozenset((kinds[";"], kinds["}"]))
    return _Parser(table, start, end, kinds, texts, synchronizing, builder, threading.Lock())


def _grammar_text() -> str:
    """The grammar as package data (``sse_bridge/grammar/typespec.lark`` in the wheel), else
    from the source tree's top-level ``grammar/`` folder."""
    try:
        resource = importlib.resources.files("sse_bridge").joinpath("grammar", "typespec.lark")
        if resource.is_file():
            return resource.read_text(encoding="utf-8")
    except (OSError, ModuleNotFoundError, TypeError):
        pass
    return (Path(__file__).resolve().parents[2] / "grammar" / "typespec.lark").read_text(encoding="utf-8")


def _load_lark(grammar: str) -> lark.Lark:
    """The LALR parser for this grammar: from the cache file when it loads, else built (and
    then cached, written to a temporary file and renamed so no reader sees half a file)."""
    cache_file = _cache_file(grammar)
    if cache_file is not None:
        try:
            with open(cache_file, "rb") as handle:
                return lark.Lark.load(handle)
        except Exception:  # missing, unreadable, truncated, or pickled by another version: rebuild
            pass
    built = lark.Lark(grammar, parser="lalr", lexer=_NoLexer, start="script", maybe_placeholders=True)
    if cache_file is not None:
        _write_cache(cache_file, built)
    return built


def _write_cache(cache_file: Path, built: lark.Lark) -> None:
    temporary = None
    try:
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=cache_file.parent, prefix=".typespec-parser-", suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            built.save(stream)
        os.replace(temporary, cache_file)
        temporary = None
    except Exception:  # an unwritable folder (or any failure to save) only costs a rebuild next time
        pass
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _cache_file(grammar: str) -> Path | None:
    """Where the parser built from this grammar is cached; None when caching is off."""
    configured = os.environ.get("SSE_BRIDGE_CACHE_DIR")
    try:
        if configured is not None:
            if not configured:
                return None
            folder = Path(configured)
        elif sys.platform == "win32":
            folder = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local") / "sse-bridge"
        elif sys.platform == "darwin":
            folder = Path.home() / "Library" / "Caches" / "sse-bridge"
        else:
            folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sse-bridge"
    except RuntimeError:  # no home folder to be found
        return None
    fingerprint = "\0".join((_CACHE_FORMAT, lark.__version__, sys.version, grammar))
    digest = hashlib.sha256(fingerprint.encode("utf-8")).hexdigest()[:24]
    return folder / f"typespec-parser-{digest}.lark-cache"


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
        """Parse every token; the statements of the script, or None if parsing gave up."""
        table = self.parser.table
        end_state = self.parser.end_state
        builder = self.parser.builder
        tokens = self.tokens
        state_stack = self.state_stack
        value_stack = self.value_stack
        start_stack = self.start_stack
        index = 0
        token = tokens[0]
        kind = token.kind
        while True:
            action = table[state_stack[-1]].get(kind)
            if action.__class__ is int:  # shift
                state_stack.append(action)
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
                continue
            size, origin, callback, passes_child = action
            if passes_child:  # ?rule: one symbol, kept as is
                state_stack[-1] = table[state_stack[-2]][origin]
                continue
            if size:
                children = value_stack[-size:]
                starts = start_stack[-size:]
                del value_stack[-size:]
                del state_stack[-size:]
                del start_stack[-size:]
                builder.start = first = starts[0]
                builder.starts = starts
            else:
                children = []
                builder.start = first = token
                builder.starts = [token]
            value = callback(children)
            goto = table[state_stack[-1]][origin]
            if goto == end_state and kind == END:
                return value
            state_stack.append(goto)
            value_stack.append(value)
            start_stack.append(first)

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
        """Feed one (inserted) token through the reductions it triggers, then shift it."""
        table = self.parser.table
        builder = self.parser.builder
        while True:
            action = table[self.state_stack[-1]][token.kind]
            if action.__class__ is int:
                self.state_stack.append(action)
                self.value_stack.append(token)
                self.start_stack.append(token)
                return
            size, origin, callback, _ = action
            if size:
                children = self.value_stack[-size:]
                starts = self.start_stack[-size:]
                del self.value_stack[-size:], self.state_stack[-size:], self.start_stack[-size:]
            else:
                children, starts = [], [token]
            builder.start = starts[0]
            builder.starts = starts
            value = callback(children)
            self.state_stack.append(table[self.state_stack[-1]][origin])
            self.value_stack.append(value)
            self.start_stack.append(starts[0])


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
