"""Decoding the text of string literals and doc comments, as the TypeSpec compiler does.

String escapes are ``\\r \\n \\t \\" \\\\ \\$ \\@ \\``` only (any other is ``invalid-escape``);
triple-quoted strings are unindented by the compiler's rules (``unindentAndUnescape
TripleQuotedString`` in compiler/src/core/scanner.ts); doc comments lose their ``*``
margins (``parseDocContent`` in parser.ts). Problems go to a ``report(code, message,
offset)`` callback, so that the lexer can collect them with their source offsets.
"""

from __future__ import annotations

import re
from collections.abc import Callable

SINGLE_LINE_SPACE = " \t\x0b\x0c\x85\u200e\u200f\u2028\u2029"
ANY_SPACE = SINGLE_LINE_SPACE + "\r\n"
ESCAPES = {"r": "\r", "n": "\n", "t": "\t", '"': '"', "\\": "\\", "$": "$", "@": "@", "`": "`"}
LINE_BREAK = re.compile(r"\r\n?|\n")

Report = Callable[[str, str, int], None]


class TextDecoder:
    """Decodes parts of one source ``text``; offsets are positions in that text."""

    def __init__(self, text: str, report: Report):
        self.text = text
        self.report = report

    def unescape(self, start: int, end: int) -> str:
        text = self.text
        backslash = text.find("\\", start, end)
        if backslash < 0:
            return text[start:end]
        parts = []
        while backslash >= 0:
            parts.append(text[start:backslash])
            if backslash + 1 >= end:  # a trailing backslash: only in an unterminated string
                self.report(
                    "invalid-escape", "invalid escape sequence: '\\' at the end of the string", backslash
                )
                start = end
                break
            parts.append(self._escape(backslash))
            start = backslash + 2
            backslash = text.find("\\", start, end)
        parts.append(text[start:end])
        return "".join(parts)

    def _escape(self, backslash: int) -> str:
        character = self.text[backslash + 1]
        decoded = ESCAPES.get(character)
        if decoded is None:
            shown = (
                f"'\\{character}'" if character.isprintable() else f"'\\' + {describe_character(character)}"
            )
            self.report("invalid-escape", f"invalid escape sequence {shown}", backslash)
            return character
        return decoded

    def unindent(self, quote_offset: int, segments: list[tuple[int, int]], closed: bool) -> list[str]:
        """The compiler's unindentAndUnescapeTripleQuotedString, for a literal or every segment
        of a template: the first segment starts after a required line break, the last ends
        before one, and every line loses the indentation of the closing delimiter."""
        text = self.text
        last_start, last_end = segments[-1]
        indentation_start = last_end
        while indentation_start > last_start and text[indentation_start - 1] in SINGLE_LINE_SPACE:
            indentation_start -= 1
        indentation = text[indentation_start:last_end]
        values = []
        for number, (start, end) in enumerate(segments):
            first = number == 0
            last = number == len(segments) - 1
            if first:
                while start < end and text[start] in SINGLE_LINE_SPACE:
                    start += 1
                if start < len(text) and text[start] in "\r\n":
                    start += 2 if text.startswith("\r\n", start) and start < end - 1 else 1
                elif closed or not last:
                    self.report("syntax-error", 'a """ string must start with a line break', quote_offset)
            if last and closed:
                while end > start and text[end - 1] in SINGLE_LINE_SPACE:
                    end -= 1
                if text[end - 1] in "\r\n":  # may pass `start`: the empty string """\n"""
                    end -= 2 if end - 2 >= start and text.startswith("\r\n", end - 2) else 1
                else:
                    self.report("syntax-error", 'a """ string must end with a line break', quote_offset)
            values.append(self._unindent_segment(start, end, indentation, not first, quote_offset))
        return values

    def _unindent_segment(
        self, start: int, end: int, indentation: str, continues_line: bool, quote_offset: int
    ) -> str:
        text = self.text
        parts = []
        position = start
        while position < end:
            if continues_line:
                continues_line = False
            else:
                start = self._skip_indentation(position, end, indentation, quote_offset)
            while position < end and text[position] not in "\r\n":
                if text[position] == "\\":
                    parts.append(text[start:position])
                    if position == end - 1:
                        self.report(
                            "invalid-escape", "invalid escape sequence '\\' at the end of a line", position
                        )
                        position += 1
                    else:
                        parts.append(self._escape(position))
                        position += 2
                    start = position
                else:
                    position += 1
            if position < end:
                if text.startswith("\r\n", position) and position < end - 1:
                    parts.append(text[start:position])
                    parts.append("\n")
                    position += 2
                else:
                    position += 1
                    parts.append(text[start:position])
                start = position
        parts.append(text[start:position])
        return "".join(parts)

    def _skip_indentation(self, position: int, end: int, indentation: str, quote_offset: int) -> int:
        limit = min(end, position + len(indentation))
        index = 0
        while position < limit:
            character = self.text[position]
            if character in "\r\n":
                break  # a blank line may have less indentation
            if character != indentation[index]:
                self.report(
                    "syntax-error",
                    'every line of a """ string must start with the indentation of its closing """',
                    quote_offset,
                )
                break
            index += 1
            position += 1
        return position


def describe_character(character: str) -> str:
    """``'x'`` for printable ASCII, ``'é' (U+00E9)`` for other printables, else ``U+0000``."""
    code = f"U+{ord(character):04X}"
    if not character.isprintable() or character.isspace():
        return code
    return f"'{character}'" if character.isascii() else f"'{character}' ({code})"


def quoted(text: str, limit: int = 40) -> str:
    """``'text'`` for a message: unprintable characters (and lone surrogates, which no output
    stream can encode) escaped, long texts cut."""
    shown = "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text[:limit])
    return f"'{shown}...'" if len(text) > limit else f"'{shown}'"


def doc_comment_text(raw: str) -> str | None:
    """The text of a doc comment, given what lies between ``/**`` and ``*/``.

    As the compiler's parseDocContent: each line after the first loses its leading
    whitespace, a ``*`` and the whitespace after it (inside a ``` fence only one space
    after the ``*``); a line without ``*`` keeps its indentation; line breaks become
    ``\\n``; the whole is trimmed. ``@param``/``@returns`` tags and ``\\@`` stay as written.
    Returns None for an empty comment.
    """
    lines = LINE_BREAK.split(raw)
    kept = [lines[0]]
    in_fence = _toggles_fence(lines[0], False)
    for line in lines[1:]:
        stripped = line.lstrip(SINGLE_LINE_SPACE)
        if stripped.startswith("*"):
            rest = stripped[1:]
            if not in_fence:
                rest = rest.lstrip(SINGLE_LINE_SPACE)
            elif rest[:1] and rest[0] in SINGLE_LINE_SPACE:
                rest = rest[1:]
            line = rest
        kept.append(line)
        in_fence = _toggles_fence(line, in_fence)
    text = "\n".join(kept).strip(ANY_SPACE)
    return text or None


def _toggles_fence(line: str, in_fence: bool) -> bool:
    """Whether a doc line leaves us inside a ``` code fence (code spans `x` do not count)."""
    position = line.find("`")
    while position >= 0:
        if line.startswith("```", position):
            in_fence = not in_fence
            position = line.find("`", position + 3)
        else:
            close = line.find("`", position + 1)
            position = -1 if close < 0 else line.find("`", close + 1)
    return in_fence
