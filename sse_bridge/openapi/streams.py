"""Event streams in OpenAPI → ``SSEStream<E>`` / ``JsonlStream<T>`` (README "Event streams").

Every dialect found in real documents:

- OpenAPI 3.2 ``itemSchema`` (inline or ``$ref``): one event object with ``event``/``data``
  (and maybe ``id``/``retry``) and one ``oneOf``/``anyOf`` branch per event type; the name
  from ``const`` or a one-value ``enum``; the payload from ``contentMediaType`` +
  ``contentSchema`` (JSON) or ``const``/``type: string`` (text); ``x-ms-sse-terminal-event``.
- 3.0/3.1 ``schema`` (Speakeasy): an envelope among ``id``/``event``/``data``/``retry``,
  maybe a union of envelopes; a typed ``data`` means JSON, a string means text.
- 3.0/3.1 ``schema`` that is not an envelope (OpenAI, TGI): the JSON payload of unnamed
  events; a union of payloads gives one unnamed variant per payload.
- ``schema: {type: string}``: an untyped stream (warning ``untyped-stream``).
- ``x-speakeasy-sse-sentinel`` on the media type: a terminal ``text/plain`` variant.
- JSON Lines media types: the item (3.2 ``itemSchema``; 3.0/3.1 ``schema``) is each line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .. import ir
from ..irwalk import types_in
from ..names import pascal_case
from .context import At, ImportContext, kind_of
from .schema_types import is_null_schema
from .schemas import SchemaImporter
from .shapes import kind_at, kind_text

SSE = "text/event-stream"
JSONL_TYPES = ("application/jsonl", "application/x-ndjson", "application/json-seq", "application/x-jsonlines")
TERMINAL_EXTENSION = "x-ms-sse-terminal-event"
SENTINEL_EXTENSION = "x-speakeasy-sse-sentinel"
_ENVELOPE_FIELDS = frozenset({"id", "event", "data", "retry"})
_COMPONENT_PREFIX = "#/components/schemas/"
_ALIAS_KEYS = frozenset({"$ref", "description", "title", "summary"})
_ITEM_REF_ANNOTATIONS = frozenset({"description", "title", "summary"})


def is_json_media_type(media_type: str) -> bool:
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


@dataclass
class _Event:
    """One SSE event type read from a branch, before it becomes a variant."""

    name: str | None
    payload: ir.TypeExpr
    content_type: str | None
    terminal: bool
    meta: ir.Metadata
    envelope_fields: dict  # id/retry: (schema, location, required?) declared for this event
    at: At


class StreamImporter:
    def __init__(self, ctx: ImportContext, schemas: SchemaImporter) -> None:
        self.ctx = ctx
        self.schemas = schemas
        self._union_for: dict[tuple[int, tuple], str] = {}  # item schema location → events union
        self._planned: set[str] = set()  # components built as events unions

    # --- planning: components used as stream items -----------------------------------------------

    def plan(self, media_types: list[tuple[str, dict, At, int | str]]) -> None:
        """Before components are converted: a component used only as the item of event
        streams, and shaped like events (a 3.2 item schema, an envelope, a union), becomes the
        ``@events`` union itself, keeping its name. A plain payload model stays a model.

        A stream may name its item through aliases, components that are only a ``$ref`` (or a
        one-member ``anyOf``/``oneOf``, as OpenAPI output writes them) to the next: then the
        events component at the end of the chain is the union, when the aliases are used only
        this way too, and the aliases stay one-member unions of it (``union Item { Events }``);
        the streams refer to the union itself (``SSEStream<Events>``)."""
        uses: dict[str, tuple[int, str]] = {}
        for media_type, media, _at, status in media_types:
            if media_type.split(";")[0].strip().lower() != SSE or not (
                _streams_by_schema(status) or "itemSchema" in media
            ):
                continue
            key = "itemSchema" if "itemSchema" in media else "schema"
            schema = media.get(key)
            if SENTINEL_EXTENSION in media:
                continue  # the sentinel makes this stream's union its own
            if (
                isinstance(schema, dict)
                and isinstance(schema.get("$ref"), str)
                and schema.keys() <= _ITEM_REF_ANNOTATIONS | {"$ref"}
            ):
                # (A description or title beside the $ref is no part of the events; it is
                # reported where the stream is converted.)
                ref = schema["$ref"]
                if _local_component(ref) is not None:
                    count, _ = uses.get(ref, (0, key))
                    uses[ref] = (count + 1, key)
        if not uses:
            return
        text = self.ctx.root.text
        components = self.ctx.root.data.get("components")
        schemas = components.get("schemas") if isinstance(components, dict) else None
        schemas = schemas if isinstance(schemas, dict) else {}
        aliases = {ref: target for ref in _component_refs(schemas) if (target := _alias_target(schemas, ref))}
        aliased_by: dict[str, list[str]] = {}
        for alias, target in aliases.items():
            aliased_by.setdefault(target, []).append(alias)
        counts: dict[str, int] = {}
        verdicts: dict[str, bool] = {}

        def stream_only(ref: str, visiting: frozenset[str] = frozenset()) -> bool:
            """Every mention of ``ref`` is a stream's item or an alias used only so."""
            if ref not in verdicts:
                if ref not in counts:
                    counts[ref] = len(re.findall(re.escape(ref) + r"(?![\w.\-])", text))
                accounted = uses.get(ref, (0, ""))[0] + sum(
                    1
                    for alias in aliased_by.get(ref, [])
                    if alias not in visiting and stream_only(alias, visiting | {ref})
                )
                verdicts[ref] = counts[ref] <= accounted
            return verdicts[ref]

        for ref, (_count, key) in uses.items():
            chain = [ref]
            while chain[-1] in aliases and aliases[chain[-1]] not in chain:
                chain.append(aliases[chain[-1]])
            modern = key == "itemSchema"
            # The deepest component of the chain that is used only as these streams' item and
            # is shaped as events (not a plain payload) is the union.
            for depth in range(len(chain) - 1, -1, -1):
                if not all(stream_only(link) for link in chain[: depth + 1]):
                    continue
                component_at = At(self.ctx.root, ("components", "schemas", _local_component(chain[depth])))
                target, target_at = self._unalias(schemas.get(component_at.pointer[-1]), component_at)
                if not isinstance(target, dict) or not (
                    modern
                    or _is_envelope(self.ctx, target, target_at)
                    or _is_union_of_envelopes(self.ctx, target, target_at)
                    or _is_payload_union(target)
                ):
                    continue
                name = self.schemas.component_name(component_at)
                if name is None:
                    break
                for link in chain[: depth + 1]:
                    link_at = At(self.ctx.root, ("components", "schemas", _local_component(link)))
                    self._union_for[(id(self.ctx.root), link_at.pointer)] = name
                if name not in self._planned:
                    self._planned.add(name)
                    self.schemas.override(
                        name, lambda n, s, a, modern=modern: self._declare_events(n, s, a, modern=modern)
                    )
                break

    # --- media types ---------------------------------------------------------------------------------

    def content(
        self, media_type: str, media: dict, at: At, hint: str, status: int | str
    ) -> ir.Content | None:
        """A stream ``Content`` for ``media``, or None when it is not a stream."""
        base = media_type.split(";")[0].strip().lower()
        if base == SSE and (_streams_by_schema(status) or "itemSchema" in media):
            return ir.Content(media_type, ir.StreamOf("sse", self._events_ref(media, at, hint), SSE))
        if base in JSONL_TYPES:
            legacy = self.ctx.version < (3, 2)
            key = "itemSchema" if "itemSchema" in media else ("schema" if legacy else None)
            if key is None or key not in media:
                return None
            # An inline object line becomes a model, like an event payload: named after its
            # title, else ``<Operation>Line``.
            item = self.schemas.payload_type(media[key], at / key, _title_hint(media[key]) or hint + "Line")
            protocol = "jsonl" if base == "application/jsonl" else "http"
            return ir.Content(media_type, ir.StreamOf(protocol, item, media_type))
        return None

    def _events_ref(self, media: dict, at: At, hint: str) -> ir.Ref:
        key = "itemSchema" if "itemSchema" in media else "schema"
        schema = media.get(key)
        item_at = at / key
        sentinel = media.get(SENTINEL_EXTENSION)
        if schema is None:
            self.ctx.warn(
                "untyped-stream", "this event stream declares no schema; its events are typed string", at
            )
        target, target_at = (
            self.ctx.follow(schema, item_at, "schema") if schema is not None else (None, item_at)
        )
        if isinstance(schema, dict) and "$ref" in schema:
            self._check_item_ref(schema, target, target_at, item_at)
        siblings = (
            {k: v for k, v in schema.items() if k not in ("$ref", "description", "title")}
            if isinstance(schema, dict) and "$ref" in schema
            else {}
        )
        if siblings and isinstance(target, dict):
            # OpenAPI 3.1+: a $ref with sibling keywords applies both, e.g. the 3.2 spec's
            # ``itemSchema: {$ref: Event, required: [event], oneOf: [...]}``.
            target, target_at, schema = _merge_siblings(target, siblings), item_at, dict(siblings)
        known = self._union_for.get((id(target_at.source), target_at.pointer))
        if known is not None and sentinel is None:
            return self.ctx.ref(known)
        component = (
            self.schemas.component_name(target_at) if isinstance(schema, dict) and "$ref" in schema else None
        )
        wanted = (
            f"{component}Events"
            if component
            else (
                pascal_case(target["title"])
                if isinstance(target, dict) and isinstance(target.get("title"), str)
                else f"{hint}Events"
            )
        )
        name = self.ctx.reserve(wanted)
        # Its payload models and envelopes follow the union, as they do when the union is a
        # component (which it is once written back to OpenAPI).
        owner, self.ctx.owner = self.ctx.owner, self.ctx.order_of(name)
        try:
            union = self._declare_events(
                name, target, target_at, modern=key == "itemSchema", sentinel=sentinel, payload_ref=component
            )
        finally:
            self.ctx.owner = owner
        self.ctx.fill(union)
        if sentinel is None:
            self._union_for[(id(target_at.source), target_at.pointer)] = name
        return self.ctx.ref(name)

    def _check_item_ref(self, schema: dict, target: object, target_at: At, item_at: At) -> None:
        """What a stream's item ``$ref`` cannot carry: annotations beside it (TypeSpec has no
        place for a doc of the stream itself), a target that is no schema."""
        for key in sorted(_ITEM_REF_ANNOTATIONS & schema.keys()):
            self.ctx.warn(
                "annotation-dropped",
                f"the {key} beside the $ref of this stream's item schema has no place in TypeSpec "
                "(the events union is the referenced schema; the response keeps its own description)",
                item_at / key,
            )
        if target is None:
            return
        kind = kind_at(target_at.source.data, target_at.pointer)
        if kind is not None and kind != "schema":
            self.ctx.warn(
                "ref-not-schema",
                f"the reference {schema['$ref']!r} points to {kind_text(kind)}, not a schema; "
                "it is read as one, so its events are untyped",
                item_at / "$ref",
            )

    def _unalias(self, schema: object, at: At) -> tuple[object, At]:
        """Through components that are only a ``$ref`` to another (``Item: {$ref: Events}``):
        the schema that says what the events are."""
        seen: set[tuple[int, tuple]] = set()
        while (
            isinstance(schema, dict)
            and isinstance(schema.get("$ref"), str)
            and schema.keys() <= _ALIAS_KEYS
            and (id(at.source), at.pointer) not in seen
        ):
            seen.add((id(at.source), at.pointer))
            target, target_at = self.ctx.follow(schema, at, "schema")
            if not isinstance(target, dict):
                break
            schema, at = target, target_at
        return schema, at

    # --- the events union ---------------------------------------------------------------------------

    def _declare_events(
        self,
        name: str,
        schema: object,
        at: At,
        modern: bool | None = None,
        sentinel: object = None,
        payload_ref: str | None = None,
    ) -> ir.Union:
        schema, at = self._unalias(schema, at)
        if modern is None:
            modern = self.ctx.version >= (3, 2) or _looks_modern(schema)
        meta = self.schemas.metadata(schema, at) if isinstance(schema, dict) else ir.NO_METADATA
        if payload_ref is not None:
            meta = ir.NO_METADATA  # the docs belong to the payload component, not to its stream
        if schema is None or (isinstance(schema, dict) and _is_plain_string(schema)):
            if schema is not None:
                self.ctx.warn(
                    "untyped-stream",
                    "this event stream is typed only as a string; its events become untyped `string` data",
                    at,
                )
            events = [_Event(None, ir.Intrinsic("string"), None, False, ir.NO_METADATA, {}, at)]
        elif not isinstance(schema, dict):
            self.ctx.error("wrong-type", f"a stream schema must be a mapping, not {kind_of(schema)}", at)
            events = []
        elif modern or _is_envelope(self.ctx, schema, at) or _is_union_of_envelopes(self.ctx, schema, at):
            events = self._events_from_event_schema(name, schema, at, modern)
        else:
            events = self._events_from_payload(name, schema, at, payload_ref)
        if isinstance(sentinel, str):
            events.append(
                _Event(
                    None,
                    ir.Literal(sentinel),
                    "text/plain",
                    True,
                    ir.Metadata(extensions=(ir.Extension(TERMINAL_EXTENSION, True),)),
                    {},
                    at,
                )
            )
        elif sentinel is not None:
            self.ctx.error("wrong-type", f"{SENTINEL_EXTENSION} must be a string", at)
        variants = self._variants(name, events)
        return ir.Union(
            name, self.ctx.namespace, variants=tuple(variants), events=True, meta=meta, pos=at.location
        )

    def _events_from_payload(self, name: str, schema: dict, at: At, payload_ref: str | None) -> list[_Event]:
        """OpenAI/TGI: the schema is the JSON ``data`` of unnamed events; a union of
        payloads gives one unnamed variant per payload. A payload whose own ``event`` field
        names it (``const`` or ``enum``, Dify) is the data of events so named."""
        if payload_ref is not None and not _is_payload_union(schema):
            return self._payload_events(self.ctx.ref(payload_ref), schema, at)
        key = (
            "oneOf"
            if isinstance(schema.get("oneOf"), list)
            else "anyOf"
            if isinstance(schema.get("anyOf"), list)
            else None
        )
        if key is None or "properties" in schema:
            return self._payload_events(self._unnamed_payload(name, schema, at), schema, at)
        if schema.get("discriminator") is not None and payload_ref is None:
            # (A component union keeps its discriminator in its own declaration.)
            self.ctx.warn(
                "discriminator-dropped",
                "the discriminator of this stream's payload union is not kept: each payload is its own event variant",
                at / "discriminator",
            )
        events = []
        for index, branch in enumerate(schema[key]):
            branch_at = at / key / index
            if is_null_schema(branch):
                continue
            payload = self._unnamed_payload(name, branch, branch_at, index + 1)
            target, target_at = self.ctx.follow(branch, branch_at, "schema")
            meta = _member_meta(branch, payload)
            events.extend(
                replace(event, meta=meta) for event in self._payload_events(payload, target, target_at)
            )
        return events

    def _unnamed_payload(self, name: str, schema: object, at: At, index: int | None = None) -> ir.TypeExpr:
        """The JSON payload of unnamed events: an inline object becomes a model named after
        its title, else ``<Union>Message`` (``Message2``...), as the emitter names anonymous
        payloads, so that the TypeSpec reads back the same."""
        if isinstance(schema, dict) and "$ref" not in schema and isinstance(schema.get("properties"), dict):
            return self.schemas.payload_type(schema, at, _title_hint(schema) or f"{name}Message")
        return self.schemas.type_for(schema, at, f"{name}Data" if index is None else f"{name}Data{index}")

    def _payload_events(self, payload: ir.TypeExpr, schema: object, at: At) -> list[_Event]:
        """The events whose JSON data is ``payload`` (of ``schema``): named after the payload's
        own ``event`` field when it is a string ``const`` or ``enum``, else one unnamed event."""
        names: list[str] = []
        terminal = False
        if isinstance(schema, dict):
            terminal = self._terminal(schema, at)
            props = self._all_properties(schema, at)
            event, _ = self.ctx.follow(props.get("event"), at, "schema")
            if isinstance(event, dict):
                if isinstance(event.get("const"), str):
                    names = [event["const"]]
                elif isinstance(event.get("enum"), list) and all(isinstance(v, str) for v in event["enum"]):
                    names = list(dict.fromkeys(event["enum"]))
        return [_Event(n, payload, None, terminal, ir.NO_METADATA, {}, at) for n in names or [None]]

    def _all_properties(self, schema: dict, at: At) -> dict:
        """A schema's properties with those of its ``allOf`` parts."""
        props = dict(schema["properties"]) if isinstance(schema.get("properties"), dict) else {}
        for index, part in enumerate(schema.get("allOf") or []):
            target, _ = self.ctx.follow(part, at / "allOf" / index, "schema")
            if isinstance(target, dict) and isinstance(target.get("properties"), dict):
                props = {**props, **target["properties"]}
        return props

    def _events_from_event_schema(self, name: str, schema: dict, at: At, modern: bool) -> list[_Event]:
        """An event object (3.2 item schema or Speakeasy envelope), maybe with one branch
        per event type; top-level properties apply to every branch."""
        shared = dict(schema.get("properties") or {}) if isinstance(schema.get("properties"), dict) else {}
        key = (
            "oneOf"
            if isinstance(schema.get("oneOf"), list)
            else "anyOf"
            if isinstance(schema.get("anyOf"), list)
            else None
        )
        if key is None:
            return self._events_of_branch(name, schema, at, {}, modern)
        events: list[_Event] = []
        for index, branch in enumerate(schema[key]):
            branch_at = at / key / index
            target, target_at = self.ctx.follow(branch, branch_at, "schema")
            if not isinstance(target, dict):
                if target is not None:
                    self.ctx.error(
                        "wrong-type", f"an event branch must be a mapping, not {kind_of(target)}", branch_at
                    )
                continue
            events.extend(self._events_of_branch(name, target, target_at, shared, modern))
        return events

    def _events_of_branch(self, union: str, branch: dict, at: At, shared: dict, modern: bool) -> list[_Event]:
        props = dict(shared)
        own = branch.get("properties")
        if isinstance(own, dict):
            props.update(own)
        elif own is not None:
            self.ctx.error(
                "wrong-type", f"properties must be a mapping, not {kind_of(own)}", at / "properties"
            )
        for part in branch.get("allOf") or []:
            part_target, _ = self.ctx.follow(part, at / "allOf", "schema")
            if isinstance(part_target, dict) and isinstance(part_target.get("properties"), dict):
                props.update(part_target["properties"])
        props_at = at / "properties"
        names = self._event_names(props.get("event"), props_at / "event")
        terminal = self._terminal(branch, at)
        extensions = tuple(
            ir.Extension(k, v) for k, v in branch.items() if isinstance(k, str) and k.startswith("x-")
        )
        doc = branch.get("description") if isinstance(branch.get("description"), str) else None
        meta = ir.Metadata(
            doc=doc,
            summary=branch.get("title") if isinstance(branch.get("title"), str) else None,
            extensions=extensions,
        )
        extra = sorted(set(props) - _ENVELOPE_FIELDS)
        if extra:
            self.ctx.warn(
                "sse-field-dropped",
                f"an SSE event has only id, event, data and retry fields; {', '.join(extra)} dropped",
                props_at,
            )
        required = _required_names(self.ctx, branch, at)
        envelope_fields = {
            k: (props[k], props_at / k, k in required)
            for k in ("id", "retry")
            if k in props and k not in shared
        }
        data_schema = props.get("data")
        data_at = props_at / "data"
        if names and len(names) > 1:
            linked = self._linked_payloads(names, data_schema, data_at)
            if linked is not None:
                return [
                    _Event(event, payload, None, terminal, meta, envelope_fields, at)
                    for event, payload in linked
                ]
        hint = pascal_case(names[0]) if names and names[0] else f"{union}Message"
        payload, content_type = self._payload(data_schema, data_at, hint, modern)
        return [
            _Event(event, payload, content_type, terminal, meta, envelope_fields, at)
            for event in (names or [None])
        ]

    def _terminal(self, schema: dict, at: At) -> bool:
        """``x-ms-sse-terminal-event: true``; another value (``"true"``, ``1``) is no boolean: a
        warning, and the value stays a plain extension."""
        value = schema.get(TERMINAL_EXTENSION)
        if value is not None and not isinstance(value, bool):
            self.ctx.warn(
                "wrong-type",
                f"{TERMINAL_EXTENSION} must be a boolean, not {kind_of(value)}; "
                "the event is not marked terminal (the value stays a plain extension)",
                at / TERMINAL_EXTENSION,
            )
        return value is True

    def _event_names(self, schema: object, at: At) -> list[str]:
        """Event names from ``const``, a one-value ``enum``, an enum of many, or a ``$ref`` to an
        enum schema; [] when the event type is free."""
        target, _ = self.ctx.follow(schema, at, "schema")
        if not isinstance(target, dict):
            return []
        if "const" in target:
            if isinstance(target["const"], str):
                return [target["const"]]
            self.ctx.error(
                "wrong-type", f"an event name must be a string, not {kind_of(target['const'])}", at / "const"
            )
            return []
        values = target.get("enum")
        if isinstance(values, list):
            names = []
            for index, value in enumerate(values):
                if not isinstance(value, str):
                    self.ctx.error(
                        "wrong-type",
                        f"an event name must be a string, not {kind_of(value)}",
                        at / "enum" / index,
                    )
                elif value not in names:
                    names.append(value)
            return names
        return []

    def _linked_payloads(
        self, names: list[str], data: object, at: At
    ) -> list[tuple[str, ir.TypeExpr]] | None:
        """Mistral: event names enumerated beside a data union whose discriminator mapping
        has exactly those names as keys — then each event carries its own payload."""
        target, target_at = self.ctx.follow(data, at, "schema")
        if not isinstance(target, dict):
            return None
        discriminator = target.get("discriminator")
        key = (
            "oneOf"
            if isinstance(target.get("oneOf"), list)
            else "anyOf"
            if isinstance(target.get("anyOf"), list)
            else None
        )
        if (
            key is None
            or not isinstance(discriminator, dict)
            or not isinstance(discriminator.get("mapping"), dict)
        ):
            return None
        mapping = discriminator["mapping"]
        if set(mapping) != set(names):
            return None
        result = []
        for event in names:
            ref = mapping[event]
            if not isinstance(ref, str):
                return None
            payload = self.schemas.reference(
                {"$ref": ref}, target_at / "discriminator" / "mapping" / event, pascal_case(event)
            )
            result.append((event, payload))
        return result

    def _payload(self, data: object, at: At, hint: str, modern: bool) -> tuple[ir.TypeExpr, str | None]:
        """The payload type of one event and its content type (None: the default — JSON for
        structured data, raw text for strings)."""
        if data is None:
            return ir.Intrinsic("string"), None
        if not isinstance(data, dict):
            self.ctx.error("wrong-type", f"the data schema must be a mapping, not {kind_of(data)}", at)
            return ir.Intrinsic("string"), None
        media = data.get("contentMediaType")
        if isinstance(media, str):
            if is_json_media_type(media):
                if "contentSchema" not in data:
                    return ir.Intrinsic("unknown"), None
                content = data["contentSchema"]
                named = _title_hint(content) or hint
                payload = self.schemas.payload_type(content, at / "contentSchema", named)
                textual = payload == ir.Intrinsic("string") or (
                    isinstance(payload, ir.Literal) and isinstance(payload.value, str)
                )
                return payload, (media if textual or media != "application/json" else None)
            if "const" in data and isinstance(data["const"], str):
                return ir.Literal(data["const"]), media
            return ir.Intrinsic("string"), media
        target, target_at = self.ctx.follow(data, at, "schema")
        if isinstance(target, dict) and _is_textual(self.ctx, target, target_at):
            return self.schemas.type_for(data, at, hint + "Data"), None
        if modern and "$ref" not in data and not _is_structured(target):
            return self.schemas.type_for({"type": "string", **data}, at, hint + "Data"), None
        return self.schemas.payload_type(data, at, _title_hint(target) or hint), None

    def _variants(self, union: str, events: list[_Event]) -> list[ir.Variant]:
        """Events → variants; the same event name twice merges into one variant whose payload
        is the union of both; id/retry fields make an ``@data`` envelope model."""
        merged: dict[str | None, _Event] = {}
        order: list[object] = []
        for event in events:
            key = event.name
            if key is not None and key in merged:
                previous = merged[key]
                options = (
                    previous.payload.options
                    if isinstance(previous.payload, ir.UnionOf)
                    else (previous.payload,)
                )
                if event.payload not in options:
                    merged[key] = _Event(
                        key,
                        ir.UnionOf((*options, event.payload)),
                        previous.content_type,
                        previous.terminal or event.terminal,
                        previous.meta,
                        previous.envelope_fields,
                        previous.at,
                    )
                continue
            if key is None:
                order.append(event)
            else:
                merged[key] = event
                order.append(key)
        variants = []
        for item in order:
            event = item if isinstance(item, _Event) else merged[item]
            payload = event.payload
            content_type = event.content_type
            if event.envelope_fields:
                payload, content_type = self._envelope(union, event), None
            meta = event.meta
            if event.terminal and not any(e.name == TERMINAL_EXTENSION for e in meta.extensions):
                meta = ir.Metadata(
                    doc=meta.doc,
                    summary=meta.summary,
                    extensions=(*meta.extensions, ir.Extension(TERMINAL_EXTENSION, True)),
                )
            variants.append(
                ir.Variant(
                    event.name,
                    payload,
                    content_type=content_type,
                    terminal=event.terminal,
                    meta=meta,
                    pos=event.at.location,
                )
            )
        return variants

    def _envelope(self, union: str, event: _Event) -> ir.Ref:
        base = pascal_case(event.name) if event.name else f"{union}Message"
        # Right after the union, before its payload models: written back to OpenAPI, an
        # envelope is no component but the payloads are, and read again they follow it.
        name = self.ctx.reserve(base + "Envelope", first=True)
        properties = []
        for field_name, (schema, at, required) in event.envelope_fields.items():
            prop = self.schemas.property(field_name, schema, at, required, name)
            properties.append(prop)
        properties.append(
            ir.Property(
                "data",
                event.payload,
                event_data=True,
                event_content_type=event.content_type,
                pos=event.at.location,
            )
        )
        self.ctx.fill(ir.Model(name, self.ctx.namespace, properties=tuple(properties), pos=event.at.location))
        return self.ctx.ref(name)


