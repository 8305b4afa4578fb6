"""A generated TypeSpec service for the benchmark (README "Performance"): ``scale`` × (300 models, 200
operations, 50 event streams), deterministic, valid for the official compiler too.

    python bench/generate.py 1 > service.tsp
"""

from __future__ import annotations

import random
import sys

SCALARS = ["string", "int32", "int64", "float64", "boolean", "utcDateTime", "url", "plainDate"]


def generate(scale: int = 1, seed: int = 7) -> str:
    rng = random.Random(seed)
    models, operations, streams = 300 * scale, 200 * scale, 50 * scale
    out = [
        'import "@typespec/http";',
        'import "@typespec/openapi";',
        'import "@typespec/streams";',
        'import "@typespec/sse";',
        'import "@typespec/events";',
        "",
        "using Http;",
        "using OpenAPI;",
        "using SSE;",
        "",
        '@service(#{ title: "Generated" })',
        '@info(#{ version: "1.0.0" })',
        "namespace Generated;",
        "",
        'enum Status { active, inactive, pending: "pending-review" }',
        "",
        "@error",
        "model ApiError {",
        "  code: string;",
        "  message: string;",
        "}",
        "",
    ]
    for index in range(models):
        out.append(f"/** Model number {index}. */")
        out.append(f"model Model{index} {{")
        for field in range(rng.randint(3, 8)):
            choice = rng.random()
            if choice < 0.6 or index == 0:
                kind = rng.choice(SCALARS)
            elif choice < 0.75:
                kind = f"Model{rng.randrange(index)}"
            elif choice < 0.85:
                kind = f"{rng.choice(SCALARS)}[]"
            elif choice < 0.92:
                kind = "Status"
            else:
                kind = f"{rng.choice(SCALARS)} | null"
            optional = "?" if rng.random() < 0.4 else ""
            constraint = "  @maxLength(100)\n" if kind == "string" and rng.random() < 0.2 else ""
            out.append(f"{constraint}  field{field}{optional}: {kind};")
        out.append("}")
        out.append("")
    for index in range(streams):
        payloads = [f"Model{rng.randrange(models)}" for _ in range(rng.randint(2, 4))]
        out.append("@TypeSpec.Events.events")
        out.append(f"union Stream{index}Events {{")
        for number, payload in enumerate(payloads):
            out.append(f"  `event.{number}.delta`: {payload},")
        out.append(f"  {payloads[0]},")
        out.append('  @TypeSpec.Events.contentType("text/plain")')
        out.append("  @TypeSpec.SSE.terminalEvent")
        out.append('  "[DONE]",')
        out.append("}")
        out.append("")
    for index in range(operations):
        model = f"Model{rng.randrange(models)}"
        if index < streams:
            out.append(f'@route("/streams/{index}") @post')
            out.append(f"op stream{index}(@body request: {model}): SSEStream<Stream{index}Events>;")
        elif index % 3 == 0:
            out.append(f'@route("/items{index}/{{id}}") @get')
            out.append(f"op get{index}(@path id: string, @query verbose?: boolean): {model} | ApiError;")
        elif index % 3 == 1:
            out.append(f'@route("/items{index}") @post')
            out.append(
                f"op create{index}(@body body: {model}): {{ @statusCode statusCode: 201; @body body: {model}; }};"
            )
        else:
            out.append(f'@route("/items{index}") @get')
            out.append(f"op list{index}(@query top?: int32 = 10, @query skip?: int32): {model}[];")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1))
