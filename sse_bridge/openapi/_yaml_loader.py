"""YAML through libyaml, with positions and bounded alias expansion (README "Diagnostics").

libyaml composes the node graph (fast, in C); this module resolves scalars by the YAML 1.2
core schema and turns nodes into JSON data iteratively (no recursion, so depth is no threat),
recording the start of every key and item for diagnostics.
"""

from __future__ import annotations

import math
import re

import yaml
from yaml._yaml import CParser
from yaml.nodes import MappingNode, SequenceNode

from ..diagnostics import Diagnostic, Level, Location
from .source import MAX_DEPTH, MAX_EXPANSION_FACTOR, MIN_EXPANSION_BUDGET, _PositionIndex, error

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"


_NUMBER_START = frozenset("-+0123456789.")
_INT_PATTERN = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_PATTERN = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_WORDS = {
    **dict.fromkeys(("true", "True", "TRUE", "false", "False", "FALSE"), _BOOL),
    **dict.fromkeys(("~", "null", "Null", "NULL", ""), _NULL),
    "<<": _MERGE,
}
_COLLECTION_TAGS = {"sequence": "tag:yaml.org,2002:seq", "mapping": "tag:yaml.org,2002:map"}
_JSON_COLLECTION_TAGS = frozenset(_COLLECTION_TAGS.values())


class _CoreResolver(yaml.resolver.BaseResolver):
    """YAML 1.2 core schema: ``true``/``false``, ``null``/``~``, decimal/octal/hex integers,
    floats with ``.inf``/``.nan``; everything else (dates, ``yes``, ``on``) stays a string.

    ``resolve`` runs once per node from inside libyaml's composer, so it is a few dictionary
    lookups rather than PyYAML's regular-expression table."""

    def resolve(self, kind, value, implicit):
        if kind.id != "scalar":
            return _COLLECTION_TAGS[kind.id]
        if not implicit[0]:
            return _STR
        word = _WORDS.get(value)
        if word is not None:
            return word
        if value[0] in _NUMBER_START:
            if _INT_PATTERN.fullmatch(value):
                return _INT
            if _FLOAT_PATTERN.fullmatch(value):
                return _FLOAT
        return _STR


class _Composer(CParser, _CoreResolver):
    def __init__(self, text: str) -> None:
        CParser.__init__(self, text)
        _CoreResolver.__init__(self)


def _node_classes() -> tuple[type, type]:
    """The node classes libyaml's composer really builds: ``yaml._yaml`` keeps the ones of its
    first import even if ``yaml.nodes`` is imported again (as pytest's own test runner does)."""
    sample = _Composer("[a]").get_single_node()
    return type(sample.value[0]), type(sample)


ScalarNode, _SequenceNode = _node_classes()


def _scalar(node) -> object:
    """The JSON value of a scalar node; ``ValueError`` (its message for the diagnostic) for
    what no JSON value is: an explicit tag its text does not fit (``!!int abc``), a tag other
    than JSON's (``!!binary``, ``!!python/...``, ``!local``: OpenAPI requires YAML documents
    to be JSON-compatible), NaN and infinities, integers beyond what Python converts."""
    tag, text = node.tag, node.value
    if tag == _STR:
        return text
    if tag == _INT:
        try:
            if text.startswith("0o"):
                value = int(text[2:], 8)
            elif text.startswith("0x"):
                value = int(text[2:], 16)
            else:
                value = int(text)
        except ValueError:
            if len(text) <= _MAX_DIGITS:
                raise ValueError(f"{_short(text)} is not an integer") from None
            value = 1 << _MAX_BITS
        if value.bit_length() > _MAX_BITS:  # more decimal digits than Python writes
            raise ValueError(f"an integer of more digits than sse-bridge reads ({_MAX_DIGITS:,})")
        return value
    if tag == _FLOAT:
        if text.lower().endswith((".inf", ".nan")):
            raise ValueError(f"{_short(text)} is no JSON number: OpenAPI documents must be JSON-compatible")
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{_short(text)} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"{_short(text)} is beyond the range of a JSON number (a double)")
        return value
    if tag == _BOOL:
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"{_short(text)} is not a boolean")
        return lowered == "true"
    if tag == _NULL:
        if _WORDS.get(text) != _NULL:
            raise ValueError(f"{_short(text)} is not null")
        return None
    raise ValueError(_foreign_tag(tag))


_MAX_DIGITS = 4300  # Python's limit on converting integers to and from decimal text
_MAX_BITS = 14_000  # an integer of this many bits has fewer decimal digits
_JSON_KEY_TAGS = frozenset((_STR, _INT, _FLOAT, _BOOL, _NULL, _MERGE))


