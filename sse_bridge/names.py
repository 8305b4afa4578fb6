"""Identifiers and string literals of TypeSpec (README "Event streams"), and naming helpers.

The rules mirror the compiler's own printer (``printIdentifier`` in
``@typespec/compiler``): keywords and names that are not identifiers are written in
backticks; in member positions (properties, variants, enum members, parameters) the
reserved-for-future keywords and the modifier keywords may stand bare.
"""

from __future__ import annotations

import re
import unicodedata

KEYWORDS = frozenset(
    [
        "import",
        "model",
        "scalar",
        "namespace",
        "interface",
        "union",
        "if",
        "else",
        "projection",
        "using",
        "op",
        "extends",
        "is",
        "enum",
        "alias",
        "dec",
        "fn",
        "valueof",
        "typeof",
        "const",
        "init",
        "true",
        "false",
        "return",
        "void",
        "never",
        "unknown",
        "extern",
        "internal",
    ]
)
RESERVED_KEYWORDS = frozenset(
    [
        "statemachine",
        "macro",
        "package",
        "metadata",
        "env",
        "arg",
        "declare",
        "array",
        "struct",
        "record",
        "module",
        "mod",
        "sym",
        "context",
        "prop",
        "property",
        "scenario",
        "pub",
        "sub",
        "typeref",
        "trait",
        "this",
        "self",
        "super",
        "keyof",
        "with",
        "implements",
        "impl",
        "satisfies",
        "flag",
        "auto",
        "partial",
        "private",
        "public",
        "protected",
        "sealed",
        "local",
        "async",
    ]
)
MODIFIER_KEYWORDS = frozenset({"extern", "internal"})

# TypeSpec's standard scalars (``TypeSpec`` namespace), by kind: the names an ``ir.Intrinsic``
# carries besides ``null``, ``void``, ``never`` and ``unknown``.
INTEGER_SCALARS = frozenset(
    {"integer", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "safeint"}
)
NUMERIC_SCALARS = INTEGER_SCALARS | {"numeric", "float", "float32", "float64", "decimal", "decimal128"}
STANDARD_SCALARS = NUMERIC_SCALARS | {
    "string",
    "boolean",
    "bytes",
    "url",
    "plainDate",
    "plainTime",
    "utcDateTime",
    "offsetDateTime",
    "duration",
}

# Names the generated TypeSpec refers to without qualification (standard types, intrinsics, the
# roots of library namespaces, library templates brought in by ``using``). A declaration of
# the document so named would shadow them inside the service namespace: the writer gives it
# another identifier and keeps its name with ``@friendlyName``.
REFERENCED_NAMES = STANDARD_SCALARS | {
    "null",
    "Record",
    "Array",
    "Lifecycle",
    "TypeSpec",
    "Http",
    "OpenAPI",
    "SSE",
    "SSEStream",
    "JsonlStream",
    "HttpStream",
    "HttpPart",
    "NoAuth",
    "GeneratedHelpers",
}

_ASCII_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")


def _is_identifier_start(ch: str) -> bool:
    if ch.isascii():
        return ch.isalpha() or ch in "_$"
    return unicodedata.category(ch) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nl")


def _is_identifier_continue(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum() or ch in "_$"
    return unicodedata.category(ch) in ("Lu", "Ll", "Lt", "Lm", "Lo", "Nl", "Mn", "Mc", "Nd", "Pc")


def is_plain_identifier(name: str) -> bool:
    """True when ``name`` is lexically an identifier (keywords aside)."""
    if _ASCII_IDENTIFIER.match(name):
        return True
    return bool(name) and _is_identifier_start(name[0]) and all(_is_identifier_continue(c) for c in name[1:])


def needs_backticks(name: str, member: bool = False) -> bool:
    if member and (name in RESERVED_KEYWORDS or name in MODIFIER_KEYWORDS):
        return False
    if name in KEYWORDS or (not member and name in RESERVED_KEYWORDS):
        return True
    return not is_plain_identifier(name)


def identifier(name: str, member: bool = False) -> str:
    """``name`` as TypeSpec source: bare when possible, else in backticks."""
    if not needs_backticks(name, member):
        return name
    escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return "`" + escaped.replace("`", "\\`") + "`"


_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "$": "\\$"}
_NEEDS_ESCAPE = re.compile(r'[\\"\n\r\t]|\$\{|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')


def string_literal(value: str) -> str:
    """A TypeSpec string literal for ``value`` (``${`` is escaped: it would start a template)."""
    if not _NEEDS_ESCAPE.search(value):
        return f'"{value}"'

    def escape(match: re.Match[str]) -> str:
        text = match.group()
        if text == "${":
            return "\\${"
        if text in _STRING_ESCAPES:
            return _STRING_ESCAPES[text]
        return f"\\u{{{ord(text):x}}}"

    return '"' + _NEEDS_ESCAPE.sub(escape, value) + '"'


_WORD = re.compile(r"[A-Za-z0-9]+")


def pascal_case(text: str) -> str:
    """``response.output_text.delta`` → ``ResponseOutputTextDelta``; keeps inner capitals."""
    words = _WORD.findall(text)
    result = "".join(word[:1].upper() + word[1:] for word in words)
    if not result:
        return "Unnamed"
    if result[0].isdigit():
        result = "_" + result
    return result


def camel_case(text: str) -> str:
    name = pascal_case(text)
    return name[:1].lower() + name[1:] if name[:1] != "_" else name


class NameAllocator:
    """Hands out unique declaration names in one namespace, in request order."""

    def __init__(self) -> None:
        self._taken: set[str] = set()
        self._taken_folded: set[str] = set()

    def reserve(self, name: str) -> None:
        self._taken.add(name)
        self._taken_folded.add(name.casefold())

    def __contains__(self, name: str) -> bool:
        return name in self._taken

    def allocate(self, wanted: str) -> str:
        """``wanted`` if free, else ``wanted2``, ``wanted3`` ..."""
        name, counter = wanted, 1
        while name in self._taken:
            counter += 1
            name = f"{wanted}{counter}"
        self.reserve(name)
        return name
