"""The TypeSpec lexer: source text to tokens for the LALR parser (README "Diagnostics"; TypeSpec's language docs).

Lark does not lex TypeSpec here: string templates (``"a ${b} c"``) need a stack of open
brackets, directives end at a line break, triple-quoted strings are unindented only once
their closing delimiter is known, and doc comments must be remembered rather than skipped.
So this module follows the official scanner (compiler/src/core/scanner.ts) and hands the
parser a list of :class:`Token`; the grammar names punctuation and keywords by their text.

What the lexer decides, as the compiler does:

- identifiers: ``[A-Za-z_$][A-Za-z0-9_$]*`` plus non-ASCII identifier characters (every
  assigned code point except controls, surrogates, private use, line/paragraph separators,
  LRM/RLM and U+FFFD), NFC-normalized; ```backticked```, with escapes, for any other name;
- keywords are reserved (``model`` can never be an identifier); the words kept for future
  use (``record``, ``with``...) become ``RESERVED`` tokens, valid only where the compiler
  allows them (property, variant, enum member and decorator names, after ``.``);
- numbers: ``123``, ``-1.5``, ``+2e10``, ``0x1F``, ``0b101`` (a sign only before a decimal,
  a lowercase ``e``/``x``/``b`` only);
- strings: escapes ``\\r \\n \\t \\" \\\\ \\$ \\@ \\``` only; ``\"\"\"`` strings must start and end
  with a line break, and lose the indentation of their closing delimiter on every line;
- doc comments ``/** */`` attach, raw, to the next token (``_text.doc_comment_text`` cleans them);
- nesting (brackets, string templates, member-access chains, ``[]`` suffixes,
  ``typeof``/``valueof`` runs) deeper than :data:`MAX_NESTING` stops lexing with
  ``nesting-too-deep``, so no later stage ever recurses deeply;
- a file of more than :data:`MAX_TOKENS` tokens is refused before lexing (``input-too-large``):
  checking takes some microseconds a token, and the largest real services (OpenAI's, imported:
  2 MB, 110,000 tokens) are far below, so no file keeps the command busy past a few seconds.
"""

from __future__ import annotations

import functools
import operator
import re
from bisect import bisect_right
from itertools import accumulate

from sse_bridge.tsp._text import LINE_BREAK, TextDecoder, describe_character, quoted
from sse_bridge.tsp.syntax import Directive, Identifier, Pos, StringLiteral

MAX_NESTING = 256
MAX_TOKENS = 1_000_000

_KEYWORD_LIST = """
    import model scalar namespace using op enum alias is interface union projection else if dec
    const init extern internal extends fn true false return void never unknown valueof typeof
"""
_RESERVED_LIST = """
    statemachine macro package metadata env arg declare array struct record module mod sym context
    prop property scenario pub sub typeref trait this self super keyof with implements impl satisfies
    flag auto partial private public protected sealed local async
"""
KEYWORDS = frozenset(_KEYWORD_LIST.split())
RESERVED_WORDS = frozenset(_RESERVED_LIST.split())  # keywords kept for later TypeSpec versions
DIRECTIVE_NAMES = ("suppress", "deprecated")

# token kinds the grammar declares with %declare (everything else is named by its text)
IDENT = "IDENT"
RESERVED = "RESERVED"
NUMBER = "NUMBER"
STRING = "STRING"
STRING_HEAD = "STRING_HEAD"
STRING_MIDDLE = "STRING_MIDDLE"
STRING_TAIL = "STRING_TAIL"
DIRECTIVE = "DIRECTIVE"
END = "$END"
UNTERMINATED = "unterminated"