def _shown_tag(tag: str) -> str:
    return _short("!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag)


def _foreign_tag(tag: str) -> str:
    return (
        f"the tag {_shown_tag(tag)} is none of JSON's (string, number, boolean, null, sequence, mapping):"
        " OpenAPI documents must be JSON-compatible"
    )


def _short(text: str, limit: int = 40) -> str:
    return repr(text) if len(text) <= limit else repr(text[: limit - 3] + "...")


def _pack(node) -> int:
    mark = node.start_mark
    return (mark.line + 1) << 24 | (mark.column + 1)


def load_yaml(text: str, name: str) -> tuple[object, _PositionIndex, list[Diagnostic]]:
    root = _compose(text, name)
    if root is None:
        raise error("empty-document", "the document is empty", name)
    return _Builder(name).build(root)


def _compose(text: str, name: str):
    """libyaml's composer recurses in C once per nesting level; ``source`` has already refused
    inputs nesting deeper than it allows, so the depth here is bounded."""
    try:
        result = _Composer(text).get_single_node()
    except yaml.YAMLError as exc:
        result = exc
    if isinstance(result, yaml.MarkedYAMLError):
        mark = result.problem_mark or result.context_mark
        message = result.problem or str(result)
        if result.context and result.problem:
            message = f"{result.problem} ({result.context})"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise error("invalid-yaml", message, name, line, column)
    if isinstance(result, yaml.YAMLError):
        position = getattr(result, "position", None)
        line, column = (1, 1)
        if isinstance(position, int):
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
        raise error("invalid-yaml", str(result).splitlines()[0], name, line, column)
    return result


class _Builder:
    """Turns a node graph into JSON data in one recursive pass.

    Shared (aliased) nodes become shared objects; the size each node would have once every
    alias is expanded is tracked, and a document whose expansion exceeds the budget is
    refused, since everything downstream walks the data as a tree. Depth is bounded by the
    pre-parse guard in ``source``; a RecursionError is still reported as nesting-too-deep."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.index = _PositionIndex()
        self.warnings: list[Diagnostic] = []
        self.built: dict[int, tuple[object, int]] = {}  # node id -> (value, expanded size)
        self.active: set[int] = set()

    def fail(self, code: str, message: str, node) -> None:
        mark = node.start_mark
        raise error(code, message, self.name, mark.line + 1, mark.column + 1)

    def build(self, root) -> tuple[object, _PositionIndex, list[Diagnostic]]:
        try:
            value, size = self._node(root)
        except RecursionError:
            raise error(
                "nesting-too-deep", f"the document nests deeper than {MAX_DEPTH} levels", self.name
            ) from None
        budget = max(MIN_EXPANSION_BUDGET, MAX_EXPANSION_FACTOR * len(self.built))
        if size > budget:
            self.fail(
                "alias-expansion",
                f"aliases expand this document to {size:,} nodes, more than {budget:,} "
                f"(from {len(self.built):,} written): refusing a possible alias bomb",
                root,
            )
        return value, self.index, self.warnings

    def _node(self, node) -> tuple[object, int]:
        key = id(node)
        done = self.built.get(key)
        if done is not None:
            return done
        cls = node.__class__
        if cls is ScalarNode:
            try:
                result = (_scalar(node), 1)
            except ValueError as exc:
                self.fail("invalid-yaml", str(exc), node)
        elif node.tag not in _JSON_COLLECTION_TAGS:
            kind = "sequence" if cls is _SequenceNode else "mapping"
            message = f"a {kind} cannot have the tag {_shown_tag(node.tag)}"
            self.fail("invalid-yaml", message if node.tag in _JSON_KEY_TAGS else _foreign_tag(node.tag), node)
        elif key in self.active:
            self.fail("recursive-alias", "an alias refers to a node that contains it", node)
        elif len(self.active) >= MAX_DEPTH:  # the containers being built are the ancestors
            self.fail("nesting-too-deep", f"the document nests deeper than {MAX_DEPTH} levels", node)
        else:
            self.active.add(key)
            result = self._sequence(node) if cls is _SequenceNode else self._mapping(node)
            self.active.discard(key)
        self.built[key] = result
        return result

    def _sequence(self, node: SequenceNode) -> tuple[list, int]:
        items = []
        spots = [_pack(node)]
        total = 1
        for child in node.value:
            value, size = self._node(child)
            items.append(value)
            spots.append(_pack(child))
            total += size
        self.index.spots[id(items)] = spots
        return items, total

    def _mapping(self, node: MappingNode) -> tuple[dict, int]:
        result: dict[str, object] = {}
        spots = [_pack(node)]
        total = 1
        merged: list[dict] = []
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                self.fail("invalid-key", "a mapping key must be a plain string, not a collection", key_node)
            if key_node.tag not in _JSON_KEY_TAGS:
                self.fail("invalid-yaml", _foreign_tag(key_node.tag), key_node)
            value, size = self._node(value_node)
            total += size + 1
            if key_node.tag == _MERGE:
                sources = value if isinstance(value, list) else [value]
                if not all(isinstance(source, dict) for source in sources):
                    self.fail(
                        "invalid-yaml", "a merge key '<<' needs a mapping or a list of mappings", value_node
                    )
                merged.extend(sources)
                continue
            name = key_node.value
            if name in result:
                self.warnings.append(
                    Diagnostic(
                        "duplicate-key",
                        Level.WARNING,
                        f"duplicate key '{name}': the last one wins",
                        Location(self.name, key_node.start_mark.line + 1, key_node.start_mark.column + 1),
                    )
                )
                spots.pop(1 + list(result).index(name))
                del result[name]
            result[name] = value
            spots.append(_pack(key_node))
        for source in merged:
            for name, value in source.items():
                if name not in result:
                    result[name] = value
                    spots.append(spots[0])
        self.index.spots[id(result)] = spots
        return result, total
