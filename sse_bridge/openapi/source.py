"""Reading an OpenAPI document: bytes → JSON data plus a locator for diagnostics (README "Diagnostics").

- YAML goes through libyaml (PyYAML's C parser) with a YAML 1.2 core-schema resolver (no
  timestamps, no ``yes``/``on`` booleans) and an iterative constructor that records where
  every mapping key and sequence item starts, shares aliased nodes instead of copying them,
  and refuses alias expansion that would blow up the work downstream ("billion laughs").
- JSON goes through the standard library's C decoder; positions are recovered lazily, only
  when a diagnostic needs one, by a small tokenizer.
- Nesting deeper than :data:`MAX_DEPTH` is refused before the C parsers see it (libyaml is
  quadratic and recursive on deep flow nesting), so no input can crash or hang the loader.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..decoding import line_column
from ..diagnostics import Diagnostic, InputError, LazyLocation, Level, Location

MAX_DEPTH = 200
MAX_EXPANSION_FACTOR = 20  # aliased data may expand to this many times the node count
MIN_EXPANSION_BUDGET = 1_000_000

Pointer = tuple[str | int, ...]


@dataclass
class Source:
    """A loaded document: ``data`` (JSON values) and where each part of it came from."""

    name: str
    text: str
    data: object
    warnings: list[Diagnostic] = field(default_factory=list)
    _index: _PositionIndex | None = field(default=None, repr=False)  # None: JSON, built on demand
    # The tree as parsed, which positions are recorded on; ``data`` may be replaced by a
    # corrected copy (``shapes.ShapeChecker``), sharing every part that needed no correction.
    parsed: object = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.parsed is None:
            self.parsed = self.data

    def lazy_location(self, pointer: Pointer) -> Location:
        """The location of ``pointer``, looked up only if it is ever read."""
        return LazyLocation(lambda: _as_tuple(self.locate(pointer)))

    def locate(self, pointer: Pointer) -> Location:
        """The location of the value at ``pointer`` (its key, for mapping members), or of its
        nearest ancestor that has one."""
        if self._index is None:
            self._index = _index_json(self.text)
        line, column = self._index.find(self.parsed, pointer)
        return Location(self.name, line, column)


def _as_tuple(location: Location) -> tuple[str, int, int]:
    return location.path, location.line, location.column


def error(code: str, message: str, name: str, line: int = 1, column: int = 1) -> InputError:
    return InputError([Diagnostic(code, Level.ERROR, message, Location(name, line, column))])


def load(text: str, name: str) -> Source:
    """Parse JSON or YAML text into a :class:`Source`; errors raise ``InputError``."""
    _check_nesting(text, name)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            if name.endswith(".json"):
                raise error("invalid-json", exc.msg, name, exc.lineno, exc.colno) from None
        except ValueError:  # an integer of more digits than Python converts (4,300)
            if name.endswith(".json"):
                match = _LONG_NUMBER.search(text)
                line, column = line_column(text, match.start()) if match else (1, 1)
                raise error("invalid-json", _TOO_MANY_DIGITS, name, line, column) from None
        except RecursionError:
            raise error(
                "nesting-too-deep", f"the document nests deeper than {MAX_DEPTH} levels", name
            ) from None
        else:
            _check_depth(data, name)
            loaded = Source(name, text, data)
            if _MAYBE_NOT_JSON_DATA.search(text):
                _check_json_data(loaded)
            return loaded
    from . import _yaml_loader

    data, index, warnings = _yaml_loader.load_yaml(text, name)
    return Source(name, text, data, warnings, index)


# --- guards -----------------------------------------------------------------------------------

_TOO_MANY_DIGITS = "a number of more digits than sse-bridge reads (4,300)"
_LONG_NUMBER = re.compile(r"[0-9]{4301,}")
# What Python's JSON decoder accepts but is no JSON data: NaN and infinities (written so, or
# numbers beyond a double's range) and lone surrogates (``"\\udc00"``): searched for only
# when the text holds something that may be one.
_MAYBE_NOT_JSON_DATA = re.compile(r"NaN|Infinity|[eE]\+?0*[0-9]{3}|[0-9]{300}|\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_json_data(source: Source) -> None:
    """Refuse the first value Python decoded from the JSON text that JSON data cannot hold."""
    stack: list[tuple[object, Pointer]] = [(source.data, ())]
    while stack:
        value, pointer = stack.pop()
        problem = None
        if isinstance(value, float) and not math.isfinite(value):
            problem = f"{value} is no JSON number (NaN, an infinity, or beyond the range of a double)"
        elif isinstance(value, str) and _SURROGATE.search(value):
            problem = "a string holds half of a surrogate pair (a '\\u' escape), which is no character"
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                stack.append((item, (*pointer, key)))
                if _SURROGATE.search(key):
                    stack.append((key, (*pointer, key)))
        elif isinstance(value, list):
            stack.extend((item, (*pointer, index)) for index, item in reversed(list(enumerate(value))))
        if problem is not None:
            location = source.locate(pointer)
            raise error("invalid-json", problem, source.name, location.line, location.column)


_FLOW_BRACKET = re.compile(r"[\[\]{}]")
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_INNERMOST_PAIR = re.compile(r"\[\]|\{\}")
_DEEP_INDENT = re.compile(rf"^[ \t]{{{MAX_DEPTH * 4},}}\S", re.MULTILINE)
_DASH_RUNS = tuple(dash * MAX_DEPTH for dash in ("- ", "-  ", "-\t", "- \t"))


def _check_nesting(text: str, name: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH cheaply, before any parser recurses on it.

    Flow nesting: the brackets alone, with innermost pairs removed pass after pass (each pass
    in C); more passes than MAX_DEPTH means deeper nesting. Brackets inside strings count too,
    which can only over-estimate: a real document never comes near the limit. Block nesting:
    runs of compact sequence dashes (``- - - x``) and absurd indentation."""
    brackets = _NOT_BRACKET.sub("", text)
    passes = 0
    while brackets and passes <= MAX_DEPTH:
        reduced = _INNERMOST_PAIR.sub("", brackets)
        if reduced == brackets:
            break
        brackets, passes = reduced, passes + 1
    # Too many passes, or openers left unmatched (``[[[[`` never closed) that could nest deep:
    # find the first bracket past the limit by counting, once.
    if passes > MAX_DEPTH or brackets.count("[") + brackets.count("{") > MAX_DEPTH:
        offset = _deep_bracket(text)
        if offset >= 0:
            _raise_nesting(text, name, offset)
    for run in _DASH_RUNS:
        found = text.find(run)
        if found >= 0:
            _raise_nesting(text, name, found)
    match = _DEEP_INDENT.search(text)
    if match:
        _raise_nesting(text, name, match.start())


