"""Where the time of ``sse-bridge emit`` goes, stage by stage, in one process: the best of
several runs of each stage on the same input (warm: start-up and imports are not counted;
``bench/run.py`` measures whole processes).

    python bench/stages.py service.tsp [--runs 7]

Stages: parse (lexer and LALR driver), check (the type graph), http (operations), lower
(declarations), validate (the stream libraries' rules), emit (the OpenAPI document) and
yaml (writing it). Cyclic garbage collection is off, as during a conversion.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sse_bridge.diagnostics import DiagnosticBag
from sse_bridge.openapi.dump import to_yaml
from sse_bridge.openapi.emit import emit_document
from sse_bridge.tsp import check, parse, program, streams
from sse_bridge.tsp.http import HttpLowering
from sse_bridge.tsp.lower import Lowering


def best(runs: int, stage: Callable[[], object]) -> float:
    """The shortest of ``runs`` runs of ``stage``, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        stage()
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()
    path: Path = options.file
    text = path.read_text(encoding="utf-8")
    name = str(path)
    gc.disable()
    sys.setrecursionlimit(40_000)
    timings = {"parse": best(options.runs, lambda: parse.parse(text, name))}
    tree = parse.parse(text, name)
    original_parse = check.parse
    check.parse = lambda source, label: tree if source == text else original_parse(source, label)
    try:  # the other stages on the tree parsed once
        timings["check"] = best(options.runs, lambda: check.check(text, name, path, DiagnosticBag()))
        lowered: dict[str, list[float]] = {"http": [], "lower": [], "validate": []}
        for _ in range(options.runs):
            checked = check.check(text, name, path, DiagnosticBag())
            namespace = program._service_namespace(checked.root) or checked.root
            lowering = Lowering(checked, namespace, DiagnosticBag())
            lowering.collect()
            start = time.perf_counter()
            HttpLowering(lowering).operations()
            middle = time.perf_counter()
            lowering.declarations()
            end = time.perf_counter()
            streams.validate(checked, lowering, DiagnosticBag())
            lowered["http"].append(middle - start)
            lowered["lower"].append(end - middle)
            lowered["validate"].append(time.perf_counter() - end)
        timings.update({stage: min(values) * 1000 for stage, values in lowered.items()})
        document = program.load_typespec(text, name, path, DiagnosticBag())
    finally:
        check.parse = original_parse
    timings["emit"] = best(options.runs, lambda: emit_document(document, "3.2.0", DiagnosticBag()))
    data = emit_document(document, "3.2.0", DiagnosticBag())
    timings["yaml"] = best(options.runs, lambda: to_yaml(data))
    for stage, milliseconds in timings.items():
        print(f"{stage:>8}  {milliseconds:7.1f} ms")
    print(f"{'total':>8}  {sum(timings.values()):7.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
