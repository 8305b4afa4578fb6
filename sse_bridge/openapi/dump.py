"""Writing OpenAPI documents as YAML or JSON, deterministically (SPEC §2).

The YAML writer is our own, for JSON data only (mappings, lists, strings, numbers, booleans,
null): block style, two-space indentation, keys in insertion order. A string is written plain
only when every YAML reader — 1.1 (PyYAML, which takes ``yes``, ``on``, ``1_000``, dates)
as well as 1.2 — reads it back as that same string; otherwise single-quoted, or, when it has
line breaks, as a literal block (``|-``) if it can be, else double-quoted with JSON escapes
(a JSON string is a valid YAML double-quoted scalar). It is several times faster than
PyYAML's representer, which spends most of a large document's time in Python.
"""

from __future__ import annotations

import json
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
_NUMBER_OR_DATE = re.compile(
    r"""
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
    """,
    re.VERBOSE,
)


def _read_as_string(text: str) -> bool:
    return _NUMBER_OR_DATE.fullmatch(text) is None


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
    out: list[str] = []
    _write(document, "", out)
    return "\n".join(out) + "\n"


def _key(key: object) -> str:
    return _scalar(str(key))


def _write(value: object, indent: str, out: list[str]) -> None:
    """``value`` (a mapping or a list) as block lines at ``indent``."""
    if isinstance(value, dict):
        if not value:
            out.append(f"{indent}{{}}")
            return
        for key, item in value.items():
            _member(f"{indent}{_key(key)}:", item, indent, out)
    elif isinstance(value, list):
        if not value:
            out.append(f"{indent}[]")
            return
        for item in value:
            _member(f"{indent}-", item, indent, out, in_list=True)
    else:
        out.append(indent + _scalar(value))


def _member(head: str, item: object, indent: str, out: list[str], in_list: bool = False) -> None:
    inner = indent + "  "
    if isinstance(item, dict) and item:
        if in_list:
            # The first key shares the dash's line: "- key: value".
            first = True
            for key, child in item.items():
                prefix = f"{indent}- " if first else inner
                _member(f"{prefix}{_key(key)}:", child, inner, out)
                first = False
        else:
            out.append(head)
            _write(item, inner, out)
    elif isinstance(item, list) and item:
        out.append(head)
        _write(item, inner, out)
    elif isinstance(item, dict):
        out.append(f"{head} {{}}")
    elif isinstance(item, list):
        out.append(f"{head} []")
    elif isinstance(item, str) and "\n" in item:
        block = _block(item, inner)
        out.append(f"{head} {block}" if block is not None else f"{head} {_scalar(item)}")
    else:
        out.append(f"{head} {_scalar(item)}")


def to_json(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
