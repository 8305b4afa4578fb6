"""The official TypeSpec compiler as the tests' judge (installed by npm from package.json).

Tests that need it fail, rather than skip, when CI=true and it is missing: CI installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TSP = ROOT / "node_modules" / ".bin" / "tsp"
TSP_OPENAPI3 = ROOT / "node_modules" / ".bin" / "tsp-openapi3"

# JSON output: the emitter's YAML writes a tab inside a plain scalar (a sentinel such as
# "a\tb") as is, which YAML 1.2 allows and PyYAML cannot read.
CONFIG = """\
emit:
  - "@typespec/openapi3"
options:
  "@typespec/openapi3":
    file-type: json
    openapi-versions: ["{version}"]
    emitter-output-dir: "{{output-dir}}"
"""


@dataclass
class Compiled:
    returncode: int
    output: str
    openapi: dict | None

    @property
    def errors(self) -> list[str]:
        return [line for line in self.output.splitlines() if " - error " in line]


def require_compiler() -> None:
    if TSP.exists():
        return
    message = f"the official TypeSpec compiler is not installed ({TSP}); run `npm ci` in {ROOT}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


def compile_typespec(source: str, version: str = "3.2.0", emit: bool = True, timeout: int = 300) -> Compiled:
    """Compile ``source`` as main.tsp with the pinned compiler (and the openapi3 emitter)."""
    require_compiler()
    work = Path(tempfile.mkdtemp(prefix="sse-bridge-oracle-"))
    try:
        (work / "main.tsp").write_text(source, encoding="utf-8")
        (work / "node_modules").symlink_to(ROOT / "node_modules")
        command = [str(TSP), "compile", "main.tsp", "--output-dir", str(work / "out")]
        if emit:
            (work / "tspconfig.yaml").write_text(CONFIG.format(version=version), encoding="utf-8")
            command += ["--config", "tspconfig.yaml"]
        else:
            command += ["--no-emit"]
        result = subprocess.run(
            command,
            cwd=work,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "NO_COLOR": "1"},
        )
        produced = work / "out" / "openapi.json"
        document = json.loads(produced.read_text(encoding="utf-8")) if produced.exists() else None
        return Compiled(result.returncode, result.stdout + result.stderr, document)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def import_with_official(openapi_text: str, timeout: int = 300) -> tuple[int, str, str | None]:
    """Run the official importer (tsp-openapi3); returns (exit code, output, main.tsp text)."""
    require_compiler()
    work = Path(tempfile.mkdtemp(prefix="sse-bridge-oracle-"))
    try:
        (work / "openapi.yaml").write_text(openapi_text, encoding="utf-8")
        result = subprocess.run(
            [str(TSP_OPENAPI3), "openapi.yaml", "--output-dir", str(work / "out")],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        main = work / "out" / "main.tsp"
        return result.returncode, result.stdout + result.stderr, main.read_text() if main.exists() else None
    finally:
        shutil.rmtree(work, ignore_errors=True)
