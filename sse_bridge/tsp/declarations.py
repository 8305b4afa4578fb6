"""Evaluating declarations: models, unions, enums, scalars, aliases, constants, operations and
interfaces, declared or instantiated from a template (TypeSpec's language docs)."""

from __future__ import annotations

from . import syntax as s
from . import types as t
from .check import CORE, Checker, Scope, Symbol
from .expressions import all_properties, clone_property, type_of, value_of


def evaluate(checker: Checker, symbol: Symbol, scope: Scope, key: tuple, bindings: dict):
    node = symbol.node
    instance = bool(symbol.template_parameters)
    if symbol.kind == "model":
        return _model(checker, symbol, node, scope, key, bindings)
    if symbol.kind == "union":
        union = t.Union(node.name, symbol.namespace, node=node, file=scope.path, doc=node.doc)
        union.template_args = tuple(bindings.values()) if instance else ()
        _remember(symbol, key, union)
        named: set[str] = set()
        for variant_node in node.variants:
            if variant_node.name is not None:
                if variant_node.name in named:
                    checker.error(
                        "union-duplicate",
                        f"Union already has a variant named {variant_node.name}",
                        variant_node,
                        scope.path,
                    )
                    continue
                named.add(variant_node.name)
            variant = t.Variant(
                variant_node.name,
                _member_type(checker, variant_node.type, scope),
                union=union,
                node=variant_node,
                file=scope.path,
                doc=variant_node.doc,
            )
            checker.apply_decorators(variant, variant_node.decorators, variant_node.directives, scope)
            union.variants.append(variant)
        checker.apply_decorators(union, node.decorators, node.directives, scope)
        return union
    if symbol.kind == "enum":
        return _enum(checker, symbol, node, scope)
    if symbol.kind == "scalar":
        scalar = t.Scalar(
            node.name,
            symbol.namespace,
            node=node,
            file=scope.path,
            doc=node.doc,
            std=symbol.namespace.full_name == CORE,
        )
        _remember(symbol, key, scalar)
        if node.extends is not None:
            base = _heritage(checker, scalar, node.extends, scope)
            if isinstance(base, t.Scalar) and (base is scalar or derives_from_itself(checker, base)):
                checker.error(
                    "circular-base-type",
                    f"Type '{base.name}' recursively references itself as a base type.",
                    base.node,
                    base.file,
                )
            elif isinstance(base, t.Scalar):
                scalar.base = base
            elif base is not t.ERROR:
                checker.error(
                    "extend-scalar", "A scalar can only extend another scalar", node.extends, scope.path
                )
        checker.apply_decorators(scalar, node.decorators, node.directives, scope)
        return scalar
    if symbol.kind == "alias":
        return type_of(checker, node.value, scope)
    if symbol.kind == "const":
        return value_of(checker, node.value, scope)
    if symbol.kind == "op":
        return operation(checker, node, symbol.namespace, None, scope, key, symbol)
    if symbol.kind == "interface":
        return _interface(checker, symbol, node, scope, key)
    return t.ERROR


def _inherited(decorators: list[t.Applied], own_doc: str | None) -> list[t.Applied]:
    """The decorators ``is`` copies: all of the source's, except its ``@doc`` when the
    declaration has a doc comment of its own (the compiler applies that comment after the
    copied decorators, so it wins over them, and loses only to an ``@doc`` of its own)."""
    if own_doc is None:
        return decorators
    return [applied for applied in decorators if applied.name != "TypeSpec.doc"]


def _remember(symbol: Symbol, key: tuple, value) -> None:
    """Register a type before its members are evaluated, so that recursive references
    (``model Node { children: Node[] }``) resolve to it."""
    if symbol.template_parameters:
        symbol.instances[key] = value
    else:
        symbol.type = value


