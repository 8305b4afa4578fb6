"""The shared intermediate representation (README "Development").

Plain frozen data named after the API domain, not after either syntax. The OpenAPI loader
and the TypeSpec checker build it; the TypeSpec and OpenAPI emitters read only it.

Conventions:
- Declarations are addressed by their qualified name (``"Ns.Sub.Name"``, namespaces joined
  with dots); a :class:`Ref` holds such a name. ``Document.declarations`` keeps source order.
- ``pos`` fields carry the source location for diagnostics and never take part in equality.
- JSON values (defaults, examples, extension values) are frozen JSON data: ``None``, ``bool``,
  ``int``, ``float``, ``str``, :class:`JsonArray`, :class:`JsonObject`. Every IR class freezes
  the JSON it is given when it is constructed, so a reader may pass plain ``list``/``dict``
  data and the record is still immutable and hashable.
- Operations are HTTP operations: routes, parameters, bodies and responses already resolved,
  the way ``@typespec/http`` sees them and the way OpenAPI writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import Any
from typing import Literal as TypingLiteral

from .diagnostics import Location

JsonValue = Any  # None | bool | int | float | str | JsonArray | JsonObject


def _refuse(self, *args, **kwargs):
    raise TypeError(f"{self.__class__.__name__} is immutable")


class JsonArray(list):
    """A JSON array that cannot change and hashes by content.

    A ``list`` subclass rather than a tuple so that everything reading JSON (``json``,
    ``jsonschema``'s ``array`` type, the writers) treats it as the array it is."""

    __slots__ = ("_hash",)
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            self._hash = hash(tuple(self))
            return self._hash

    def __reduce__(self):
        return (JsonArray, (list(self),))


class JsonObject(dict):
    """A JSON object that cannot change and hashes by content (key order kept, as in the
    document, but not part of equality, as in JSON)."""

    __slots__ = ("_hash",)
    clear = pop = popitem = setdefault = update = _refuse
    __setitem__ = __delitem__ = __ior__ = _refuse

    def __hash__(self) -> int:
        try:
            return self._hash
        except AttributeError:
            self._hash = hash(frozenset(self.items()))
            return self._hash

    def __reduce__(self):
        return (JsonObject, (dict(self),))


def freeze_json(value: Any) -> Any:
    """``value`` with every list and dict inside it (tuples too) made a JsonArray / JsonObject.

    Iterative, so a deeply nested example cannot exhaust the interpreter's stack."""
    if not isinstance(value, (list, dict, tuple)) or isinstance(value, (JsonArray, JsonObject)):
        return value
    # Post-order over an explicit stack: children are frozen before their container.
    results: dict[int, Any] = {}
    stack: list[tuple[Any, bool]] = [(value, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (list, dict, tuple)) or isinstance(node, (JsonArray, JsonObject)):
            continue
        children = node.values() if isinstance(node, dict) else node
        if not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in results)
            continue
        if id(node) in results:
            continue

        def frozen(child):
            return results.get(id(child), child)

        if isinstance(node, dict):
            results[id(node)] = JsonObject({key: frozen(child) for key, child in node.items()})
        else:
            results[id(node)] = JsonArray(frozen(child) for child in node)
    return results[id(value)]


def _freeze_field(value: Any) -> Any:
    # A tuple field (``examples``) stays a tuple of frozen values; ``Value`` may also hold
    # EnumValue / ScalarValue records, which are already frozen.
    if isinstance(value, tuple) and not isinstance(value, JsonArray):
        return tuple(freeze_json(item) for item in value)
    return freeze_json(value)


def _pos():
    return field(default=None, compare=False, repr=False)


class _Record:
    """Value semantics shared by every IR class: equality and hashing over the fields that
    compare (``pos`` never does), and a dataclass-style ``repr``. They are written once here
    rather than generated for each of the forty classes, which would cost the command line a
    fifth of its start-up (README "Performance"); ``__init__`` and the frozen ``__setattr__`` still come
    from :func:`dataclasses.dataclass`."""

    __slots__ = ()
    _key = staticmethod(lambda record: ())  # the compared fields' values, set by ``_frozen``
    _shown: tuple[str, ...] = ()  # the fields ``repr`` shows

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key(self) == other._key(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key(self))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._shown)
        return f"{self.__class__.__qualname__}({shown})"