def settle_envelopes(document: ir.Document, diagnostics) -> ir.Document:
    """Unwrap the ``@data`` envelopes the events library would refuse: its walk of an event
    reports any property met after the payload whose type is the payload's own type (``model
    Node { parent?: Node }``) as a second payload (``multiple-event-payloads``). Such an
    event carries its payload directly; its ``id``/``retry`` fields are dropped
    (``sse-field-dropped``)."""
    declarations = document.declaration_map()
    dropped: set[str] = set()
    unions: dict[str, ir.Union] = {}
    for declaration in document.declarations:
        if not (isinstance(declaration, ir.Union) and declaration.events):
            continue
        variants = []
        for variant in declaration.variants:
            envelope = declarations.get(variant.type.target) if isinstance(variant.type, ir.Ref) else None
            data = (
                next((p for p in envelope.properties if p.event_data), None)
                if isinstance(envelope, ir.Model)
                else None
            )
            if data is None or not refers_to_itself(data.type, declarations):
                variants.append(variant)
                continue
            fields = ", ".join(p.name for p in envelope.properties if not p.event_data)
            diagnostics.warning(
                "sse-field-dropped",
                f"the payload {_shown(data.type)} of this event refers to itself, which the TypeSpec events "
                "library refuses inside an @data envelope (multiple-event-payloads): the event carries it "
                f"directly, and its {fields} field(s) are dropped",
                variant.pos,
            )
            dropped.add(envelope.qualified_name)
            variants.append(replace(variant, type=data.type, content_type=data.event_content_type))
        if dropped:
            unions[declaration.qualified_name] = replace(declaration, variants=tuple(variants))
    if not dropped:
        return document
    return replace(
        document,
        declarations=tuple(
            unions.get(d.qualified_name, d) for d in document.declarations if d.qualified_name not in dropped
        ),
    )


