"""Hypothesis strategies: random IR documents with event streams (property tests).

They build what both directions must carry: event unions with named and unnamed variants,
terminal string sentinels, terminal events with payloads, text and JSON payloads, odd event
names, ``@data`` envelopes; and models with random properties to serve as payloads.
"""

from __future__ import annotations

from hypothesis import strategies as st

from sse_bridge import ir
from sse_bridge.openapi.streams import refers_to_itself

NAMESPACE = ("Generated",)
ODD_EVENT_NAMES = [
    "message.delta",
    "response.output_text.delta",
    "error",
    "done",
    "model",
    "op",
    "with-dash",
    "with space",
    "ünïcode",
    "x.y-z_1",
    "[done]",
    "namespace",
]
SCALARS = ["string", "int32", "int64", "float64", "boolean", "utcDateTime", "url", "plainDate", "numeric"]
PROPERTY_NAMES = [
    "id",
    "name",
    "text",
    "value",
    "count",
    "model",
    "type",
    "created_at",
    "x-tag",
    "kind",
    "op",
]
SENTINELS = ["[DONE]", "[done]", 'say "bye"', "back\\slash", "end ${x}"]


def _qualified(name: str) -> str:
    return ".".join((*NAMESPACE, name))


@st.composite
def property_types(draw, models: list[str]) -> ir.TypeExpr:
    choice = draw(st.integers(0, 6))
    if choice <= 2 or not models:
        kind: ir.TypeExpr = ir.Intrinsic(draw(st.sampled_from(SCALARS)))
    elif choice == 3:
        kind = ir.Ref(_qualified(draw(st.sampled_from(models))))
    elif choice == 4:
        kind = ir.ArrayOf(ir.Intrinsic(draw(st.sampled_from(SCALARS))))
    elif choice == 5:
        values = draw(
            st.lists(st.sampled_from(["a", "b", "c-d", "e f"]), min_size=2, max_size=3, unique=True)
        )
        kind = ir.UnionOf(tuple(ir.Literal(v) for v in values))
    else:
        kind = ir.RecordOf(ir.Intrinsic(draw(st.sampled_from(["string", "int32"]))))
    if draw(st.booleans()) and draw(st.integers(0, 3)) == 0:
        kind = ir.UnionOf(
            ((*kind.options,) if isinstance(kind, ir.UnionOf) else (kind,)) + (ir.Intrinsic("null"),)
        )
    return kind


@st.composite
def models(draw, count: int) -> list[ir.Model]:
    names = [f"Payload{i}" for i in range(count)]
    result = []
    for name in names:
        props = []
        for prop_name in draw(st.lists(st.sampled_from(PROPERTY_NAMES), min_size=1, max_size=4, unique=True)):
            doc = draw(st.one_of(st.none(), st.sampled_from(["A documented property.", "Multi\nline doc."])))
            props.append(
                ir.Property(
                    prop_name,
                    draw(property_types(names)),
                    optional=draw(st.booleans()),
                    meta=ir.Metadata(doc=doc),
                )
            )
        doc = draw(st.one_of(st.none(), st.just(f"The {name} payload.")))
        extensions = (
            (ir.Extension("x-origin", draw(st.sampled_from(["a", 1, True]))),) if draw(st.booleans()) else ()
        )
        result.append(
            ir.Model(
                name, NAMESPACE, properties=tuple(props), meta=ir.Metadata(doc=doc, extensions=extensions)
            )
        )
    return result