def _frozen(cls):
    """``@dataclass(frozen=True)`` with equality, hashing and ``repr`` from :class:`_Record`;
    fields typed as JSON values are frozen when the record is made."""
    json_fields = tuple(
        name
        for name, annotation in cls.__annotations__.items()
        if "JsonValue" in str(annotation) or str(annotation).startswith("Value")
    )
    if json_fields:

        def __post_init__(self, _names=json_fields):
            for name in _names:
                object.__setattr__(self, name, _freeze_field(getattr(self, name)))

        cls.__post_init__ = __post_init__
    cls = dataclass(frozen=True, eq=False, repr=False)(cls)
    compared = [f.name for f in fields(cls) if f.compare]
    cls._key = staticmethod(attrgetter(*compared) if compared else _Record._key)
    cls._shown = tuple(f.name for f in fields(cls) if f.repr)
    return cls


# --- values --------------------------------------------------------------------------------


@_frozen
class EnumValue(_Record):
    """A reference to an enum member used as a value (``Color.red``)."""

    enum: str  # qualified name of the enum
    member: str


@_frozen
class ScalarValue(_Record):
    """A scalar constructor call used as a value (``utcDateTime.fromISO("...")``)."""

    scalar: str  # intrinsic or qualified scalar name
    constructor: str
    arguments: tuple[JsonValue, ...]


Value = Any  # JsonValue | EnumValue | ScalarValue, possibly nested inside lists and dicts


# --- facets shared by properties, parameters, headers and scalars ----------------------------


@_frozen
class Encoding(_Record):
    """``@encode(name, wireType)``: ``name`` like ``unixTimestamp``, ``rfc7231``, ``base64url``."""

    name: str | None
    wire_type: str | None = None  # an intrinsic scalar name, e.g. ``int32``


@_frozen
class Facets(_Record):
    """Constraints and representation details: ``@minLength``, ``@format``, ``@encode`` ..."""

    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    min_value: int | float | None = None
    max_value: int | float | None = None
    min_value_exclusive: int | float | None = None
    max_value_exclusive: int | float | None = None
    min_items: int | None = None
    max_items: int | None = None
    format: str | None = None
    encoding: Encoding | None = None
    secret: bool = False

    def is_empty(self) -> bool:
        return self == NO_FACETS


NO_FACETS = Facets()


@_frozen
class Extension(_Record):
    """An ``x-*`` key (``@extension("x-name", value)``)."""

    name: str
    value: JsonValue


@_frozen
class Metadata(_Record):
    """Documentation and annotations every described element can carry."""

    doc: str | None = None
    summary: str | None = None  # ``@summary``; ``title`` on schemas
    deprecated: str | None = None  # ``#deprecated "message"``; empty string for a bare flag
    extensions: tuple[Extension, ...] = ()
    examples: tuple[JsonValue, ...] = ()  # schema ``examples`` / ``@example`` values
    external_docs: tuple[str, str | None] | None = None  # (url, description)


NO_METADATA = Metadata()


# --- type expressions ----------------------------------------------------------------------


@_frozen
class TypeExpr(_Record):
    pass


@_frozen
class Intrinsic(TypeExpr):
    """A built-in TypeSpec type: a standard scalar (``string``, ``int32``, ``utcDateTime`` ...)
    or ``null``, ``void``, ``never``, ``unknown``."""

    name: str


@_frozen
class Ref(TypeExpr):
    """A reference to a declaration of the document by qualified name."""

    target: str


@_frozen
class Literal(TypeExpr):
    value: str | int | float | bool


@_frozen
class EnumMemberType(TypeExpr):
    """One member of an enum used as a type (``kind: Kind.cat``)."""

    enum: str
    member: str


@_frozen
class ArrayOf(TypeExpr):
    item: TypeExpr


@_frozen
class RecordOf(TypeExpr):
    value: TypeExpr


@_frozen
class TupleOf(TypeExpr):
    items: tuple[TypeExpr, ...]