def _shown(kind: ir.TypeExpr) -> str:
    if isinstance(kind, ir.Ref):
        return repr(kind.target.rsplit(".", 1)[-1])
    return "type"


def refers_to_itself(payload: ir.TypeExpr, declarations: dict) -> bool:
    """A property reachable from ``payload`` whose type is ``payload`` itself (the same type
    in TypeSpec: a declaration, or an array or record of one)."""

    def shared(kind: ir.TypeExpr) -> bool:
        if isinstance(kind, ir.ArrayOf):
            return shared(kind.item)
        if isinstance(kind, ir.RecordOf):
            return shared(kind.value)
        return isinstance(kind, ir.Ref)

    if not shared(payload):
        return False
    seen: set[str] = set()
    pending: list[ir.TypeExpr | None] = [payload]
    while pending:
        for kind in types_in(pending.pop()):
            if isinstance(kind, ir.ObjectType) and any(p.type == payload for p in kind.properties):
                return True
            if not isinstance(kind, ir.Ref) or kind.target in seen:
                continue
            seen.add(kind.target)
            target = declarations.get(kind.target)
            if isinstance(target, ir.Model):
                if any(p.type == payload for p in target.properties):
                    return True
                pending.extend(p.type for p in target.properties)
                pending.extend((target.base, target.additional, target.is_array))
            elif isinstance(target, ir.Union):
                pending.extend(v.type for v in target.variants)
    return False