_ONE_TOKEN = r"""
      (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
    | (?P<number>0x[0-9A-Fa-f]*|0b[01]*|[+-]?[0-9]+(?:\.[0-9]*)?(?:e[+-]?[0-9]*)?)
    | (?P<line_comment>//[^\r\n]*)
    | (?P<block_comment>/\*)
    | (?P<string>"(?:"")?)
    | (?P<conflict_marker>(?:(?<=[\r\n])|^)(?:<{7}\ |>{7}\ |={7}|\|{7}\ ))
    | (?P<punctuation>\.\.\.|::|@@|\#\{|\#\[|<=|>=|==|!=|=>|&&|\|\||[{}()\[\].;,<>=&|?:@#*/+\-!])
    | (?P<backtick>`)
"""


@functools.cache
def _token_pattern() -> re.Pattern[str]:
    """One token at a time (Lexer._step): skip whitespace and line breaks, then one token (or
    the end of the text). Compiled on first use: the fast path seldom needs it."""
    return re.compile(
        r"[ \t\x0b\x0c\x85\u200e\u200f\u2028\u2029\r\n]*(?:" + _ONE_TOKEN + r"| (?P<end>\Z))", re.VERBOSE
    )


# The fast path (see Lexer.run): the whole text split in one call into whitespace gaps and
# token candidates, with the alternatives of _ONE_TOKEN in the same order, except that block
# comments and plain strings (no escape, ``$`` or line break) are matched whole, and that any
# other character is a candidate of its own, so that gaps are only ever whitespace.
_CANDIDATES = re.compile(
    r"""(
      [A-Za-z_$][A-Za-z0-9_$]*
    | 0x[0-9A-Fa-f]*|0b[01]*|[+-]?[0-9]+(?:\.[0-9]*)?(?:e[+-]?[0-9]*)?
    | //[^\r\n]*
    | /\*[^*]*\*+(?:[^/*][^*]*\*+)*/
    | /\*
    | "(?!"")[^"\\\r\n$]*"
    | (?:(?<=[\r\n])|^)(?:<{7}\ |>{7}\ |={7}|\|{7}\ )
    | \.\.\.|::|@@|\#\{|\#\[|<=|>=|==|!=|=>|&&|\|\||[{}()\[\].;,<>=&|?:@#*/+\-!]
    | [^ \t\x0b\x0c\x85\u200e\u200f\u2028\u2029\r\n]
    )""",
    re.VERBOSE,
)
_IDENTIFIER_START = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$")
_NUMBER_START = frozenset("0123456789+-")
_PUNCTUATION_TEXTS = "... :: @@ #{ #[ <= >= == != => && || { } ( ) [ ] . ; , < > = & | ? : @ # * / + - !"


@functools.cache
def _directive_pattern() -> re.Pattern[str]:
    """Directives end at a line break, so there whitespace and line breaks are tokens of
    their own. Only what a directive may hold is told apart (whatever else, a number or
    punctuation, does not match: Lexer._directive_part takes it for "other"), with the
    alternatives of _ONE_TOKEN. (Compiled on first use: directives are rare.)"""
    return re.compile(
        r"""(?P<space>[ \t\x0b\x0c\x85\u200e\u200f\u2028\u2029]+) | (?P<newline>\r\n?|\n)
        | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
        | (?P<line_comment>//[^\r\n]*)
        | (?P<block_comment>/\*)
        | (?P<string>"(?:"")?)
        | (?P<backtick>`)""",
        re.VERBOSE,
    )


_SPACES = re.compile(r"[ \t\x0b\x0c\x85\u200e\u200f\u2028\u2029\r\n]*")
# punctuation that opens or closes a nesting level, extends a chain or starts a directive
_STRUCTURAL_PUNCTUATION = frozenset(("{", "#{", "(", "[", "#[", "<", "}", ")", "]", ">", ".", "::", "#"))
_SINGLE_STRING_STOP = re.compile(r'[\\"$\r\n]')
_TRIPLE_STRING_STOP = re.compile(r'[\\"$]')
_BACKTICK_STOP = re.compile(r"[\\`\r\n]")
_IDENTIFIER_ASCII_CONTINUE = re.compile(r"[A-Za-z0-9_$]*")
_MARKER_LINE_END = re.compile(r"[^\r\n]*")
_MARKER_SECTION_END = r"(?:(?<=[\r\n]))(?:={7}|>{7}\ )"  # compiled on first use (re's cache)

