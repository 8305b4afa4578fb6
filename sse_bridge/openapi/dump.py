"""Writing OpenAPI documents as YAML or JSON, deterministically (README "Usage").

The YAML writer is our own, for JSON data only (mappings, lists, strings, numbers, booleans,
null): block style, two-space indentation, keys in insertion order. A string is written plain
only when every YAML reader — 1.1 (PyYAML, which takes ``yes``, ``on``, ``1_000``, dates)
as well as 1.2 — reads it back as that same string; otherwise single-quoted, or, when it has
line breaks, as a literal block (``|-``) if it can be, else double-quoted with JSON escapes
(a JSON string is a valid YAML double-quoted scalar). It is several times faster than
PyYAML's representer, which spends most of a large document's time in Python.
"""

from __future__ import annotations

import functools
import math
import re

# Plain scalars: printable ASCII starting with a letter, ``_``, ``$``, ``/`` or ``(`` (never an
# indicator, a digit or a sign), and not a word a YAML 1.1 or 1.2 reader takes for a
# boolean, a null or a number.
_PLAIN = re.compile(r"[A-Za-z_$/(][ -~]*\Z")
_SPECIAL_WORDS = frozenset(
    {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"}
    | {"true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~"}
    | {".inf", ".Inf", ".INF", "-.inf", ".nan", ".NaN", ".NAN"}
)


_DIGIT_LED = re.compile(r"[0-9.][ -~]*\Z")


def _plain_ok(text: str) -> bool:
    if not text or text in _SPECIAL_WORDS or text != text.strip():
        return False
    if ": " in text or " #" in text or text.endswith(":"):
        return False
    if _PLAIN.match(text):
        return True
    # ``3.2.0``, ``1.0.0-beta``: plain, when no YAML 1.1 or 1.2 reader takes it for a number,
    # a date or a time.
    return bool(_DIGIT_LED.match(text)) and _read_as_string(text)


# What a YAML reader takes for a number, a date or a time among digit-led plain scalars: the
# implicit resolvers of PyYAML (YAML 1.1: ``1_000``, ``0b101``, ``1:30``, ``2024-01-01``) and of
# the YAML 1.2 core schema, copied here so that writing never imports a YAML library.
_NUMBER_OR_DATE = r"""
    [-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?  # 1.1 floats
    | \.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
    | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)
    | [-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*)  # 1.1 integers
    | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    | [0-9]{4}-[0-9]{2}-[0-9]{2}  # 1.1 timestamps
    | [0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
      (?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?
    | [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+  # 1.2 core integers and floats
    | [-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
    """


def _read_as_string(text: str) -> bool:
    if text.isascii() and text.isdigit():  # ``200``: an integer to every reader
        return False
    if text.count(".") > 1 and text.replace(".", "").isascii() and text.replace(".", "").isdigit():
        return True  # ``3.2.0``: no number has two dots, no date or time is only digits and dots
    return _number_or_date().fullmatch(text) is None


@functools.cache
def _number_or_date() -> re.Pattern[str]:
    """``_NUMBER_OR_DATE``, compiled on first use (~1 ms): the OpenAPI documents' usual
    digit-led strings, status codes and versions, are told apart without it."""
    return re.compile(_NUMBER_OR_DATE, re.VERBOSE)


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        mantissa, _, exponent = text.partition("e")
        if "." not in mantissa:  # YAML 1.1 readers need the dot to see a float
            mantissa += ".0"
        return f"{mantissa}e{exponent}" if exponent else mantissa
    text = str(value)
    if _plain_ok(text):
        return text
    if "\n" in text or not text.isprintable():
        return _double_quoted(text)
    return "'" + text.replace("'", "''") + "'"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar: printable characters as they are, everything else escaped
    (``\\xXX``, ``\\uXXXX``, ``\\UXXXXXXXX``: YAML has the 8-digit form, JSON does not)."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char.isprintable():
            out.append(char)
        else:
            code = ord(char)
            out.append(
                f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
            )
    return '"' + "".join(out) + '"'


def _block(text: str, indent: str) -> str | None:
    """A literal block for a multi-line string, when one says exactly the same thing."""
    if not text.isprintable() and any(not (c.isprintable() or c == "\n") for c in text):
        return None
    lines = text.split("\n")
    if lines[0][:1] in (" ", "\t") or any(line != line.rstrip() for line in lines):
        return None
    if text.endswith("\n\n") or text == "\n":
        return None
    chomp = "" if text.endswith("\n") else "-"
    body = lines[:-1] if text.endswith("\n") else lines
    return f"|{chomp}\n" + "\n".join(f"{indent}{line}" if line else "" for line in body)


def to_yaml(document: object) -> str:
    lines: list[str] = []
    if isinstance(document, dict):
        if document:
            _Writer(lines).mapping(document, "", "")
        else:
            lines.append("{}")
    elif isinstance(document, list):
        if document:
            _Writer(lines).sequence(document, "")
        else:
            lines.append("[]")
    else:
        lines.append(_scalar(document))
    return "\n".join(lines) + "\n"


class _Writer:
    """Block lines for JSON data. A document repeats the same keys and strings (``type``,
    ``$ref`` targets, names) thousands of times, so how each one is written is worked out
    once (``keys``, ``strings``); plain ``dict``, ``list`` and ``str`` values (nearly all)
    are told apart by their exact class, any other value takes the general path."""

    __slots__ = ("keys", "lines", "strings")

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.keys: dict[object, str] = {}  # a key -> "key:"
        self.strings: dict[str, str] = {}  # a single-line string -> its scalar

    def mapping(self, mapping: dict, first: str, indent: str) -> None:
        """The entries of a non-empty mapping at ``indent``, the first one's line starting
        with ``first`` instead (``"- "`` when the mapping is a list item)."""
        lines = self.lines
        keys = self.keys
        strings = self.strings
        inner = indent + "  "
        prefix = first
        for key, item in mapping.items():
            head = keys.get(key)
            if head is None:
                head = keys[key] = _key(key) + ":"
            head = prefix + head
            prefix = indent
            kind = item.__class__
            if kind is str and "\n" not in item:
                scalar = strings.get(item)
                if scalar is None:
                    scalar = strings[item] = _scalar(item)
                lines.append(f"{head} {scalar}")
            elif kind is dict and item:
                lines.append(head)
                self.mapping(item, inner, inner)
            elif kind is list and item:
                lines.append(head)
                self.sequence(item, inner)
            else:
                self.leaf(head, item, inner)

    def sequence(self, items: list, indent: str) -> None:
        """The items of a non-empty list at ``indent``: ``- item`` lines; a mapping's first
        key shares its dash's line (``- key: value``)."""
        lines = self.lines
        strings = self.strings
        head = indent + "-"
        inner = indent + "  "
        for item in items:
            kind = item.__class__
            if kind is dict and item:
                self.mapping(item, indent + "- ", inner)
            elif kind is str and "\n" not in item:
                scalar = strings.get(item)
                if scalar is None:
                    scalar = strings[item] = _scalar(item)
                lines.append(f"{head} {scalar}")
            elif kind is list and item:
                lines.append(head)
                self.sequence(item, inner)
            elif isinstance(item, dict) and item:  # a subclass of dict
                self.mapping(item, indent + "- ", inner)
            else:
                self.leaf(head, item, inner)

    def leaf(self, head: str, item: object, inner: str) -> None:
        """``head`` and a value of any other kind: an empty collection, a multi-line string,
        a number, a boolean, null, or a subclass of dict, list or str."""
        if isinstance(item, dict) and item:
            self.lines.append(head)
            self.mapping(item, inner, inner)
        elif isinstance(item, list) and item:
            self.lines.append(head)
            self.sequence(item, inner)
        elif isinstance(item, dict):
            self.lines.append(f"{head} {{}}")
        elif isinstance(item, list):
            self.lines.append(f"{head} []")
        elif isinstance(item, str) and "\n" in item:
            block = _block(item, inner)
            self.lines.append(f"{head} {block}" if block is not None else f"{head} {_scalar(item)}")
        else:
            self.lines.append(f"{head} {_scalar(item)}")


def _key(key: object) -> str:
    return _scalar(str(key))


def to_json(document: dict) -> str:
    import json  # here: only JSON output needs it

    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