def _required_names(ctx: ImportContext, branch: dict, at: At) -> set[str]:
    """The properties a branch requires, with those its ``allOf`` parts require."""
    names = {n for n in branch.get("required") or () if isinstance(n, str)}
    for index, part in enumerate(branch.get("allOf") or ()):
        target, _ = ctx.follow(part, at / "allOf" / index, "schema")
        if isinstance(target, dict):
            names.update(n for n in target.get("required") or () if isinstance(n, str))
    return names


def _local_component(ref: str) -> str | None:
    """``X`` for a reference ``#/components/schemas/X`` of the document itself."""
    if ref.startswith(_COMPONENT_PREFIX) and "/" not in ref[len(_COMPONENT_PREFIX) :]:
        return ref[len(_COMPONENT_PREFIX) :]
    return None


def _component_refs(schemas: dict) -> list[str]:
    return [_COMPONENT_PREFIX + str(key) for key in schemas if "/" not in str(key)]


def _alias_target(schemas: dict, ref: str) -> str | None:
    """The component a component is only an alias of: ``{$ref: X}`` (beside a description or a
    title at most), or ``{anyOf: [{$ref: X}]}`` (how a one-member union is written back)."""
    schema = schemas.get(_local_component(ref))
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("$ref"), str) and schema.keys() <= _ALIAS_KEYS:
        target = schema["$ref"]
    else:
        keys = [k for k in ("anyOf", "oneOf") if k in schema]
        members = schema[keys[0]] if len(keys) == 1 else None
        if not (
            isinstance(members, list)
            and len(members) == 1
            and isinstance(members[0], dict)
            and members[0].keys() == {"$ref"}
            and isinstance(members[0]["$ref"], str)
            and schema.keys() - {keys[0]} <= _ALIAS_KEYS
        ):
            return None
        target = members[0]["$ref"]
    return target if _local_component(target) is not None else None