def _model(
    checker: Checker, symbol: Symbol, node: s.ModelDeclaration, scope: Scope, key, bindings
) -> t.Model:
    model = t.Model(node.name, symbol.namespace, node=node, file=scope.path, doc=node.doc)
    if symbol.template_parameters:
        model.template_args = tuple(bindings.values())
        model.template_name = node.name
    _remember(symbol, key, model)
    if symbol.namespace.full_name == CORE and node.name in ("Array", "Record") and bindings:
        model.indexer = (
            "array" if node.name == "Array" else "record",
            _as_type(next(iter(bindings.values()))),
        )
        return model
    if node.is_ is not None:
        source = _heritage(checker, model, node.is_, scope)
        if source is model or (isinstance(source, t.Model) and derives_from_itself(checker, source)):
            # As the compiler: at the name of the declaration the loop started from.
            checker.error(
                "circular-base-type",
                f"Type '{source.name}' recursively references itself as a base type.",
                source.node,
                source.file,
            )
        elif isinstance(source, t.Model):
            model.source_model = source
            model.base = source.base
            model.indexer = source.indexer
            model.stream_of = source.stream_of
            model.decorators.extend(_inherited(source.decorators, model.doc))
            if model.doc is None:
                model.doc = source.doc
            for prop in source.properties.values():
                model.properties[prop.name] = clone_property(prop, model)
        elif source is not t.ERROR:
            checker.error("is-model", "Model `is` must specify a model.", node.is_, scope.path)
    if node.extends is not None:
        base = _heritage(checker, model, node.extends, scope)
        if isinstance(base, t.Model):
            if _extends_itself(base, model) or derives_from_itself(checker, base):
                checker.error(
                    "circular-base-type",
                    f"Type '{node.name}' recursively references itself as a base type.",
                    node.extends,
                    scope.path,
                )
            else:
                model.base = base
        elif base is not t.ERROR:
            checker.error("extend-model", "Models must extend other models.", node.extends, scope.path)
    fill_members(checker, model, node.members, scope)
    checker.apply_decorators(model, node.decorators, node.directives, scope)
    return model


def _heritage(checker: Checker, declaration, expr: s.Expr, scope: Scope):
    """The type ``expr`` names as the heritage of ``declaration`` (its ``is``, ``extends`` or
    a spread), evaluated with ``declaration`` on the deriving stack."""
    checker.deriving.append(declaration)
    try:
        return type_of(checker, expr, scope)
    finally:
        checker.deriving.pop()


def _member_type(checker: Checker, expr: s.Expr, scope: Scope):
    """A member's type: references back to the declarations being derived are fine here."""
    checker.deriving.append(None)
    try:
        return type_of(checker, expr, scope)
    finally:
        checker.deriving.pop()


def derives_from_itself(checker: Checker, source) -> bool:
    """Whether ``source`` is still having its heritage resolved along the current chain of
    ``is`` / ``extends`` / spreads (``model A is B; model B is A``, ``model M { ...M }``):
    it would be built from itself."""
    for declaration in reversed(checker.deriving):
        if declaration is None:
            return False
        if declaration is source:
            return True
    return False


def _extends_itself(base: t.Model, model: t.Model) -> bool:
    current, seen = base, set()
    while current is not None and id(current) not in seen:
        if current is model:
            return True
        seen.add(id(current))
        current = current.base
    return False


def _as_type(value) -> t.Type:
    if isinstance(value, t.Type):
        return value
    if isinstance(value, t.TypeValue):
        return value.type
    if isinstance(value, (str, int, float, bool)):
        return t.Literal(value)
    return t.Intrinsic("unknown")


def fill_members(checker: Checker, model: t.Model, members, scope: Scope) -> None:
    for member in members:
        if isinstance(member, s.ModelSpread):
            source = _heritage(checker, model, member.target, scope)
            if source is model or (isinstance(source, t.Model) and derives_from_itself(checker, source)):
                checker.error(
                    "spread-model",
                    "Cannot spread type within its own declaration.",
                    member.target,
                    scope.path,
                )
            elif isinstance(source, t.Model):
                if source.is_record:
                    model.indexer = source.indexer
                for prop in all_properties(source):
                    _add_property(checker, model, clone_property(prop, model), member, scope)
            elif source is not t.ERROR:
                checker.error(
                    "spread-model", "Cannot spread properties of non-model type.", member, scope.path
                )
            continue
        prop = t.Property(
            member.name,
            _member_type(checker, member.type, scope),
            optional=member.optional,
            model=model,
            node=member,
            file=scope.path,
            doc=member.doc,
        )
        if member.default is not None:
            prop.default = value_of(checker, member.default, scope)
            prop.has_default = True
        checker.apply_decorators(prop, member.decorators, member.directives, scope)
        _add_property(checker, model, prop, member, scope)


def _add_property(checker: Checker, model: t.Model, prop: t.Property, node, scope: Scope) -> None:
    if (
        prop.name in model.properties
        and model.properties[prop.name].model is model
        and not isinstance(node, s.ModelSpread)
    ):
        checker.error(
            "duplicate-property", f"Model already has a property named {prop.name}", node, scope.path
        )
        return
    model.properties[prop.name] = prop