_NOT_IDENTIFIER_CATEGORIES = frozenset(("Cc", "Cs", "Co", "Cn", "Zl", "Zp"))
_NOT_IDENTIFIER_CHARACTERS = frozenset("\u200e\u200f\ufffd")


def is_non_ascii_identifier_character(character: str) -> bool:
    """The compiler's ``nonAsciiIdentifierMap``, restated with Unicode categories."""
    import unicodedata  # here, as below: only non-ASCII text needs it (its import costs)

    return (
        character not in _NOT_IDENTIFIER_CHARACTERS
        and unicodedata.category(character) not in _NOT_IDENTIFIER_CATEGORIES
    )


class Token:
    """One token: ``kind`` is a grammar terminal name (or the token's text when the grammar has
    no use for it, which makes the parser report it), ``value`` its decoded value."""

    __slots__ = ("column", "docs", "end", "index", "kind", "line", "offset", "value")

    def __init__(self, kind: str, value: object, offset: int, end: int, line: int, column: int, index: int):
        self.kind = kind
        self.value = value
        self.offset = offset
        self.end = end
        self.line = line
        self.column = column
        self.index = index  # in the token list
        self.docs: list[str] | None = None  # raw doc comments written right before it

    @property
    def pos(self) -> Pos:
        return Pos(self.line, self.column)

    def __repr__(self) -> str:
        return f"Token({self.kind!r}, {self.value!r}, {self.line}:{self.column})"


class LexicalError:
    __slots__ = ("code", "message", "offset")

    def __init__(self, code: str, message: str, offset: int):
        self.code = code
        self.message = message
        self.offset = offset

    def __repr__(self) -> str:
        return f"LexicalError({self.code!r}, {self.message!r}, {self.offset})"