def _merge_siblings(target: dict, siblings: dict) -> dict:
    merged = {**target, **siblings}
    if isinstance(target.get("properties"), dict) and isinstance(siblings.get("properties"), dict):
        merged["properties"] = {**target["properties"], **siblings["properties"]}
    if isinstance(target.get("required"), list) and isinstance(siblings.get("required"), list):
        merged["required"] = list(dict.fromkeys(target["required"] + siblings["required"]))
    return merged


def _streams_by_schema(status: int | str) -> bool:
    """Where a ``text/event-stream`` media type with only a ``schema`` (the 3.0/3.1
    convention: the schema describes one event) is a stream: success responses and request
    bodies. An error response declared so is a plain body (warning ``error-stream-as-body``)."""
    return status == "request" or str(status).startswith("2")


def _is_plain_string(schema: dict) -> bool:
    return schema.get("type") == "string" and not any(
        k in schema for k in ("enum", "const", "oneOf", "anyOf", "allOf", "properties", "contentMediaType")
    )


def _looks_modern(schema: object) -> bool:
    """A 3.2-style item schema used in an older document: branches name their payload with
    ``contentMediaType``."""
    if not isinstance(schema, dict):
        return False
    branches = schema.get("oneOf") or schema.get("anyOf") or [schema]
    for branch in branches if isinstance(branches, list) else []:
        if isinstance(branch, dict):
            data = (
                (branch.get("properties") or {}).get("data")
                if isinstance(branch.get("properties"), dict)
                else None
            )
            if isinstance(data, dict) and "contentMediaType" in data:
                return True
    return False


