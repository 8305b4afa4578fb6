"""The stream libraries' own rules, with the official diagnostic codes (README
"Event streams").

- ``@typespec/sse/sse-stream-union-not-events``: ``SSEStream<T>`` needs an ``@events`` union;
- ``@typespec/sse/terminal-event-not-in-events``: ``@terminalEvent`` only inside one;
- ``@typespec/events/invalid-content-type-target``: ``@contentType`` on the event (variant) or
  on its ``@data`` property only;
- ``@typespec/events/multiple-event-payloads``: one ``@data`` per event;
- ``decorator-wrong-target``: the libraries' decorators on the kinds they accept.
"""

from __future__ import annotations

from ..diagnostics import DiagnosticBag, Location
from . import types as t
from .check import Program
from .lower import Lowering

EVENTS = "TypeSpec.Events."
SSE = "TypeSpec.SSE."
TARGETS: dict[str, tuple[type, ...]] = {
    EVENTS + "events": (t.Union,),
    EVENTS + "contentType": (t.Variant, t.Property),
    EVENTS + "data": (t.Property,),
    SSE + "terminalEvent": (t.Variant,),
    "TypeSpec.Streams.streamOf": (t.Model,),
    "TypeSpec.Http.route": (t.Namespace, t.Interface, t.Operation),
    "TypeSpec.Http.get": (t.Operation,),
    "TypeSpec.Http.put": (t.Operation,),
    "TypeSpec.Http.post": (t.Operation,),
    "TypeSpec.Http.patch": (t.Operation,),
    "TypeSpec.Http.delete": (t.Operation,),
    "TypeSpec.Http.head": (t.Operation,),
    "TypeSpec.Http.path": (t.Property,),
    "TypeSpec.Http.query": (t.Property,),
    "TypeSpec.Http.header": (t.Property,),
    "TypeSpec.Http.cookie": (t.Property,),
    "TypeSpec.Http.body": (t.Property,),
    "TypeSpec.Http.bodyRoot": (t.Property,),
    "TypeSpec.Http.statusCode": (t.Property,),
    "TypeSpec.Http.sharedRoute": (t.Operation,),
    "TypeSpec.OpenAPI.operationId": (t.Operation,),
    "TypeSpec.error": (t.Model,),
    "TypeSpec.discriminator": (t.Model,),
    "TypeSpec.discriminated": (t.Union,),
}
KIND_NAMES = {
    t.Union: "Union",
    t.Variant: "UnionVariant",
    t.Property: "ModelProperty",
    t.Model: "Model",
    t.Namespace: "Namespace",
    t.Interface: "Interface",
    t.Operation: "Operation",
    t.Enum: "Enum",
    t.EnumMember: "EnumMember",
    t.Scalar: "Scalar",
}


def validate(program: Program, lowering: Lowering, diagnostics: DiagnosticBag) -> None:
    kinds = _all_types(program)
    quiet = _quiet_models(kinds)
    for kind in kinds:
        if kind.decorators:
            _check_targets(kind, lowering, diagnostics)
        cls = kind.__class__
        if cls is t.Variant:
            if kind.has(SSE + "terminalEvent") and (
                kind.union is None or not kind.union.has(EVENTS + "events")
            ):
                decorator = kind.decorated(SSE + "terminalEvent")[0]
                diagnostics.error(
                    "@typespec/sse/terminal-event-not-in-events",
                    "A field marked as '@terminalEvent' must be a member of a type decorated with "
                    "'@TypeSpec.Events.events'.",
                    _at(lowering, decorator.node, kind) or lowering.pos(kind),
                )
        elif cls is t.Union:
            if kind.has(EVENTS + "events"):
                for variant in kind.variants:
                    _check_event(variant, lowering, diagnostics, quiet)
        elif cls is t.Model and kind.stream_of is not None:
            _check_sse_stream(kind, lowering, diagnostics)


def _check_targets(kind: t.Type, lowering: Lowering, diagnostics: DiagnosticBag) -> None:
    for applied in kind.decorators:
        allowed = TARGETS.get(applied.name)
        if allowed is None or isinstance(kind, allowed):
            continue
        short = applied.name.rsplit(".", 1)[-1]
        expected = " | ".join(KIND_NAMES.get(k, k.__name__) for k in allowed)
        diagnostics.error(
            "decorator-wrong-target",
            f"Cannot apply @{short} decorator to {_describe(kind)} since it is not assignable to {expected}",
            _at(lowering, applied.node, kind) or lowering.pos(kind),
        )