@_frozen
class UnionOf(TypeExpr):
    """An inline union ``A | B``; ``T | null`` is how nullability is written."""

    options: tuple[TypeExpr, ...]
    one_of: bool = False  # ``@oneOf``: written as ``oneOf`` rather than ``anyOf``


@_frozen
class ObjectType(TypeExpr):
    """An anonymous model ``{ ... }``."""

    properties: tuple[Property, ...]
    additional: TypeExpr | None = None  # ``...Record<T>``
    meta: Metadata = NO_METADATA  # the doc of a template instance written inline


@_frozen
class StreamOf(TypeExpr):
    """A streamed body (README "Event streams"): ``SSEStream<E>`` (protocol ``sse``, E an ``@events`` union),
    ``JsonlStream<T>`` (``jsonl``) or ``HttpStream<T, "content/type">`` (``http``)."""

    protocol: TypingLiteral["sse", "jsonl", "http"]
    item: TypeExpr
    content_type: str


# --- model members ---------------------------------------------------------------------------


@_frozen
class Property(_Record):
    name: str
    type: TypeExpr
    optional: bool = False
    default: Value | None = None
    has_default: bool = False  # distinguishes ``= null`` from no default
    facets: Facets = NO_FACETS
    meta: Metadata = NO_METADATA
    read_only: bool = False  # ``@visibility(Lifecycle.Read)``
    write_only: bool = False  # ``@visibility(Lifecycle.Create, Lifecycle.Update)``
    event_data: bool = False  # ``@TypeSpec.Events.data`` (the payload of an event envelope)
    event_content_type: str | None = None  # ``@TypeSpec.Events.contentType`` on the data property
    pos: Location | None = _pos()


# --- declarations ------------------------------------------------------------------------------


@_frozen
class Declaration(_Record):
    name: str
    namespace: tuple[str, ...]

    @property
    def qualified_name(self) -> str:
        return ".".join((*self.namespace, self.name))


@_frozen
class Model(Declaration):
    properties: tuple[Property, ...] = ()
    base: Ref | None = None  # ``extends``
    additional: TypeExpr | None = None  # ``...Record<T>`` / ``additionalProperties``
    is_array: TypeExpr | None = None  # ``model X is T[]``: an array-typed component
    discriminator: str | None = None  # ``@discriminator("kind")``
    is_error: bool = False  # ``@error``
    facets: Facets = NO_FACETS  # ``@minItems`` ... for array models
    meta: Metadata = NO_METADATA
    pos: Location | None = _pos()


@_frozen
class Variant(_Record):
    """A union variant; in an ``@events`` union, one SSE event type (README "Event streams")."""

    name: str | None
    type: TypeExpr
    content_type: str | None = None  # ``@TypeSpec.Events.contentType``
    terminal: bool = False  # ``@TypeSpec.SSE.terminalEvent``
    meta: Metadata = NO_METADATA
    pos: Location | None = _pos()


@_frozen
class Union(Declaration):
    variants: tuple[Variant, ...] = ()
    events: bool = False  # ``@TypeSpec.Events.events``
    one_of: bool = False  # ``@oneOf``
    discriminator: str | None = None  # ``@discriminated(#{ discriminatorPropertyName })``
    # ``envelope: "object"``: each variant wrapped as ``{<discriminator>: name, <this>: value}``
    discriminator_envelope: str | None = None
    facets: Facets = NO_FACETS
    meta: Metadata = NO_METADATA
    pos: Location | None = _pos()


@_frozen
class EnumMember(_Record):
    name: str
    value: str | int | float
    meta: Metadata = NO_METADATA
    pos: Location | None = _pos()


@_frozen
class Enum(Declaration):
    members: tuple[EnumMember, ...] = ()
    meta: Metadata = NO_METADATA
    pos: Location | None = _pos()


@_frozen
class Scalar(Declaration):
    base: TypeExpr = Intrinsic("string")  # Intrinsic, or Ref to another scalar
    facets: Facets = NO_FACETS
    default: Value | None = None
    meta: Metadata = NO_METADATA
    pos: Location | None = _pos()


# --- HTTP operations -----------------------------------------------------------------------------