def _is_envelope(ctx: ImportContext, schema: dict, at: At) -> bool:
    """Properties among ``id``/``event``/``data``/``retry`` that can be those SSE fields: an
    ``event``, ``id`` or ``retry`` that is an object or an array (llama-stack's chunk
    ``{event: {event_type, delta}}``) makes the schema a JSON payload, not an envelope."""
    props = schema.get("properties")
    if not (
        isinstance(props, dict)
        and bool(props)
        and set(props) <= _ENVELOPE_FIELDS
        and ("data" in props or "event" in props)
    ):
        return False
    for field in ("id", "event", "retry"):
        if field in props:
            target, target_at = ctx.follow(props[field], at / "properties" / field, "schema")
            if _is_structured_field(ctx, target, target_at):
                return False
    return True


def _is_structured_field(ctx: ImportContext, schema: object, at: At, depth: int = 0) -> bool:
    """An object or array schema (through ``$ref``s and unions): not a field of an SSE event."""
    if not isinstance(schema, dict) or depth > 8:
        return False
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if any(k in ("object", "array") for k in kinds) or any(k in schema for k in ("properties", "items")):
        return True
    if "$ref" in schema:
        target, target_at = ctx.follow(schema, at, "schema")
        return _is_structured_field(ctx, target, target_at, depth + 1)
    branches = [
        b for key in ("oneOf", "anyOf", "allOf") for b in (schema.get(key) or []) if isinstance(b, dict)
    ]
    return (
        bool(branches)
        and all(_is_structured_field(ctx, b, at, depth + 1) or is_null_schema(b) for b in branches)
        and not all(is_null_schema(b) for b in branches)
    )


