"""Decorators whose effect is part of type checking (TypeSpec's language docs).

Most decorators are facts read later (``@doc``, ``@route``, ``@minLength`` ...: see
``tsp/lower.py`` and ``tsp/http.py``). The ones here change the type they decorate, as the
compiler's own implementations do: ``@streamOf`` marks a stream model, the property-set
templates of the TypeSpec library (``OptionalProperties`` ...) rewrite their properties, and
``@doc`` / ``@friendlyName`` fill in their format arguments. Target checks of the stream
libraries live in ``tsp/streams.py``.
"""

from __future__ import annotations

import re

from ..names import NUMERIC_SCALARS
from . import syntax as s
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


def _updateable(checker, target, applied, scope) -> None:
    """``UpdateableProperties``: only the properties visible in ``Lifecycle.Update``."""
    if isinstance(target, t.Model):
        for name in [n for n, p in target.properties.items() if not _visible_in(p, "Update")]:
            del target.properties[name]


def _visible_in(prop: t.Property, phase: str) -> bool:
    """Whether ``prop`` is visible in the ``Lifecycle`` ``phase``: every phase unless
    ``@visibility`` names some, less those ``@removeVisibility`` names; none if ``@invisible``."""
    if prop.has("TypeSpec.invisible"):
        return False
    named: set[str] | None = None
    removed: set[str] = set()
    for applied in prop.decorators:
        if applied.name == "TypeSpec.visibility":
            named = (named or set()) | {_member(a) for a in applied.args}
        elif applied.name == "TypeSpec.removeVisibility":
            removed |= {_member(a) for a in applied.args}
    return (named is None or phase in named) and phase not in removed


def _member(value) -> str:
    if isinstance(value, t.EnumValue):
        return value.member.name
    return getattr(value, "name", str(value))


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
    "TypeSpec.withUpdateableProperties": _updateable,
    "TypeSpec.withoutOmittedProperties": _omit,
    "TypeSpec.withPickedProperties": _pick,
    "TypeSpec.withoutDefaultValues": _without_defaults,
    "TypeSpec.doc": _formatted,
    "TypeSpec.friendlyName": _formatted,
}


# --- arguments (README "Diagnostics") -------------


def arguments_fit(checker, declaration, node: s.Decorator, args: list, scope) -> bool:
    """Whether the arguments of ``node`` fit the parameters its ``extern dec`` declares: how
    many there are, and for ``valueof`` parameters, the kind of value. Each misfit is
    reported as the compiler reports it."""
    parameters = getattr(declaration, "parameters", ())[1:]  # the first is the target
    if not parameters and not isinstance(declaration, s.DecoratorDeclaration):
        return True
    required = sum(1 for p in parameters if not p.optional and not p.rest)
    rest = any(p.rest for p in parameters)
    if len(args) < required or (not rest and len(args) > len(parameters)):
        if rest:
            expected = f"at least {required}"
        elif required == len(parameters):
            expected = str(required)
        else:
            expected = f"{required}-{len(parameters)}"
        checker.error(
            "invalid-argument-count", f"Expected {expected} arguments, but got {len(args)}.", node, scope.path
        )
        return False
    fits = True
    for index, (argument, expr) in enumerate(zip(args, node.arguments, strict=True)):
        parameter = parameters[min(index, len(parameters) - 1)]
        accepted = _accepted_kinds(parameter.type, parameter.rest)
        kind = _value_kind(argument)
        if accepted is None or kind is None or kind in accepted:
            continue
        checker.error(
            "invalid-argument",
            f"Argument of type '{_shown_value(argument)}' is not assignable to parameter of type "
            f"'{_shown_type(parameter.type)}'",
            expr,
            scope.path,
        )
        fits = False
    return fits


def _accepted_kinds(expr, rest: bool) -> frozenset[str] | None:
    """The kinds of value a ``valueof`` parameter takes (None: any value, or a type parameter,
    which is not checked here)."""
    if not isinstance(expr, s.ValueOf):
        return None
    target = expr.target
    if rest and isinstance(target, s.ArrayExpression):
        target = target.element  # ``...values: valueof T[]``: each argument is a T
    return _kinds(target)


def _kinds(expr) -> frozenset[str] | None:
    if isinstance(expr, s.UnionExpression):
        kinds = [_kinds(option) for option in expr.options]
        return None if None in kinds else frozenset().union(*kinds)
    if isinstance(expr, s.ArrayExpression):
        return frozenset({"array"})
    name = expr.name if isinstance(expr, (s.Identifier, s.MemberAccess, s.Keyword)) else None
    if name is None or name == "unknown":
        return None
    if name == "string":
        return frozenset({"string"})
    if name in NUMERIC_SCALARS:
        return frozenset({"number"})
    if name == "boolean":
        return frozenset({"boolean"})
    if name == "EnumMember":
        return frozenset({"enum"})
    return frozenset({"object"})  # the options models: ServiceOptions, HeaderOptions ...


def _value_kind(value) -> str | None:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, t.EnumValue):
        return "enum"
    if isinstance(value, t.TypeValue):
        return _value_kind(value.type)
    if isinstance(value, t.Literal):  # a literal type stands for its value
        return _value_kind(value.value)
    if isinstance(value, t.TemplateParameter) or value is t.ERROR:
        return None  # not known until instantiated / already reported
    if isinstance(value, t.Type):
        return "type"  # a type where a value is wanted: never fits
    return None  # a scalar value (``utcDateTime.fromISO(...)``) ...: not judged here


def _shown_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 40 else f'"{value[:37]}..."'
    if isinstance(value, dict):
        return "#{...}"
    if isinstance(value, list):
        return "#[...]"
    if isinstance(value, t.TypeValue):
        return _shown_value(value.type)
    if isinstance(value, t.Literal):
        return _shown_value(value.value)
    if isinstance(value, t.Type):
        name = getattr(value, "name", None) or type(value).__name__.lower()
        namespace = getattr(value, "namespace", None)
        owner = namespace.full_name if isinstance(namespace, t.Namespace) else ""
        return name if not owner or owner == "TypeSpec" else f"{owner}.{name}"
    return str(value)


def _shown_type(expr) -> str:
    if isinstance(expr, s.ValueOf):
        return f"valueof {_shown_type(expr.target)}"
    if isinstance(expr, s.UnionExpression):
        return " | ".join(_shown_type(option) for option in expr.options)
    if isinstance(expr, s.ArrayExpression):
        return f"{_shown_type(expr.element)}[]"
    if isinstance(expr, s.MemberAccess):
        return f"{_shown_type(expr.base)}.{expr.name}"
    return getattr(expr, "name", "unknown")