ParameterLocation = TypingLiteral["path", "query", "header", "cookie", "querystring"]


@_frozen
class Parameter(_Record):
    name: str  # the name on the wire
    location: ParameterLocation
    type: TypeExpr
    optional: bool = False
    default: Value | None = None
    has_default: bool = False
    explode: bool | None = None  # None: the location's default
    style: str | None = None
    allow_reserved: bool = False
    facets: Facets = NO_FACETS
    meta: Metadata = NO_METADATA
    component: str | None = None  # its key under ``components/parameters``, when shared
    pos: Location | None = _pos()


@_frozen
class Content(_Record):
    """One media type of a body: ``media_type`` and the type of the body (a ``StreamOf`` for
    streams). ``type`` is None for a body whose schema is not given."""

    media_type: str
    type: TypeExpr | None
    extensions: tuple[Extension, ...] = ()


@_frozen
class RequestBody(_Record):
    contents: tuple[Content, ...]
    optional: bool = False
    meta: Metadata = NO_METADATA
    pos: Location | None = _pos()


@_frozen
class Header(_Record):
    name: str
    type: TypeExpr
    optional: bool = False
    facets: Facets = NO_FACETS
    meta: Metadata = NO_METADATA


@_frozen
class Response(_Record):
    status: int | str  # 200, "2XX", "default"
    description: str | None = None  # None: the conventional text for the status
    headers: tuple[Header, ...] = ()
    contents: tuple[Content, ...] = ()
    is_error: bool = False
    pos: Location | None = _pos()


@_frozen
class SecurityRequirement(_Record):
    """One alternative of ``security``: scheme names with their scopes."""

    schemes: tuple[tuple[str, tuple[str, ...]], ...]


@_frozen
class Operation(_Record):
    name: str
    namespace: tuple[str, ...]
    interface: str | None
    method: str  # lower case: get, put, post, delete, options, head, patch, trace, query, or other
    path: str
    operation_id: str | None = None  # None: derived from interface and name
    parameters: tuple[Parameter, ...] = ()
    body: RequestBody | None = None
    responses: tuple[Response, ...] = ()
    tags: tuple[str, ...] = ()
    security: tuple[SecurityRequirement, ...] | None = None  # None: the document's
    meta: Metadata = NO_METADATA
    shared_route: bool = False  # ``@sharedRoute``
    pos: Location | None = _pos()

    @property
    def effective_operation_id(self) -> str:
        if self.operation_id:
            return self.operation_id
        return f"{self.interface}_{self.name}" if self.interface else self.name


# --- the document ----------------------------------------------------------------------------------


@_frozen
class ServerVariable(_Record):
    name: str
    default: str
    enum: tuple[str, ...] = ()
    doc: str | None = None


@_frozen
class Server(_Record):
    url: str
    description: str | None = None
    variables: tuple[ServerVariable, ...] = ()


@_frozen
class Tag(_Record):
    name: str
    doc: str | None = None
    external_docs: tuple[str, str | None] | None = None
    extensions: tuple[Extension, ...] = ()


@_frozen
class SecurityScheme(_Record):
    """A named security scheme, kept as its OpenAPI object (``type``, ``scheme`` ...)."""

    name: str
    definition: JsonValue


@_frozen
class Service(_Record):
    namespace: tuple[str, ...]
    title: str | None = None
    version: str | None = None
    doc: str | None = None
    summary: str | None = None
    terms_of_service: str | None = None
    contact: JsonValue = None
    license: JsonValue = None
    servers: tuple[Server, ...] = ()
    tags: tuple[Tag, ...] = ()
    security_schemes: tuple[SecurityScheme, ...] = ()
    security: tuple[SecurityRequirement, ...] = ()
    extensions: tuple[Extension, ...] = ()  # root-level ``x-*``
    info_extensions: tuple[Extension, ...] = ()


@_frozen
class Document(_Record):
    service: Service
    declarations: tuple[Model | Union | Enum | Scalar, ...] = ()
    operations: tuple[Operation, ...] = ()

    def declaration_map(self) -> dict[str, Model | Union | Enum | Scalar]:
        return {d.qualified_name: d for d in self.declarations}