def _is_union_of_envelopes(ctx: ImportContext, schema: dict, at: At) -> bool:
    key = (
        "oneOf"
        if isinstance(schema.get("oneOf"), list)
        else "anyOf"
        if isinstance(schema.get("anyOf"), list)
        else None
    )
    if key is None:
        return False
    branches = [ctx.follow(b, at / key / i, "schema")[0] for i, b in enumerate(schema[key])]
    if any(isinstance(b, dict) and _is_payload_with_event_field(b) for b in branches):
        return False  # JSON payloads that carry an `event` field of their own (Dify)
    discriminator = schema.get("discriminator")
    if isinstance(discriminator, dict) and discriminator.get("propertyName") == "event":
        return True
    return bool(branches) and all(
        isinstance(b, dict) and _is_envelope(ctx, b, at / key / i) for i, b in enumerate(branches)
    )


def _is_payload_with_event_field(schema: dict) -> bool:
    """A branch with fields that are no SSE fields and no ``data``: the JSON payload itself."""
    props = schema.get("properties")
    return isinstance(props, dict) and "data" not in props and not set(props) <= _ENVELOPE_FIELDS


def _is_payload_union(schema: dict) -> bool:
    return "properties" not in schema and (
        isinstance(schema.get("oneOf"), list) or isinstance(schema.get("anyOf"), list)
    )


