"""How time and memory grow with the size of hostile and extreme inputs
(``fixtures/hostile/generate.py``): each case at three sizes, each a whole
``python -m sse_bridge`` process, with the growth ratio per doubling of the size.

    python bench/scaling.py [--case NAME ...] [--timeout 60]

A ratio near 2 per doubling is linear, near 4 quadratic; ``n log n`` stays a little above 2.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("hostile", ROOT / "fixtures" / "hostile" / "generate.py")
hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hostile)

# Three sizes per case, each double the last; the largest near the sizes.
SIZES = {
    "ref-diamonds": (10, 20, 40),
    "allof-chain": (500, 1000, 2000),
    "component-chain": (1250, 2500, 5000),
    "yaml-keys": (250_000, 500_000, 1_000_000),
    "flow-sequence": (500_000, 1_000_000, 2_000_000),
    "template-doubling": (8, 12, 16),
    "union-width": (50_000, 100_000, 200_000),
    "model-chain": (1250, 2500, 5000),
    "extends-chain": (7500, 15_000, 30_000),
    "alias-chain": (7500, 15_000, 30_000),
    "spread-chain": (750, 1500, 3000),
    "many-models": (20_000, 40_000, 80_000),
}


def run(path: Path, command: str, timeout: float) -> tuple[float, float, int | str]:
    """(wall seconds, peak RSS MiB, exit code or 'timeout') of one process."""
    script = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n"
    )
    argv = [sys.executable, "-c", script, sys.executable, "-m", "sse_bridge", command, str(path)]
    argv += ["-o", str(path.with_suffix(".out"))]
    start = time.perf_counter()
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout).stdout.split()
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, math.nan, "timeout"
    wall = time.perf_counter() - start
    return wall, int(out[0]) / 1024, int(out[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=sorted(hostile.CASES))
    parser.add_argument("--timeout", type=float, default=60)
    options = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))  # a runaway case fails, not the machine
    work = Path(tempfile.mkdtemp(prefix="sse-bridge-scaling-"))
    print(
        f"{'case':<18} {'size':>9} {'bytes':>11} {'seconds':>8} {'MiB':>7} {'exit':>7} {'x time':>7} {'x mem':>6}"
    )
    for name in options.case or list(hostile.CASES):
        suffix, command, make = hostile.CASES[name]
        previous = None
        for size in SIZES[name]:
            path = work / f"{name}-{size}{suffix}"
            path.write_text(make(size), encoding="utf-8")
            wall, peak, code = run(path, command, options.timeout)
            growth = ("", "")
            if previous is not None:
                growth = (f"{wall / previous[0]:.2f}", f"{peak / previous[1]:.2f}")
            print(
                f"{name:<18} {size:>9,} {path.stat().st_size:>11,} {wall:>8.2f} {peak:>7.0f} {code!s:>7} "
                f"{growth[0]:>7} {growth[1]:>6}",
                flush=True,
            )
            previous = (wall, peak)
            path.unlink()
            if code == "timeout":
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
