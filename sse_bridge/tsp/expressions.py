"""Evaluating TypeSpec expressions: as types, as values, and as decorator arguments (TypeSpec's language docs).

Types and values share one syntax in TypeSpec; which one an expression means depends on
where it stands. ``type_of`` reads it as a type (a literal is a literal type), ``value_of``
as a value (a literal is a Python value, ``#{}`` a dict, an enum member an ``EnumValue``),
and ``argument_of`` as decorator arguments are read: a value where the syntax is a value,
else a type (``@useAuth(BearerAuth)``, ``@streamOf(Type)``).
"""

from __future__ import annotations

from . import syntax as s
from . import types as t
from .check import Checker, Scope, Symbol

_KEYWORDS = {"void", "never", "unknown", "null"}


def type_of(checker: Checker, expr: s.Expr, scope: Scope) -> t.Type:
    cls = expr.__class__  # references first: most expressions are (syntax classes have no subclasses)
    if cls is s.Identifier or cls is s.TypeReference or cls is s.MemberAccess:
        return _reference_type(checker, expr, scope)
    if isinstance(expr, s.Keyword):
        return t.Intrinsic(expr.name, node=expr, file=scope.path)
    if isinstance(expr, s.StringLiteral):
        return t.Literal(expr.value, node=expr, file=scope.path)
    if isinstance(expr, s.NumericLiteral):
        return t.Literal(expr.value, node=expr, file=scope.path)
    if isinstance(expr, s.BooleanLiteral):
        return t.Literal(expr.value, node=expr, file=scope.path)
    if isinstance(expr, s.StringTemplate):
        text = _template_text(checker, expr, scope)
        return t.Literal(text, node=expr, file=scope.path) if text is not None else _std(checker, "string")
    if isinstance(expr, (s.Identifier, s.MemberAccess, s.TypeReference)):
        return _reference_type(checker, expr, scope)
    if isinstance(expr, s.UnionExpression):
        union = t.Union(None, None, node=expr, file=scope.path)
        for option in expr.options:
            union.variants.append(
                t.Variant(None, type_of(checker, option, scope), union=union, node=option, file=scope.path)
            )
        return union
    if isinstance(expr, s.IntersectionExpression):
        model = t.Model(None, None, node=expr, file=scope.path)
        for option in expr.options:
            part = type_of(checker, option, scope)
            if isinstance(part, t.Model):
                for prop in all_properties(part):
                    if prop.name in model.properties:
                        checker.error(
                            "intersect-duplicate-property",
                            f"Intersection contains duplicate property definitions for {prop.name}",
                            expr,
                            scope.path,
                        )
                        continue
                    model.properties[prop.name] = clone_property(prop, model)
            elif part is not t.ERROR:
                checker.error(
                    "intersect-non-model",
                    "Cannot intersect non-model types (including union types).",
                    option,
                    scope.path,
                )
        return model
    if isinstance(expr, s.ArrayExpression):
        return array_of(checker, type_of(checker, expr.element, scope), expr)
    if isinstance(expr, s.TupleExpression):
        return t.Tuple([type_of(checker, item, scope) for item in expr.items], node=expr, file=scope.path)
    if isinstance(expr, s.ModelExpression):
        from .declarations import fill_members

        model = t.Model(None, None, node=expr, file=scope.path)
        fill_members(checker, model, expr.members, scope)
        return model
    if isinstance(expr, s.ValueOf):
        return type_of(checker, expr.target, scope)
    if isinstance(expr, s.TypeOf):
        value = value_of(checker, expr.target, scope)
        if isinstance(value, (str, int, float, bool)):
            return t.Literal(value, node=expr, file=scope.path)
        return t.Intrinsic("unknown", node=expr, file=scope.path)
    if isinstance(expr, (s.ObjectLiteral, s.ArrayLiteral, s.CallExpression)):
        checker.error("value-in-type", "A value cannot be used as a type.", expr, scope.path)
        return t.ERROR
    checker.error("invalid-ref", "unsupported type expression", expr, scope.path)
    return t.ERROR


def _reference_type(checker: Checker, expr, scope: Scope) -> t.Type:
    arguments: tuple = ()
    target_expr = expr
    if isinstance(expr, s.TypeReference):
        target_expr = expr.target
        arguments = tuple((a.name, checker.argument(a.value, scope), a.value) for a in expr.arguments)
    found = checker.resolve_reference(target_expr, scope)
    if found is None:
        return t.ERROR
    if isinstance(found, Symbol):
        if found.kind == "const":
            value = checker.symbol_type(found)
            return _value_as_type(value, expr)
        if found.kind in ("decorator",):
            checker.error("invalid-ref", "a decorator is not a type", expr, scope.path)
            return t.ERROR
        return checker.symbol_type(found, arguments, expr, scope)
    if isinstance(found, t.Namespace):
        checker.error("invalid-type-ref", f"Namespace {found.full_name} is not a type", expr, scope.path)
        return t.ERROR
    if isinstance(found, tuple) and found and found[0] == "constructor":
        checker.error("invalid-ref", "a scalar constructor is not a type", expr, scope.path)
        return t.ERROR
    if isinstance(found, t.Type):
        return found
    return _value_as_type(found, expr)


def _value_as_type(value, node) -> t.Type:
    """A template argument bound to a value, used where a type is expected."""
    if isinstance(value, t.Type):
        return value
    if isinstance(value, t.TypeValue):
        return value.type
    if isinstance(value, t.EnumValue):
        return value.member
    if isinstance(value, (str, int, float, bool)):
        return t.Literal(value, node=node)
    return t.Intrinsic("unknown", node=node)


