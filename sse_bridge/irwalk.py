"""Walking the IR's type expressions (shared by the emitters)."""

from __future__ import annotations

from collections.abc import Iterator

from . import ir


def types_in(kind: ir.TypeExpr | None) -> Iterator[ir.TypeExpr]:
    """``kind`` and every type expression nested in it."""
    stack = [kind]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        yield node
        if isinstance(node, ir.ArrayOf):
            stack.append(node.item)
        elif isinstance(node, ir.RecordOf):
            stack.append(node.value)
        elif isinstance(node, (ir.TupleOf,)):
            stack.extend(node.items)
        elif isinstance(node, ir.UnionOf):
            stack.extend(node.options)
        elif isinstance(node, ir.ObjectType):
            stack.extend(p.type for p in node.properties)
            stack.append(node.additional)
        elif isinstance(node, ir.StreamOf):
            stack.append(node.item)


def references(document: ir.Document, skip_event_variants: bool = False) -> set[str]:
    """Every declaration a type of ``document`` refers to. With ``skip_event_variants``, the
    direct variant types of ``@events`` unions do not count (an envelope used only there)."""
    found: set[str] = set()

    def visit(kind: ir.TypeExpr | None) -> None:
        for node in types_in(kind):
            if isinstance(node, ir.Ref):
                found.add(node.target)
            elif isinstance(node, ir.EnumMemberType):
                found.add(node.enum)

    for declaration in document.declarations:
        if isinstance(declaration, ir.Model):
            for prop in declaration.properties:
                visit(prop.type)
            visit(declaration.base)
            visit(declaration.additional)
            visit(declaration.is_array)
        elif isinstance(declaration, ir.Union):
            for variant in declaration.variants:
                if skip_event_variants and declaration.events and isinstance(variant.type, ir.Ref):
                    continue
                visit(variant.type)
        elif isinstance(declaration, ir.Scalar):
            visit(declaration.base)
    for op in document.operations:
        for parameter in op.parameters:
            visit(parameter.type)
        contents = list(op.body.contents) if op.body else []
        for response in op.responses:
            contents.extend(response.contents)
            for header in response.headers:
                visit(header.type)
        for content in contents:
            visit(content.type)
    return found
