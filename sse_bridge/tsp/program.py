"""TypeSpec source → the shared IR: parse, check, validate the stream libraries' rules, and
lower to declarations, operations and the service (SPEC §3, §5)."""

from __future__ import annotations

from pathlib import Path

from .. import ir
from ..diagnostics import DiagnosticBag
from . import types as t
from .check import check
from .http import HttpLowering, service
from .lower import Lowering
from .streams import validate


def load_typespec(text: str, name: str, path: Path | None, diagnostics: DiagnosticBag) -> ir.Document:
    program = check(text, name, path, diagnostics)
    namespace = _service_namespace(program.root) or program.root
    lowering = Lowering(program, namespace, diagnostics)
    lowering.collect()
    operations = HttpLowering(lowering).operations()
    declarations = lowering.declarations()
    document = ir.Document(service(lowering, namespace), declarations, tuple(operations))
    validate(program, lowering, diagnostics)
    diagnostics.raise_if_errors()
    return document


def _service_namespace(root: t.Namespace) -> t.Namespace | None:
    """The namespace decorated with ``@service`` (the first one, in declaration order)."""
    stack = [root]
    while stack:
        namespace = stack.pop(0)
        if namespace.has("TypeSpec.service"):
            return namespace
        stack.extend(child for child in namespace.namespaces.values() if not child.library)
    return None