def _at(lowering: Lowering, node, owner: t.Type) -> Location | None:
    """The location of a decorator node, in the file of the type it decorates."""
    position = getattr(node, "pos", None)
    if position is None:
        return None
    path = owner.file or (lowering.program.files[0] if lowering.program.files else "<input>")
    return Location(path, position.line, position.column)


def _describe(kind: t.Type) -> str:
    name = getattr(kind, "name", None)
    label = KIND_NAMES.get(type(kind), type(kind).__name__)
    return f"{label} {name}" if name else label


def _check_sse_stream(model: t.Model, lowering: Lowering, diagnostics: DiagnosticBag) -> None:
    content_type = model.properties.get("contentType")
    if content_type is None or not (
        isinstance(content_type.type, t.Literal) and content_type.type.value == "text/event-stream"
    ):
        return
    item = model.stream_of
    if not (isinstance(item, t.Union) and item.has(EVENTS + "events")):
        # Located where the user wrote ``SSEStream<...>`` (the official compiler points into
        # its own library when the stream is instantiated inline).
        where = lowering.program.sites.get(id(model)) or lowering.pos(model)
        if where is not None and where.path.startswith("<"):
            where = lowering.program.sites.get(id(model.source_model)) or lowering.pos(item)
        diagnostics.error(
            "@typespec/sse/sse-stream-union-not-events",
            "SSEStream type parameter must be a union decorated with '@TypeSpec.Events.events'.",
            where,
        )


def _check_event(variant: t.Variant, lowering: Lowering, diagnostics: DiagnosticBag, quiet: set[int]) -> None:
    """Walk an event's type as ``getEventDefinitions`` does: at most one ``@data`` property,
    not under an array or record, and ``@contentType`` only on it. Models in ``quiet`` (see
    :func:`_quiet_models`) are left out of the walk: it would find nothing there."""
    if id(variant.type) in quiet:
        return
    payloads: list[str] = []
    stack: list[tuple[t.Type, str, int]] = [(variant.type, "", 0)]
    visited: set[int] = set()
    while stack:
        kind, path, indexed = stack.pop()
        if not isinstance(kind, t.Model) or id(kind) in visited:
            continue
        visited.add(id(kind))
        if kind.indexer is not None and id(kind.indexer[1]) not in quiet:
            stack.append((kind.indexer[1], path + "[]", indexed + 1))
        for prop in kind.properties.values():
            if id(prop.type) in quiet and not prop.decorators:
                continue
            where = f"{path}.{prop.name}" if path else prop.name
            if prop.has(EVENTS + "contentType") and not prop.has(EVENTS + "data"):
                diagnostics.error(
                    "@typespec/events/invalid-content-type-target",
                    "@contentType can only be specified on the top-level event envelope, or the event payload "
                    "marked with @data",
                    lowering.pos(prop),
                )
            if prop.has(EVENTS + "data"):
                if indexed:
                    diagnostics.error(
                        "@typespec/events/multiple-event-payloads",
                        f"Event payload applied from inside a Record or Array at {path or '(root)'}",
                        lowering.pos(variant),
                    )
                elif payloads:
                    diagnostics.error(
                        "@typespec/events/multiple-event-payloads",
                        f"Event payload already applied to {payloads[0]} but also exists under {where}",
                        lowering.pos(variant),
                    )
                payloads.append(where)
                continue
            if id(prop.type) not in quiet:
                stack.append((prop.type, where, indexed))
    if len(payloads) == 1:
        chained = _payload_chain_reentered(variant)
        if chained is not None:
            diagnostics.error(
                "@typespec/events/multiple-event-payloads",
                f"Event payload already applied to {chained[0]} but also exists under {chained[1]}",
                lowering.pos(variant),
            )