class LineMap:
    """Offsets to 1-based (line, column); line breaks are CRLF, LF and lone CR."""

    def __init__(self, text: str):
        if "\r" in text:
            self.starts = [0, *(m.end() for m in LINE_BREAK.finditer(text))]
        else:  # line feeds only (the usual case): the same sums, without a Python loop
            lengths = list(map(len, text.split("\n")))
            self.starts = [0, *map(operator.add, accumulate(lengths[:-1]), range(1, len(lengths)))]

    def locate(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


class _OpenTemplate:
    """A string template whose ``${`` is open: its segments so far (for triple quotes)."""

    __slots__ = ("quote_offset", "segments", "tokens", "triple")

    def __init__(self, quote_offset: int, triple: bool, tokens: list[Token], segments: list[tuple[int, int]]):
        self.quote_offset = quote_offset
        self.triple = triple
        self.tokens = tokens
        self.segments = segments


class Lexer:
    """Turns one source text into tokens; ``tokens`` ends with an ``$END`` token."""

    def __init__(self, text: str, kinds: dict[str, str]):
        self.text = text
        self.kinds = kinds  # punctuation and keyword text -> grammar terminal name
        self.lines = LineMap(text)
        self._line_starts = self.lines.starts
        self._decoder = TextDecoder(text, self._error)
        self.tokens: list[Token] = []
        self.errors: list[LexicalError] = []
        self.nesting_exceeded = False
        self.too_large = False
        self._pending_docs: list[str] | None = None
        self._brackets: list[str] = []  # "(", "[", "{", "<" or "$" (an open template)
        self._templates: list[_OpenTemplate] = []
        self._chain = 0  # current run of '.', '::', '[]', typeof, valueof

    # ---------------------------------------------------------------- driver

    def run(self) -> list[Token]:
        """Lex the whole text.

        Fast path: the text is split into token candidates in one call (``_CANDIDATES``), and
        the commonest tokens (identifiers, plain punctuation, plain strings, comments) are
        made inline, their lines followed incrementally; a token that takes more (a keyword,
        nesting punctuation, a number, a template, a directive, a non-ASCII identifier, an
        error) goes to the methods of :meth:`_step`, which return where they stopped. The
        loop then picks up the candidates from there (:meth:`_resync`), lexing one token at a
        time with :meth:`_step` while that falls inside a candidate: both read the same
        alternatives in the same order, so they agree again at the next token boundary."""
        text = self.text
        length = len(text)
        parts = _CANDIDATES.split(text)  # [gap, candidate, gap, candidate, ..., gap]
        count = len(parts)
        if count // 2 > MAX_TOKENS:  # (a candidate is a token, or the start of one)
            self._error(
                "input-too-large",
                f"the file has more than {MAX_TOKENS:,} tokens (about {count // 2:,}); sse-bridge "
                "reads at most that many",
                sum(map(len, parts[: 2 * MAX_TOKENS + 1])),  # where the first one past the limit starts
            )
            self.too_large = True
            return self.tokens
        tokens = self.tokens
        append = tokens.append
        kinds = self.kinds
        plain_punctuation = {
            text: kinds.get(text, text)
            for text in _PUNCTUATION_TEXTS.split()
            if text not in _STRUCTURAL_PUNCTUATION
        }
        keywords = KEYWORDS
        reserved_words = RESERVED_WORDS
        identifier_start = _IDENTIFIER_START
        structural = _STRUCTURAL_PUNCTUATION
        number_start = _NUMBER_START
        # the line of the current token: line_starts[line - 1] <= offset < next_line_start
        line_starts = [*self._line_starts, length + 1]
        line = 1
        next_line_start = line_starts[1]
        index = 1
        start = len(parts[0])
        if text.startswith("\ufeff"):  # a byte order mark: not a token
            index, start = self._resync(parts, index, start, 1)
        while index < count:
            word = parts[index]
            end = start + len(word)
            lead = word[0]
            if lead in identifier_start:
                if end < length and text[end] > "\x7f":  # a non-ASCII identifier
                    position = self._step(start)
                    index, start = self._resync(parts, index, start, position)
                    continue
                if word in keywords:
                    self._word(start, end)
                    if self.nesting_exceeded:
                        break
                    index += 2
                    start = end + len(parts[index - 1])
                    continue
                kind = RESERVED if word in reserved_words else IDENT
                value = word
            elif word in plain_punctuation:
                kind = plain_punctuation[word]
                value = word
                self._chain = 0
            elif word in structural:
                position = self._punctuation(word, start, end)
                if self.nesting_exceeded:
                    break
                if position != end:  # a directive, the rest of a string template
                    index, start = self._resync(parts, index, start, position)
                    continue
                index += 2
                start = end + len(parts[index - 1])
                continue
            elif lead == '"' and len(word) > 1:  # a plain string
                kind = STRING
                value = word[1:-1]
                self._chain = 0
            elif lead == "/" and len(word) > 1 and word != "/*":  # a comment
                if word[1] == "*":
                    self._block_comment(start)
                index += 2
                start = end + len(parts[index - 1])
                continue
            elif lead in number_start:  # (a lone + or - is punctuation, found above)
                self._number(start, end)
                index += 2
                start = end + len(parts[index - 1])
                continue
            else:  # as _step would lex it
                if lead == '"':  # a string with escapes, a template or a triple-quoted string
                    position = self._string(start, text.startswith('"""', start))
                elif lead == "`":
                    position = self._backticked_identifier(start)
                else:
                    position = self._step(start)
                if self.nesting_exceeded:
                    break
                if position != end:
                    index, start = self._resync(parts, index, start, position)
                    continue
                index += 2
                start = end + len(parts[index - 1])
                continue
            # a token made inline: what _emit does
            if start >= next_line_start:
                while start >= next_line_start:
                    line += 1
                    next_line_start = line_starts[line]
            token = Token(kind, value, start, end, line, start - line_starts[line - 1] + 1, len(tokens))
            if self._pending_docs is not None:
                token.docs = self._pending_docs
                self._pending_docs = None
            append(token)
            index += 2
            start = end + len(parts[index - 1])
        self._emit(END, "", length, length)
        return tokens

    def _resync(self, parts: list[str], index: int, start: int, position: int) -> tuple[int, int]:
        """The first candidate (its index in ``parts`` and its offset) that starts at or after
        ``position``, where :meth:`_step` stopped; while ``position`` falls inside a
        candidate, the text is lexed on with :meth:`_step` (candidates of a string's
        contents, say, are no tokens)."""
        count = len(parts)
        while True:
            end = start + len(parts[index])
            while end <= position:
                index += 2
                if index >= count:
                    return index, start
                start = end + len(parts[index - 1])
                end = start + len(parts[index])
            if start >= position or self.nesting_exceeded:
                return index, start
            position = self._step(position)

    def _step(self, position: int) -> int:
        """Lex one token (or skip one comment) after ``position``; where it stopped."""
        text = self.text
        match = _token_pattern().match(text, position)
        if match is None:
            return self._non_ascii_or_invalid(_SPACES.match(text, position).end())
        group = match.lastgroup
        start = match.start(group)
        end = match.end()
        if group == "word":
            if end < len(text) and text[end] > "\x7f":
                end = self._identifier_end(end)
            self._word(start, end)
            return end
        if group == "punctuation":
            return self._punctuation(match.group(group), start, end)
        if group == "line_comment":
            return end
        if group == "number":
            self._number(start, end)
            return end
        if group == "string":
            return self._string(start, end - start == 3)
        if group == "block_comment":
            return self._block_comment(start)
        if group == "backtick":
            return self._backticked_identifier(start)
        if group == "conflict_marker":
            return self._conflict_marker(start)
        return len(text)  # the end of the text

    def _emit(self, kind: str, value: object, offset: int, end: int) -> Token:
        starts = self._line_starts
        line = bisect_right(starts, offset)
        tokens = self.tokens
        token = Token(kind, value, offset, end, line, offset - starts[line - 1] + 1, len(tokens))
        if self._pending_docs is not None:
            token.docs = self._pending_docs
            self._pending_docs = None
        tokens.append(token)
        return token

    def _error(self, code: str, message: str, offset: int) -> None:
        self.errors.append(LexicalError(code, message, offset))

    def _nest(self, opener: str, offset: int) -> None:
        self._brackets.append(opener)
        if len(self._brackets) + self._chain > MAX_NESTING:
            self._too_deep(offset)

    def _too_deep(self, offset: int) -> None:
        self._error("nesting-too-deep", f"nesting is deeper than {MAX_NESTING} levels", offset)
        self.nesting_exceeded = True

    # ---------------------------------------------------------------- words and numbers

    def _identifier_end(self, position: int) -> int:
        """End of an identifier whose ASCII part ended at ``position`` (non-ASCII follows)."""
        text = self.text
        length = len(text)
        while position < length:
            character = text[position]
            if character <= "\x7f":
                match = _IDENTIFIER_ASCII_CONTINUE.match(text, position)
                if match.end() == position:
                    break
                position = match.end()
            elif is_non_ascii_identifier_character(character):
                position += 1
            else:
                break
        return position

    def _word(self, offset: int, end: int) -> None:
        word = self.text[offset:end]
        if word in KEYWORDS:
            self._emit(self.kinds.get(word, word), word, offset, end)
            if word == "typeof" or word == "valueof":
                self._extend_chain(offset)
            else:
                self._chain = 0
            return
        if not word.isascii():
            import unicodedata

            word = unicodedata.normalize("NFC", word)
        self._emit(RESERVED if word in RESERVED_WORDS else IDENT, word, offset, end)

    def _non_ascii_or_invalid(self, position: int) -> int:
        text = self.text
        if _starts_identifier(text[position]):
            end = self._identifier_end(position + 1)
            self._word(position, end)
            return end
        end = position + 1  # one diagnostic for a run of invalid characters
        match_token = _token_pattern().match
        while end < len(text) and not match_token(text, end) and not _starts_identifier(text[end]):
            end += 1
        self._error("invalid-character", f"invalid character {describe_character(text[position])}", position)
        return end

    def _number(self, offset: int, end: int) -> None:
        text = self.text[offset:end]
        self._chain = 0
        problem = None
        if text.startswith(("0x", "0b")):
            if len(text) == 2:
                problem = "a hexadecimal digit" if text[1] == "x" else "a binary digit"
        else:
            mantissa, _, exponent = text.partition("e")
            if mantissa.endswith("."):
                problem = "a digit after '.'"
            elif "e" in text and not exponent.lstrip("+-"):
                problem = "a digit in the exponent"
        if problem is not None:
            self._error("syntax-error", f"invalid number '{text}': expected {problem}", offset)
        self._emit(NUMBER, text, offset, end)

    # ---------------------------------------------------------------- punctuation and brackets

    def _punctuation(self, text: str, offset: int, end: int) -> int:
        kind = self.kinds.get(text, text)
        if text not in _STRUCTURAL_PUNCTUATION:  # ; , : = | & ? @ ... and the like
            self._chain = 0
            self._emit(kind, text, offset, end)
            return end
        if text == "#":
            return self._directive(offset)
        brackets = self._brackets
        if text in ("{", "#{"):
            self._chain = 0
            self._emit(kind, text, offset, end)
            self._nest("{", offset)
        elif text in ("(", "[", "#[", "<"):
            if text == "(" or text == "[":
                self._emit(kind, text, offset, end)  # keeps a chain: typeof (..., A[]
            else:
                self._chain = 0
                self._emit(kind, text, offset, end)
            self._nest(text[-1], offset)
        elif text == "}":
            self._chain = 0
            while brackets:
                opener = brackets.pop()
                if opener == "$":
                    return self._template_continuation(offset)
                if opener == "{":
                    break
            self._emit(kind, text, offset, end)
        elif text in (")", "]", ">"):
            if text == "]" and self.tokens and self.tokens[-1].kind == self.kinds.get("["):
                self._extend_chain(offset)
            else:
                self._chain = 0
            if brackets and brackets[-1] == {")": "(", "]": "[", ">": "<"}[text]:
                brackets.pop()
            self._emit(kind, text, offset, end)
        elif text == "." or text == "::":
            self._emit(kind, text, offset, end)
            self._extend_chain(offset)
        else:
            self._chain = 0
            self._emit(kind, text, offset, end)
        return end

    def _extend_chain(self, offset: int) -> None:
        self._chain += 1
        if len(self._brackets) + self._chain > MAX_NESTING:
            self._too_deep(offset)

    # ---------------------------------------------------------------- comments

    def _block_comment(self, offset: int) -> int:
        text = self.text
        close = text.find("*/", offset + 2)
        if close < 0:
            self._error("unterminated-comment", "unterminated comment: missing '*/'", offset)
            return len(text)
        end = close + 2
        if text.startswith("/**", offset) and end - offset > 4:  # '/**/' is not a doc comment
            if self._pending_docs is None:
                self._pending_docs = []
            self._pending_docs.append(text[offset + 3 : close])
        return end

    def _conflict_marker(self, offset: int) -> int:
        text = self.text
        self._error("syntax-error", "merge conflict marker", offset)
        if text[offset] in "<>":
            return _MARKER_LINE_END.match(text, offset).end()
        found = re.compile(_MARKER_SECTION_END).search(text, offset + 7)
        while found is not None and text[found.start()] == text[offset]:
            found = re.compile(_MARKER_SECTION_END).search(text, found.end())
        return found.start() if found else len(text)

    # ---------------------------------------------------------------- strings

    def _string(self, quote_offset: int, triple: bool) -> int:
        """Scan a string or the head of a string template; return the position after it."""
        content_start = quote_offset + (3 if triple else 1)
        content_end, after, kind = self._string_segment(content_start, triple, quote_offset)
        if kind == STRING_HEAD:
            template = _OpenTemplate(quote_offset, triple, [], [(content_start, content_end)])
            value = "" if triple else self._decoder.unescape(content_start, content_end)
            template.tokens.append(self._emit(STRING_HEAD, value, quote_offset, after))
            self._templates.append(template)
            self._chain = 0
            self._nest("$", quote_offset)
            return after
        if triple:
            value = "".join(
                self._decoder.unindent(quote_offset, [(content_start, content_end)], kind == STRING)
            )
        else:
            value = self._decoder.unescape(content_start, content_end)
        self._chain = 0
        self._emit(STRING, value, quote_offset, after)
        return after

    def _template_continuation(self, brace_offset: int) -> int:
        """After the '}' closing a ``${``: the next middle or tail segment of the template."""
        template = self._templates.pop()
        content_start = brace_offset + 1
        content_end, after, kind = self._string_segment(content_start, template.triple, template.quote_offset)
        template.segments.append((content_start, content_end))
        closed = kind == STRING
        kind = STRING_MIDDLE if kind == STRING_HEAD else STRING_TAIL
        value = "" if template.triple else self._decoder.unescape(content_start, content_end)
        token = self._emit(kind, value, brace_offset, after)
        template.tokens.append(token)
        if kind == STRING_MIDDLE:
            self._templates.append(template)
            self._nest("$", brace_offset)
        elif template.triple:
            values = self._decoder.unindent(template.quote_offset, template.segments, closed)
            for each_token, value in zip(template.tokens, values, strict=True):
                each_token.value = value
        return after

    def _string_segment(self, start: int, triple: bool, quote_offset: int) -> tuple[int, int, str]:
        """Find where a string segment ends: ``(content_end, position_after, kind)``, kind being
        STRING (closed by quotes), STRING_HEAD (stopped at ``${``) or "unterminated"."""
        text = self.text
        stop = _TRIPLE_STRING_STOP if triple else _SINGLE_STRING_STOP
        position = start
        while True:
            match = stop.search(text, position)
            if match is None:
                break
            found = match.start()
            character = text[found]
            if character == "\\":
                position = found + 2
                if position > len(text):
                    break
            elif character == '"':
                if not triple:
                    return found, found + 1, STRING
                if text.startswith('"""', found):
                    return found, found + 3, STRING
                position = found + 1
            elif character == "$":
                if text.startswith("${", found):
                    return found, found + 2, STRING_HEAD
                position = found + 1
            else:  # a line break ends a single-line string
                self._error("unterminated-string", "unterminated string: missing closing '\"'", quote_offset)
                return found, found, UNTERMINATED
        closing = '"""' if triple else '"'
        self._error("unterminated-string", f"unterminated string: missing closing '{closing}'", quote_offset)
        return len(text), len(text), UNTERMINATED

    # ---------------------------------------------------------------- backticked identifiers

    def _backticked_identifier(self, offset: int) -> int:
        text = self.text
        position = offset + 1
        while True:
            match = _BACKTICK_STOP.search(text, position)
            if match is None or text[match.start()] in "\r\n":
                self._error("unterminated-string", "unterminated identifier: missing closing '`'", offset)
                end = match.start() if match else len(text)
                content_end = end
                break
            if text[match.start()] == "\\":
                position = match.start() + 2
                if position > len(text):
                    self._error("unterminated-string", "unterminated identifier: missing closing '`'", offset)
                    end = content_end = len(text)
                    break
                continue
            content_end = match.start()
            end = content_end + 1
            break
        name = self._decoder.unescape(offset + 1, content_end)
        if not name.isascii():
            import unicodedata

            name = unicodedata.normalize("NFC", name)
        self._chain = 0
        self._emit(IDENT, name, offset, end)
        return end

    # ---------------------------------------------------------------- directives

    def _directive(self, offset: int) -> int:
        """``#suppress "code" "message"`` / ``#deprecated "message"``: one DIRECTIVE token whose
        value is a :class:`Directive`; its arguments (identifiers, strings) end at a line break."""
        text = self.text
        self._chain = 0
        token = self._emit(DIRECTIVE, None, offset, offset + 1)
        position, name_part = self._directive_part(offset + 1, allow_line_break=True)
        if name_part is None or name_part[0] != IDENT:
            self._error(
                "syntax-error", "expected a directive name after '#'", name_part[2] if name_part else position
            )
            token.value = Directive("", (), pos=token.pos)
            return _MARKER_LINE_END.match(text, position).end()
        name, position = name_part[1], name_part[3]
        if name not in DIRECTIVE_NAMES:
            self._error("syntax-error", f"unknown directive {quoted('#' + name)}", offset)
        arguments = []
        while True:
            position, part = self._directive_part(position, allow_line_break=False)
            if part is None:
                if not arguments:  # the compiler would take the next line as its arguments
                    self._error(
                        "syntax-error",
                        f"the directive {quoted('#' + name)} needs its arguments on its line",
                        offset,
                    )
                break
            kind, value, part_offset, position = part
            line, column = self.lines.locate(part_offset)
            if kind == IDENT:
                arguments.append(Identifier(value, pos=Pos(line, column)))
            elif kind == STRING:
                arguments.append(StringLiteral(value, pos=Pos(line, column)))
            else:
                self._error(
                    "syntax-error",
                    "a directive argument must be an identifier or a string literal",
                    part_offset,
                )
                position = _MARKER_LINE_END.match(text, part_offset).end()
                break
        token.value = Directive(name, tuple(arguments), pos=token.pos)
        token.end = position
        return position

    def _directive_part(self, position: int, allow_line_break: bool) -> tuple[int, tuple | None]:
        """Skip trivia; return ``(position, (kind, value, offset, end))`` for the next simple
        token of a directive, or ``(position, None)`` at a line break (or the end)."""
        text = self.text
        length = len(text)
        while position < length:
            match = _directive_pattern().match(text, position)
            group = match.lastgroup if match else None
            if group == "space" or group == "line_comment":
                position = match.end()
            elif group == "newline":
                if not allow_line_break:
                    return position, None
                position = match.end()
            elif group == "block_comment":
                close = text.find("*/", position + 2)
                position = length if close < 0 else close + 2
            elif group == "word":
                end = self._identifier_end(match.end())
                word = text[position:end]
                kind = IDENT if word not in KEYWORDS else "keyword"
                return position, (kind, word, position, end)
            elif group == "string" and match.end() - position == 1:
                errors_before = len(self.errors)
                content_end, after, kind = self._string_segment(position + 1, False, position)
                if kind != STRING:
                    del self.errors[errors_before:]
                    return position, ("other", None, position, after)
                return position, (STRING, self._decoder.unescape(position + 1, content_end), position, after)
            elif group == "backtick":
                token_count = len(self.tokens)
                end = self._backticked_identifier(position)
                identifier = self.tokens.pop()
                assert len(self.tokens) == token_count
                return position, (IDENT, identifier.value, position, end)
            else:
                return position, ("other", None, position, position + 1)
        return position, None


def _starts_identifier(character: str) -> bool:
    return character > "\x7f" and is_non_ascii_identifier_character(character)


def lex(text: str, kinds: dict[str, str]) -> Lexer:
    lexer = Lexer(text, kinds)
    lexer.run()
    return lexer