def _enum(checker: Checker, symbol: Symbol, node: s.EnumDeclaration, scope: Scope) -> t.Enum:
    enum = t.Enum(node.name, symbol.namespace, node=node, file=scope.path, doc=node.doc)
    symbol.type = enum
    for member in node.members:
        if isinstance(member, s.EnumSpread):
            source = type_of(checker, member.target, scope)
            if isinstance(source, t.Enum):
                for name, other in source.members.items():
                    enum.members[name] = t.EnumMember(
                        name,
                        other.value,
                        enum=enum,
                        decorators=list(other.decorators),
                        doc=other.doc,
                        node=other.node,
                    )
            continue
        value = value_of(checker, member.value, scope) if member.value is not None else member.name
        if member.name in enum.members:
            checker.error(
                "enum-member-duplicate", f"Enum already has a member named {member.name}", member, scope.path
            )
            continue
        item = t.EnumMember(member.name, value, enum=enum, node=member, file=scope.path, doc=member.doc)
        checker.apply_decorators(item, member.decorators, member.directives, scope)
        enum.members[member.name] = item
    checker.apply_decorators(enum, node.decorators, node.directives, scope)
    return enum


def operation(
    checker: Checker,
    node: s.OperationDeclaration,
    namespace,
    interface,
    scope: Scope,
    key=(),
    symbol: Symbol | None = None,
) -> t.Operation:
    op = t.Operation(node.name, namespace, interface=interface, node=node, file=scope.path, doc=node.doc)
    if symbol is not None:
        _remember(symbol, key, op)
    if node.is_ is not None:
        source = _heritage(checker, op, node.is_, scope)
        if source is op or (isinstance(source, t.Operation) and derives_from_itself(checker, source)):
            checker.error(
                "circular-op-signature",
                f"Operation '{source.name}' recursively references itself.",
                node.is_,
                scope.path,
            )
        elif isinstance(source, t.Operation):
            op.source = source
            op.parameters = _copy_model(source.parameters, op)
            op.return_type = source.return_type
            op.decorators.extend(_inherited(source.decorators, op.doc))
            if op.doc is None:
                op.doc = source.doc
        elif source is not t.ERROR:
            checker.error(
                "is-operation",
                "Operation can only reuse the signature of another operation.",
                node.is_,
                scope.path,
            )
    if node.signature is not None:
        parameters = t.Model(None, None, node=node.signature, file=scope.path)
        fill_members(checker, parameters, node.signature.parameters, scope)
        op.parameters = parameters
        op.return_type = _member_type(checker, node.signature.return_type, scope)
    if op.parameters is None:
        op.parameters = t.Model(None, None)
    if op.return_type is None:
        op.return_type = t.Intrinsic("void")
    checker.apply_decorators(op, node.decorators, node.directives, scope)
    return op


def _copy_model(model: t.Model | None, owner) -> t.Model:
    copy = t.Model(None, None)
    if model is not None:
        for prop in model.properties.values():
            copy.properties[prop.name] = clone_property(prop, copy)
    return copy


def _interface(
    checker: Checker, symbol: Symbol, node: s.InterfaceDeclaration, scope: Scope, key
) -> t.Interface:
    interface = t.Interface(node.name, symbol.namespace, node=node, file=scope.path, doc=node.doc)
    _remember(symbol, key, interface)
    for parent_expr in node.extends:
        parent = type_of(checker, parent_expr, scope)
        if isinstance(parent, t.Interface):
            for name, op in parent.operations.items():
                copy = t.Operation(
                    name,
                    symbol.namespace,
                    interface=interface,
                    parameters=op.parameters,
                    return_type=op.return_type,
                    source=op,
                    decorators=list(op.decorators),
                    doc=op.doc,
                    node=op.node,
                    deprecated=op.deprecated,
                )
                interface.operations[name] = copy
        elif parent is not t.ERROR:
            checker.error(
                "extends-interface", "Interfaces can only extend other interfaces", parent_expr, scope.path
            )
    for op_node in node.operations:
        if (
            op_node.name in interface.operations
            and interface.operations[op_node.name].interface is interface
            and interface.operations[op_node.name].source is None
        ):
            checker.error(
                "interface-duplicate",
                f"Interface already has a member named {op_node.name}",
                op_node,
                scope.path,
            )
            continue
        if op_node.template_parameters:
            continue  # a templated operation inside an interface is only a template
        interface.operations[op_node.name] = operation(checker, op_node, symbol.namespace, interface, scope)
    checker.apply_decorators(interface, node.decorators, node.directives, scope)
    return interface