def _is_textual(ctx: ImportContext, schema: dict, at: At) -> bool:
    if schema.get("type") == "string" and "contentMediaType" not in schema:
        return True
    return isinstance(schema.get("const"), str)


def _is_structured(schema: object) -> bool:
    return isinstance(schema, dict) and (
        schema.get("type") in ("object", "array", "integer", "number", "boolean")
        or any(k in schema for k in ("properties", "oneOf", "anyOf", "allOf", "$ref", "items"))
    )


def _title_hint(schema: object) -> str | None:
    if isinstance(schema, dict) and isinstance(schema.get("title"), str):
        return pascal_case(schema["title"])
    return None


def _member_meta(branch: object, payload: ir.TypeExpr) -> ir.Metadata:
    """The doc (and title) of a payload union's member, for its variant: those beside a
    ``$ref`` (the component keeps its own), or of an inline member that made no declaration
    of its own (a model or scalar made from it carries them)."""
    if not isinstance(branch, dict) or ("$ref" not in branch and isinstance(payload, ir.Ref)):
        return ir.NO_METADATA
    doc, title = branch.get("description"), branch.get("title")
    if not isinstance(doc, str) and not isinstance(title, str):
        return ir.NO_METADATA
    return ir.Metadata(
        doc=doc if isinstance(doc, str) else None, summary=title if isinstance(title, str) else None
    )
