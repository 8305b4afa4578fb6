"""TypeSpec source → the shared IR: parse, check, validate the stream libraries' rules, and
lower to declarations, operations and the service (README "Development"; TypeSpec's language docs)."""

from __future__ import annotations

from pathlib import Path

from .. import ir
from ..diagnostics import DiagnosticBag, Location
from . import types as t
from .check import check
from .http import HttpLowering, service
from .lower import Lowering
from .streams import validate


def load_typespec(text: str, name: str, path: Path | None, diagnostics: DiagnosticBag) -> ir.Document:
    program = check(text, name, path, diagnostics)
    namespace = _service_namespace(program.root) or program.root
    if namespace.library:
        _warn_library_service(program, namespace, diagnostics)
    lowering = Lowering(program, namespace, diagnostics)
    lowering.collect()
    operations = HttpLowering(lowering).operations()
    declarations = lowering.declarations()
    document = ir.Document(service(lowering, namespace), declarations, tuple(operations))
    validate(program, lowering, diagnostics)
    diagnostics.raise_if_errors()
    return document


def _service_namespace(root: t.Namespace) -> t.Namespace | None:
    """The namespace decorated with ``@service`` (the first one, in declaration order). A
    library's namespace counts too: a document may reopen ``namespace TypeSpec`` and make it
    its service, as the official compiler allows (only the document's own declarations and
    operations in it are the service's)."""
    stack = [root]
    while stack:
        namespace = stack.pop(0)
        if namespace.has("TypeSpec.service"):
            return namespace
        stack.extend(namespace.namespaces.values())
    return None


def _warn_library_service(program, namespace: t.Namespace, diagnostics: DiagnosticBag) -> None:
    """``@service`` on a namespace the libraries declare into (``namespace TypeSpec;``, what
    ``import --namespace TypeSpec`` writes): the official compiler accepts it, and its emitter
    then writes every library model and enum declared there as a component too. Ours are
    this document's own declarations only; said once, at the decorated namespace."""
    node, path = next(
        (
            (node, scope.path)
            for declared, node, scope in program.namespace_nodes
            if declared is namespace and node.decorators
        ),
        (None, program.files[0] if program.files else "<input>"),
    )
    position = getattr(node, "pos", None)
    location = Location(path, position.line, position.column) if position else Location(path, 1, 1)
    diagnostics.warning(
        "service-in-library-namespace",
        f"the service namespace {namespace.full_name!r} is where the TypeSpec libraries declare their "
        "types; only this document's own declarations become components (the official emitter also "
        "writes the libraries' models and enums declared there); a namespace of its own avoids this",
        location,
    )