def value_of(checker: Checker, expr: s.Expr, scope: Scope):
    if isinstance(expr, (s.StringLiteral, s.NumericLiteral, s.BooleanLiteral)):
        return expr.value
    if isinstance(expr, s.StringTemplate):
        text = _template_text(checker, expr, scope)
        return text if text is not None else ""
    if isinstance(expr, s.Keyword):
        return None if expr.name == "null" else t.TypeValue(t.Intrinsic(expr.name))
    if isinstance(expr, s.ObjectLiteral):
        result: dict = {}
        for entry in expr.entries:
            if isinstance(entry, s.ObjectLiteralSpread):
                spread = value_of(checker, entry.target, scope)
                if isinstance(spread, dict):
                    result.update(spread)
                else:
                    checker.error(
                        "spread-object", "Cannot spread properties of non-object type.", entry, scope.path
                    )
            else:
                result[entry.name] = value_of(checker, entry.value, scope)
        return result
    if isinstance(expr, s.ArrayLiteral):
        return [value_of(checker, item, scope) for item in expr.items]
    if isinstance(expr, s.CallExpression):
        return _call(checker, expr, scope)
    if isinstance(expr, (s.Identifier, s.MemberAccess, s.TypeReference)):
        found = checker.resolve_reference(
            expr if not isinstance(expr, s.TypeReference) else expr.target, scope
        )
        if isinstance(found, Symbol):
            if found.kind == "const":
                return checker.symbol_type(found)
            return _type_as_value(checker.symbol_type(found, (), expr, scope))
        if isinstance(found, t.EnumMember):
            return t.EnumValue(found)
        if isinstance(found, (t.Type,)):
            return _type_as_value(found)
        if found is None:
            return None
        return found
    return _type_as_value(type_of(checker, expr, scope))


def _type_as_value(kind):
    if isinstance(kind, t.Literal):
        return kind.value
    if isinstance(kind, t.EnumMember):
        return t.EnumValue(kind)
    if isinstance(kind, t.Intrinsic) and kind.name == "null":
        return None
    if isinstance(kind, (t.TypeValue, t.EnumValue, t.ScalarValue, str, int, float, bool, dict, list)):
        return kind
    return t.TypeValue(kind)


def argument_of(checker: Checker, expr: s.Expr, scope: Scope):
    """A decorator argument: values stay values; names of types give types."""
    if isinstance(
        expr,
        (
            s.ObjectLiteral,
            s.ArrayLiteral,
            s.CallExpression,
            s.StringLiteral,
            s.NumericLiteral,
            s.BooleanLiteral,
            s.StringTemplate,
        ),
    ):
        return value_of(checker, expr, scope)
    if isinstance(expr, s.Keyword) and expr.name == "null":
        return None
    if isinstance(expr, (s.Identifier, s.MemberAccess)):
        found = checker.resolve_reference(expr, scope)
        if isinstance(found, Symbol) and found.kind == "const":
            return checker.symbol_type(found)
        if isinstance(found, t.EnumMember):
            return t.EnumValue(found)
        if isinstance(found, Symbol):
            return checker.symbol_type(found, (), expr, scope)
        if isinstance(found, t.Literal):  # a template argument bound to a literal: its value
            return found.value
        return found
    return type_of(checker, expr, scope)


def _call(checker: Checker, expr: s.CallExpression, scope: Scope):
    args = tuple(value_of(checker, a, scope) for a in expr.arguments)
    target = expr.target
    if isinstance(target, s.MemberAccess):
        base = checker.resolve_reference(target.base, scope)
        if isinstance(base, Symbol):
            base = checker.symbol_type(base)
        if isinstance(base, t.Scalar):
            return t.ScalarValue(base, target.name, args)
    found = checker.resolve_reference(target, scope)
    if isinstance(found, Symbol):
        found = checker.symbol_type(found)
    if isinstance(found, t.Scalar):
        return args[0] if len(args) == 1 else t.ScalarValue(found, "", args)
    checker.error("invalid-ref", "only scalar constructors can be called", expr, scope.path)
    return None


def _template_text(checker: Checker, expr: s.StringTemplate, scope: Scope) -> str | None:
    parts = []
    for part in expr.parts:
        if isinstance(part, str):
            parts.append(part)
            continue
        value = value_of(checker, part, scope)
        if isinstance(value, t.TypeValue) and isinstance(value.type, t.Literal):
            value = value.type.value
        if not isinstance(value, (str, int, float, bool)):
            return None
        parts.append(str(value).lower() if isinstance(value, bool) else str(value))
    return "".join(parts)


def _std(checker: Checker, name: str) -> t.Type:
    core = checker.program.root.namespaces["TypeSpec"]
    return checker.symbol_type(core.members[name])


# --- shared helpers ----------------------------------------------------------------------------------


def array_of(checker: Checker, element: t.Type, node) -> t.Model:
    core = checker.program.root.namespaces["TypeSpec"]
    symbol = core.members["Array"]
    return checker.symbol_type(symbol, ((None, element, node),), node)


def all_properties(model: t.Model) -> list[t.Property]:
    """Inherited properties first, then the model's own (a spread copies them all)."""
    if model.base is None:  # the usual case
        return list(model.properties.values())
    chain = []
    seen = set()
    current: t.Model | None = model
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.base
    result: dict[str, t.Property] = {}
    for item in reversed(chain):
        result.update(item.properties)
    return list(result.values())


def clone_property(prop: t.Property, model: t.Model) -> t.Property:
    return t.Property(
        prop.name,
        prop.type,
        optional=prop.optional,
        default=prop.default,
        has_default=prop.has_default,
        model=model,
        source=prop.source or prop,
        decorators=list(prop.decorators),
        doc=prop.doc,
        node=prop.node,
        deprecated=prop.deprecated,
        file=prop.file,
    )
