"""Decorators whose effect is part of type checking (SPEC §5).

Most decorators are facts read later (``@doc``, ``@route``, ``@minLength`` ...: see
``tsp/lower.py`` and ``tsp/http.py``). The ones here change the type they decorate, as the
compiler's own implementations do: ``@streamOf`` marks a stream model, the property-set
templates of the TypeSpec library (``OptionalProperties`` ...) rewrite their properties, and
``@doc`` / ``@friendlyName`` fill in their format arguments. Target checks of the stream
libraries live in ``tsp/streams.py``.
"""

from __future__ import annotations

import re

from . import types as t


def on_apply(checker, target: t.Type, applied: t.Applied, scope) -> None:
    handler = _HANDLERS.get(applied.name)
    if handler is not None:
        handler(checker, target, applied, scope)


def _stream_of(checker, target, applied, scope) -> None:
    if isinstance(target, t.Model) and applied.args:
        argument = applied.args[0]
        target.stream_of = argument if isinstance(argument, t.Type) else getattr(argument, "type", None)


def _optional(checker, target, applied, scope) -> None:
    if isinstance(target, t.Model):
        for prop in target.properties.values():
            prop.optional = True


def _names(argument) -> set[str]:
    if isinstance(argument, str):
        return {argument}
    if isinstance(argument, t.Literal) and isinstance(argument.value, str):
        return {argument.value}
    if isinstance(argument, t.Union):
        return {v.type.value for v in argument.variants if isinstance(v.type, t.Literal)}
    if isinstance(argument, t.TypeValue):
        return _names(argument.type)
    return set()


def _omit(checker, target, applied, scope) -> None:
    if isinstance(target, t.Model) and applied.args:
        for name in _names(applied.args[0]):
            target.properties.pop(name, None)


def _pick(checker, target, applied, scope) -> None:
    if isinstance(target, t.Model) and applied.args:
        keep = _names(applied.args[0])
        for name in [n for n in target.properties if n not in keep]:
            del target.properties[name]


def _without_defaults(checker, target, applied, scope) -> None:
    if isinstance(target, t.Model):
        for prop in target.properties.values():
            prop.default, prop.has_default = None, False


_FORMAT_ARG = re.compile(r"\{(\w+)\}")


def _formatted(checker, target, applied, scope) -> None:
    """``@doc("{name} ...", T)`` / ``@friendlyName("{name}List", T)``: fill ``{name}``."""
    if len(applied.args) < 2 or not isinstance(applied.args[0], str):
        return
    source = applied.args[1]
    if isinstance(source, t.TypeValue):
        source = source.type

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "name" and getattr(source, "name", None):
            return str(source.name)
        if isinstance(source, dict) and key in source:
            return str(source[key])
        if isinstance(source, t.Model) and key in source.properties:
            prop_type = source.properties[key].type
            return str(getattr(prop_type, "name", None) or getattr(prop_type, "value", match.group(0)))
        return match.group(0)

    applied.args = [_FORMAT_ARG.sub(replace, applied.args[0]), *applied.args[1:]]


_HANDLERS = {
    "TypeSpec.Streams.streamOf": _stream_of,
    "TypeSpec.withOptionalProperties": _optional,
    "TypeSpec.withoutOmittedProperties": _omit,
    "TypeSpec.withPickedProperties": _pick,
    "TypeSpec.withoutDefaultValues": _without_defaults,
    "TypeSpec.doc": _formatted,
    "TypeSpec.friendlyName": _formatted,
}