@st.composite
def variants(draw, payloads: list[str], envelopes: list[str]) -> list[ir.Variant]:
    count = draw(st.integers(1, 5))
    names = draw(st.lists(st.sampled_from(ODD_EVENT_NAMES), min_size=0, max_size=count, unique=True))
    result: list[ir.Variant] = []
    for name in names:
        kind = draw(st.integers(0, 4))
        terminal = draw(st.integers(0, 4)) == 0
        meta = ir.Metadata(
            doc=draw(st.one_of(st.none(), st.just(f"The {name} event."))),
            extensions=(ir.Extension("x-event-kind", name),) if draw(st.booleans()) else (),
        )
        if terminal:
            meta = ir.Metadata(
                doc=meta.doc, extensions=(*meta.extensions, ir.Extension("x-ms-sse-terminal-event", True))
            )
        if kind <= 1 and payloads:
            result.append(
                ir.Variant(
                    name, ir.Ref(_qualified(draw(st.sampled_from(payloads)))), terminal=terminal, meta=meta
                )
            )
        elif kind == 2:
            result.append(ir.Variant(name, ir.Intrinsic("string"), terminal=terminal, meta=meta))
        elif kind == 3 and envelopes:
            result.append(
                ir.Variant(
                    name, ir.Ref(_qualified(draw(st.sampled_from(envelopes)))), terminal=terminal, meta=meta
                )
            )
        else:
            result.append(
                ir.Variant(
                    name, ir.Intrinsic("string"), content_type="text/plain", terminal=terminal, meta=meta
                )
            )
    if payloads and (not result or draw(st.booleans())):
        result.append(ir.Variant(None, ir.Ref(_qualified(draw(st.sampled_from(payloads))))))
    if draw(st.booleans()):
        sentinel = draw(st.sampled_from(SENTINELS))
        terminal_meta = ir.Metadata(extensions=(ir.Extension("x-ms-sse-terminal-event", True),))
        result.append(
            ir.Variant(
                None, ir.Literal(sentinel), content_type="text/plain", terminal=True, meta=terminal_meta
            )
        )
    if not result:
        result.append(ir.Variant(None, ir.Intrinsic("string")))
    order = draw(st.permutations(range(len(result))))
    return [result[i] for i in order]


@st.composite
def documents(draw) -> ir.Document:
    payload_models = draw(models(draw(st.integers(1, 3))))
    payload_names = [m.name for m in payload_models]
    envelopes = []
    # The events library refuses an envelope whose payload refers to itself (its walk takes
    # such a property for a second payload): only other payloads go into the envelope.
    declarations = {_qualified(m.name): m for m in payload_models}
    wrappable = [n for n in payload_names if not refers_to_itself(ir.Ref(_qualified(n)), declarations)]
    if wrappable and draw(st.booleans()):
        data = ir.Ref(_qualified(draw(st.sampled_from(wrappable))))
        envelopes.append(
            ir.Model(
                "TickEnvelope",
                NAMESPACE,
                properties=(
                    ir.Property("id", ir.Intrinsic("string"), optional=True),
                    ir.Property("retry", ir.Intrinsic("int32"), optional=True),
                    ir.Property("data", data, event_data=True),
                ),
            )
        )
    unions = []
    operations = []
    for index in range(draw(st.integers(1, 2))):
        name = f"Stream{index}Events"
        unions.append(
            ir.Union(
                name,
                NAMESPACE,
                variants=tuple(draw(variants(payload_names, [e.name for e in envelopes]))),
                events=True,
            )
        )
        operations.append(
            ir.Operation(
                name=f"watch{index}",
                namespace=NAMESPACE,
                interface=None,
                method="get",
                path=f"/streams/{index}",
                responses=(
                    ir.Response(
                        200,
                        contents=(
                            ir.Content(
                                "text/event-stream",
                                ir.StreamOf("sse", ir.Ref(_qualified(name)), "text/event-stream"),
                            ),
                        ),
                    ),
                ),
            )
        )
    if draw(st.booleans()):
        operations.append(
            ir.Operation(
                name="lines",
                namespace=NAMESPACE,
                interface=None,
                method="get",
                path="/lines",
                responses=(
                    ir.Response(
                        200,
                        contents=(
                            ir.Content(
                                "application/jsonl",
                                ir.StreamOf(
                                    "jsonl", ir.Ref(_qualified(payload_names[0])), "application/jsonl"
                                ),
                            ),
                        ),
                    ),
                ),
            )
        )
    service = ir.Service(namespace=NAMESPACE, title="Generated", version="1.0.0")
    return ir.Document(service, tuple([*payload_models, *envelopes, *unions]), tuple(operations))