def _deep_bracket(text: str) -> int:
    depth = 0
    for match in _FLOW_BRACKET.finditer(text):
        if match.group() in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif depth:
            depth -= 1
    return -1


def _raise_nesting(text: str, name: str, offset: int):
    line, column = line_column(text, offset)
    raise error("nesting-too-deep", f"the document nests deeper than {MAX_DEPTH} levels", name, line, column)


def _check_depth(data: object, name: str) -> None:
    stack: list[tuple[object, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise error("nesting-too-deep", f"the document nests deeper than {MAX_DEPTH} levels", name)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, (dict, list)))


# --- positions --------------------------------------------------------------------------------


class _PositionIndex:
    """Where containers and their members start.

    ``spots[id(container)]`` is a list: the container's own packed position, then one packed
    position per key (mappings, in insertion order) or per item (sequences). A packed
    position is ``line << 24 | column``. Containers are kept alive by the data they index."""

    def __init__(self) -> None:
        self.spots: dict[int, list[int]] = {}

    def find(self, root: object, pointer: Pointer) -> tuple[int, int]:
        best = self.spots.get(id(root), [1 << 24 | 1])[0]
        node = root
        for step in pointer:
            spots = self.spots.get(id(node))
            if isinstance(node, dict) and step in node:
                if spots is not None:
                    best = spots[0]
                    index = _key_index(node, step)
                    if index + 1 < len(spots):
                        best = spots[index + 1]
                node = node[step]
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                if spots is not None:
                    best = spots[0]
                    if step + 1 < len(spots):
                        best = spots[step + 1]
                node = node[step]
            else:
                break
        return best >> 24, best & 0xFFFFFF


def _key_index(mapping: dict, key: str) -> int:
    for index, candidate in enumerate(mapping):
        if candidate == key:
            return index
    return 0


_JSON_TOKEN = re.compile(
    r"""(?P<scalar>"[^"\\\n]*(?:\\.[^"\\\n]*)*"|-?[0-9][0-9.eE+-]*|true|false|null)|(?P<open>[\[{])|(?P<close>[\]}])|(?P<nl>\n)"""
)


def _index_json(text: str) -> _PositionIndex:
    """Positions for JSON text, rebuilt only when a diagnostic needs one: every container's
    spots in document order (its own start, then each key or item), bound to the decoded
    containers by walking them in the same order."""
    ordered: list[list[int]] = []
    stack: list[tuple[list[int], bool, list[bool]]] = []  # (spots, is_mapping, [expecting a key])
    line, line_start = 1, 0
    for match in _JSON_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "nl":
            line, line_start = line + 1, match.end()
            continue
        packed = line << 24 | (match.start() - line_start + 1)
        if kind == "close":
            if stack:
                stack.pop()
            if stack and stack[-1][1]:
                stack[-1][2][0] = True
            continue
        if stack:
            spots, is_mapping, expecting_key = stack[-1]
            if not is_mapping:
                spots.append(packed)
            elif expecting_key[0] and kind == "scalar":
                spots.append(packed)
                expecting_key[0] = False
                continue
            elif is_mapping:
                expecting_key[0] = True  # this scalar or container was a value
        if kind == "open":
            spots = [packed]
            ordered.append(spots)
            stack.append((spots, match.group() == "{", [True]))
    return _JsonPositionIndex(ordered)


class _JsonPositionIndex(_PositionIndex):
    """Positions for JSON: containers are matched to their spots by walking the data in the
    same depth-first document order as the tokenizer saw them."""

    def __init__(self, ordered_spots: list[list[int]]) -> None:
        super().__init__()
        self._ordered = ordered_spots
        self._bound = False

    def find(self, root: object, pointer: Pointer) -> tuple[int, int]:
        if not self._bound:
            self._bind(root)
        return super().find(root, pointer)

    def _bind(self, root: object) -> None:
        self._bound = True
        containers = _containers_in_document_order(root)
        for container, spots in zip(containers, self._ordered, strict=False):
            self.spots[id(container)] = spots


def _containers_in_document_order(root: object) -> Iterator[object]:
    stack = [root]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            yield value
            stack.extend(reversed([v for v in value.values() if isinstance(v, (dict, list))]))
        elif isinstance(value, list):
            yield value
            stack.extend(reversed([v for v in value if isinstance(v, (dict, list))]))
