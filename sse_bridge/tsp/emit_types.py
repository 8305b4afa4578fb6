"""The TypeSpec emitter's declarations, types and values (README "Event streams", "The rest of the document"): models,
unions (``@events`` unions with their variants' ``@TypeSpec.Events.contentType`` and
``@TypeSpec.SSE.terminalEvent``), enums, scalars, their decorators and doc comments, and every
type expression and value written inside them. :class:`DeclarationWriter` is the base of the
document writer in :mod:`sse_bridge.tsp.emit`, which adds the service, the operations and the
generated helpers; it reads only the IR."""

from __future__ import annotations

from .. import ir
from ..diagnostics import DiagnosticBag
from ..names import identifier, string_literal

INDENT = "  "
HELPERS_NAMESPACE = "GeneratedHelpers"


class DeclarationWriter:
    """Declarations and type expressions as TypeSpec text. ``uses`` collects the libraries the
    text needs (``"sse"``, ``"events"``, ...) and ``helpers_needed`` the generated helper
    templates, for the document writer's header and helpers namespace."""

    def __init__(
        self, document: ir.Document, diagnostics: DiagnosticBag, local_names: dict[str, str]
    ) -> None:
        self.doc = document
        self.diagnostics = diagnostics
        self.namespace = document.service.namespace
        self.declarations = document.declaration_map()
        self.local_names = local_names
        self.uses: set[str] = set()  # "sse", "events", "streams", "openapi3", "http-streams", "helpers"
        self.helpers_needed: set[str] = set()

    # --- declarations ----------------------------------------------------------------------------

    def declaration(self, declaration) -> list[str]:
        if isinstance(declaration, ir.Model):
            return self.model(declaration)
        if isinstance(declaration, ir.Union):
            return self.union(declaration)
        if isinstance(declaration, ir.Enum):
            return self.enum(declaration)
        return self.scalar(declaration)

    def declared_as(self, declaration) -> tuple[str, list[str]]:
        """The identifier of a declaration, and ``@friendlyName`` when it is not its name."""
        local = self.local_names.get(declaration.qualified_name, declaration.name)
        if local == declaration.name:
            return identifier(local), []
        return identifier(local), [f"@friendlyName({string_literal(declaration.name)})"]

    def model(self, model: ir.Model) -> list[str]:
        lines = self.metadata_lines(model.meta, "", model.facets)
        name, friendly = self.declared_as(model)
        lines.extend(friendly)
        if model.discriminator:
            lines.append(f"@discriminator({string_literal(model.discriminator)})")
        if model.is_error:
            lines.append("@error")
        if model.is_array is not None:
            lines.append(f"model {name} is {self.type(ir.ArrayOf(model.is_array))};")
            return lines
        head = f"model {name}"
        if model.base is not None:
            head += f" extends {self.type(model.base)}"
        members = self.members(model.properties, model.additional, INDENT)
        if not members:
            lines.append(head + " {}")
            return lines
        lines.append(head + " {")
        lines.extend(members)
        lines.append("}")
        return lines

    def members(self, properties, additional, indent: str) -> list[str]:
        lines: list[str] = []
        for prop in properties:
            lines.extend(self.property(prop, indent))
        if additional is not None:
            lines.append(f"{indent}...Record<{self.type(additional)}>;")
        return lines

    def property(self, prop: ir.Property, indent: str) -> list[str]:
        lines = self.metadata_lines(prop.meta, indent, prop.facets, kind=prop.type)
        if prop.read_only:
            lines.append(f"{indent}@visibility(Lifecycle.Read)")
        elif prop.write_only:
            lines.append(f"{indent}@visibility(Lifecycle.Create, Lifecycle.Update)")
        if prop.event_content_type is not None:
            self.uses.add("events")
            lines.append(f"{indent}@TypeSpec.Events.contentType({string_literal(prop.event_content_type)})")
        if prop.event_data:
            self.uses.add("events")
            lines.append(f"{indent}@TypeSpec.Events.data")
        if isinstance(prop.type, ir.UnionOf) and prop.type.one_of:
            self.uses.add("openapi3")
            lines.append(f"{indent}@oneOf")
        optional = "?" if prop.optional else ""
        default = f" = {self.value(prop.default)}" if prop.has_default else ""
        text = f"{indent}{identifier(prop.name, member=True)}{optional}: {self.type(prop.type, indent)}{default};"
        lines.append(text)
        return lines

    def union(self, union: ir.Union) -> list[str]:
        lines = self.metadata_lines(union.meta, "", union.facets)
        if union.events:
            self.uses.add("events")
            lines.append("@TypeSpec.Events.events")
        if union.discriminator:
            options = (
                f'#{{ envelope: "none", discriminatorPropertyName: {string_literal(union.discriminator)} }}'
            )
            lines.append(f"@discriminated({options})")
        if union.one_of:
            self.uses.add("openapi3")
            lines.append("@oneOf")
        name, friendly = self.declared_as(union)
        lines.extend(friendly)
        lines.append(f"union {name} {{")
        for variant in union.variants:
            lines.extend(self.variant(variant))
        lines.append("}")
        return lines

    def variant(self, variant: ir.Variant) -> list[str]:
        """Seed 002's order: content type, terminal flag, then the extensions."""
        meta = variant.meta
        lines = self.doc_comment(meta.doc, INDENT)
        if variant.content_type is not None:
            self.uses.add("events")
            lines.append(f"{INDENT}@TypeSpec.Events.contentType({string_literal(variant.content_type)})")
        if variant.terminal:
            self.uses.add("sse")
            lines.append(f"{INDENT}@TypeSpec.SSE.terminalEvent")
        lines.extend(
            self.metadata_lines(
                ir.Metadata(
                    summary=meta.summary,
                    deprecated=meta.deprecated,
                    extensions=meta.extensions,
                    external_docs=meta.external_docs,
                ),
                INDENT,
            )
        )
        name = f"{identifier(variant.name, member=True)}: " if variant.name is not None else ""
        lines.append(f"{INDENT}{name}{self.type(variant.type, INDENT)},")
        return lines

    def enum(self, enum: ir.Enum) -> list[str]:
        lines = self.metadata_lines(enum.meta, "")
        name, friendly = self.declared_as(enum)
        lines.extend(friendly)
        lines.append(f"enum {name} {{")
        for member in enum.members:
            lines.extend(self.metadata_lines(member.meta, INDENT))
            name = identifier(member.name, member=True)
            if member.value == member.name:
                lines.append(f"{INDENT}{name},")
            else:
                lines.append(f"{INDENT}{name}: {self.value(member.value)},")
        lines.append("}")
        return lines

    def scalar(self, scalar: ir.Scalar) -> list[str]:
        lines = self.metadata_lines(scalar.meta, "", scalar.facets, kind=scalar.base)
        name, friendly = self.declared_as(scalar)
        lines.extend(friendly)
        base = scalar.base
        if base == ir.Intrinsic("unknown"):
            lines.append(f"scalar {name};")
        else:
            lines.append(f"scalar {name} extends {self.type(base)};")
        return lines

    # --- metadata ------------------------------------------------------------------------------------

    def metadata_lines(
        self,
        meta: ir.Metadata,
        indent: str,
        facets: ir.Facets = ir.NO_FACETS,
        kind: ir.TypeExpr | None = None,
    ) -> list[str]:
        lines = self.doc_comment(meta.doc, indent)
        if meta.deprecated is not None:
            lines.append(f"{indent}#deprecated {string_literal(meta.deprecated or 'deprecated')}")
        if meta.summary is not None:
            lines.append(f"{indent}@summary({string_literal(meta.summary)})")
        lines.extend(f"{indent}{d}" for d in self.facet_decorators(facets))
        if meta.external_docs is not None:
            url, text = meta.external_docs
            args = string_literal(url) + (f", {string_literal(text)}" if text else "")
            lines.append(f"{indent}@externalDocs({args})")
        for example in meta.examples:
            lines.append(f"{indent}@example({self.value(example)})")
        for extension in meta.extensions:
            lines.append(
                f"{indent}@extension({string_literal(extension.name)}, {self.value(extension.value)})"
            )
        return lines

    def facet_decorators(self, facets: ir.Facets) -> list[str]:
        if facets.is_empty():
            return []
        decorators = []
        for attr, name in (
            ("min_length", "minLength"),
            ("max_length", "maxLength"),
            ("min_items", "minItems"),
            ("max_items", "maxItems"),
            ("min_value", "minValue"),
            ("max_value", "maxValue"),
            ("min_value_exclusive", "minValueExclusive"),
            ("max_value_exclusive", "maxValueExclusive"),
        ):
            value = getattr(facets, attr)
            if value is not None:
                decorators.append(f"@{name}({_number(value)})")
        if facets.pattern is not None:
            decorators.append(f"@pattern({string_literal(facets.pattern)})")
        if facets.format is not None:
            decorators.append(f"@format({string_literal(facets.format)})")
        if facets.encoding is not None:
            encoding = facets.encoding
            args = [string_literal(encoding.name)] if encoding.name else []
            if encoding.wire_type:
                args.append(encoding.wire_type)
            decorators.append(f"@encode({', '.join(args)})")
        if facets.secret:
            decorators.append("@secret")
        return decorators

    def doc_comment(self, doc: str | None, indent: str) -> list[str]:
        """A ``/** */`` comment when the compiler would read it back unchanged, else ``@doc``:
        doc comments end at ``*/``, take ``@`` as the start of a tag, fail on an unclosed
        backtick code span on a line, and drop each line's leading whitespace."""
        if doc is None or doc.strip() == "":
            return []
        text = doc.strip()
        lines = text.split("\n")
        if (
            "*/" in text
            or "@" in text
            or "\r" in text
            or any(line.count("`") % 2 for line in lines)
            or any(line[:1].isspace() for line in lines)
        ):
            return [f"{indent}@doc({string_literal(text)})"]
        if len(lines) == 1:
            return [f"{indent}/** {lines[0]} */"]
        result = [f"{indent}/**"]
        for line in lines:
            line = line.rstrip()
            result.append(f"{indent} * {line}" if line else f"{indent} *")
        result.append(f"{indent} */")
        return result

    # --- types and values ----------------------------------------------------------------------------

    def type(self, kind: ir.TypeExpr, indent: str = "") -> str:
        if isinstance(kind, ir.Intrinsic):
            return kind.name
        if isinstance(kind, ir.Ref):
            return self.reference(kind.target)
        if isinstance(kind, ir.Literal):
            return self.value(kind.value)
        if isinstance(kind, ir.EnumMemberType):
            return f"{self.reference(kind.enum)}.{identifier(kind.member, member=True)}"
        if isinstance(kind, ir.ArrayOf):
            item = self.type(kind.item, indent)
            if isinstance(kind.item, ir.UnionOf):
                item = f"({item})"
            return f"{item}[]"
        if isinstance(kind, ir.RecordOf):
            return f"Record<{self.type(kind.value, indent)}>"
        if isinstance(kind, ir.TupleOf):
            return "[" + ", ".join(self.type(item, indent) for item in kind.items) + "]"
        if isinstance(kind, ir.UnionOf):
            return " | ".join(self.type(option, indent) for option in kind.options)
        if isinstance(kind, ir.ObjectType):
            members = self.members(kind.properties, kind.additional, indent + INDENT)
            text = "{\n" + "\n".join(members) + f"\n{indent}}}" if members else "{}"
            if kind.meta.doc:  # an anonymous model cannot carry a doc; a template instance can
                self.helpers_needed.add("Described")
                return f"{HELPERS_NAMESPACE}.Described<{string_literal(kind.meta.doc)}, {text}>"
            return text
        if isinstance(kind, ir.StreamOf):
            return self.stream(kind, indent)
        raise TypeError(f"no TypeSpec for {kind!r}")

    def stream(self, stream: ir.StreamOf, indent: str = "") -> str:
        item = self.type(stream.item, indent)
        if stream.protocol == "sse":
            self.uses.add("sse")
            return f"SSEStream<{item}>"
        self.uses.add("http-streams")
        if stream.protocol == "jsonl":
            return f"JsonlStream<{item}>"
        return f"HttpStream<{item}, {string_literal(stream.content_type)}>"

    def reference(self, target: str) -> str:
        declaration = self.declarations.get(target)
        if declaration is not None:
            local = identifier(self.local_names.get(target, declaration.name))
            if declaration.namespace == self.namespace:
                return local
            return ".".join((*(identifier(p) for p in declaration.namespace), local))
        return ".".join(identifier(p) for p in target.split("."))

    def value(self, value: object) -> str:
        if isinstance(value, ir.EnumValue):
            member = self.declarations.get(value.enum)
            return (
                f"{self.reference(value.enum)}.{identifier(value.member, member=True)}" if member else "null"
            )
        if isinstance(value, ir.ScalarValue):
            args = ", ".join(self.value(a) for a in value.arguments)
            return f"{value.scalar}.{value.constructor}({args})"
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, (int, float)):
            return _number(value)
        if isinstance(value, str):
            return string_literal(value)
        if isinstance(value, list):
            return "#[" + ", ".join(self.value(item) for item in value) + "]"
        if isinstance(value, dict):
            if not value:
                return "#{}"
            entries = []
            for key, item in value.items():
                entries.append(f"{identifier(str(key), member=True)}: {self.value(item)}")
            return "#{ " + ", ".join(entries) + " }"
        return string_literal(str(value))


def inline_doc(text: str | None) -> str:
    return (text or "").replace("*/", "*\\/").replace("\n", " ").strip()


def _number(value: int | float) -> str:
    """TypeSpec numbers are exact: an integral float is written as the integer it equals."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)