def _payload_chain_reentered(variant: t.Variant) -> tuple[str, str] | None:
    """The library's other ``multiple-event-payloads`` case, found by its walk of the event
    (``navigateType``, depth first, each type and property once): once the ``@data`` property
    is found, its type and the models on the way to it "chain to the payload", and any
    property visited afterwards whose type is one of them is reported, as if it held a second
    payload: a payload that refers to itself (``model Node { parent?: Node }``) or to its
    envelope. (The paths of the payload and of that property, or None.)"""
    visited: set[int] = set()
    path: list[t.Type] = []
    chain: set[int] = set()
    payload: str | None = None
    stack: list[tuple[bool, t.Type]] = [(False, variant.type)]  # (exit?, type)

    def names() -> str:
        return ".".join(
            item.name if item.__class__ is t.Property else "[]"
            for item in path
            if item.__class__ is not t.Model
        )

    while stack:
        leaving, kind = stack.pop()
        if leaving:
            path.pop()
            continue
        if id(kind) in visited:
            continue
        visited.add(id(kind))
        cls = kind.__class__
        if cls is t.Model:
            path.append(kind)
            stack.append((True, kind))
            following: list[t.Type] = list(kind.properties.values())
            if kind.base is not None:
                following.append(kind.base)
            if kind.indexer is not None:
                following.append(kind.indexer[1])
            stack.extend((False, item) for item in reversed(following))
        elif cls is t.Property:
            path.append(kind)
            stack.append((True, kind))
            if id(kind.type) in chain:
                return payload or "", names()
            if kind.has(EVENTS + "data") and payload is None:
                for item in path:
                    chain.add(id(item.type) if item.__class__ is t.Property else id(item))
                payload = names()
            stack.append((False, kind.type))
        elif cls is t.Union:
            stack.extend((False, v) for v in reversed(kind.variants))
        elif cls is t.Variant:
            stack.append((False, kind.type))
        elif cls is t.Tuple:
            path.append(kind)
            stack.append((True, kind))
            if any(id(item) in chain for item in kind.items):
                return payload or "", names()
            stack.extend((False, item) for item in reversed(kind.items))
    return None


def _all_types(program: Program) -> list[t.Type]:
    """Every type reachable from the user's declarations (instances included), each once."""
    pending: list = []
    for symbol in program.symbols:
        if symbol.type is not None:
            pending.append(symbol.type)
        pending.extend(symbol.instances.values())
    for namespace, _node, _scope in program.namespace_nodes:
        pending.append(namespace)
    seen: set[int] = set()
    found: list[t.Type] = []
    while pending:
        kind = pending.pop()
        if id(kind) in seen or not isinstance(kind, t.Type):
            continue
        seen.add(id(kind))
        found.append(kind)
        cls = kind.__class__  # the classes of types.py have no subclasses
        if cls is t.Property:
            pending.append(kind.type)
        elif cls is t.Model:
            pending.extend(kind.properties.values())
            if kind.indexer is not None:
                pending.append(kind.indexer[1])
        elif cls is t.Union:
            pending.extend(kind.variants)
        elif cls is t.Variant:
            pending.append(kind.type)
        elif cls is t.Operation:
            if kind.parameters is not None:
                pending.append(kind.parameters)
            pending.append(kind.return_type)
        elif cls is t.Interface:
            pending.extend(kind.operations.values())
        elif cls is t.Enum:
            pending.extend(kind.members.values())
        elif cls is t.Tuple:
            pending.extend(kind.items)
    return found


def _quiet_models(kinds: list[t.Type]) -> set[int]:
    """The ids of the models in which :func:`_check_event` can find nothing: no property with
    ``@contentType`` or ``@data`` in them nor in any model they lead to (through property
    types and indexers). Events usually carry plain models, whose walks would otherwise go
    through most of the program's models once per event."""
    models = [kind for kind in kinds if kind.__class__ is t.Model]
    loud: set[int] = set()
    for model in models:
        for prop in model.properties.values():
            if prop.decorators and (prop.has(EVENTS + "contentType") or prop.has(EVENTS + "data")):
                loud.add(id(model))
                break
    if loud:
        users: dict[int, list[t.Model]] = {}  # id(model) -> the models that lead to it
        for model in models:
            if model.indexer is not None:
                users.setdefault(id(model.indexer[1]), []).append(model)
            for prop in model.properties.values():
                users.setdefault(id(prop.type), []).append(model)
        pending = list(loud)
        while pending:
            for user in users.get(pending.pop(), ()):
                if id(user) not in loud:
                    loud.add(id(user))
                    pending.append(id(user))
    return {id(model) for model in models if id(model) not in loud}
