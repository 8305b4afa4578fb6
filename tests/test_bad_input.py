"""Bad input (README "Diagnostics"), through the real command line.

Every case of the bad-input corpus (written by ``fixtures/bad-input/generate.py`` into a
temporary folder keyed by the script's hash, at collection) runs as
``python -m sse_bridge import|emit CASE -o OUT`` in a subprocess, under a 20 s timeout and
a 1.5 GB address-space limit, with every socket operation refused (and reported) by a
``sitecustomize`` put first on the path. The contract, for each case:

- exit code 1;
- at least one located error on stderr (``path:line:col: error [code] message``);
- no Python traceback;
- no output file, and nothing else (no temporary file) left in the output's folder;
- no attempt to open a network connection.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "fixtures" / "bad-input" / "generate.py"


def _generated_corpus() -> Path:
    """The corpus folder for this version of the generator, written once (atomically: a run
    that is interrupted leaves no half corpus behind)."""
    digest = hashlib.sha256(GENERATOR.read_bytes()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"sse-bridge-bad-input-{digest}"
    if folder.is_dir():
        return folder
    spec = importlib.util.spec_from_file_location("bad_input_generate", GENERATOR)
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    scratch = Path(tempfile.mkdtemp(prefix="sse-bridge-bad-input-"))
    generator.generate(scratch)
    try:
        scratch.rename(folder)
    except OSError:  # another run got there first
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


BAD = _generated_corpus()
TIMEOUT = 20  # seconds
MEMORY_LIMIT = 1536 * 1024 * 1024  # bytes of address space
# Codes are lower-case words joined by '-', optionally prefixed by a library ('@typespec/http/...').
# Digits are allowed: the loader's code for bad bytes is 'invalid-utf8'.
LOCATED_ERROR = re.compile(r"^.+:\d+:\d+: error \[[a-z0-9@/-]+\] ", re.MULTILINE)
NETWORK_MARKER = "SSE-BRIDGE-TEST: network access attempted"

_SITECUSTOMIZE = f'''
import socket as _socket
import sys as _sys


def _refuse(what):
    def refused(*args, **kwargs):
        shown = repr(args[1:] if what.startswith("socket.") else args)[:200]
        _sys.stderr.write("{NETWORK_MARKER}: " + what + " " + shown + "\\n")
        _sys.stderr.flush()
        raise OSError("network access is disabled in this test")
    return refused


_socket.socket.connect = _refuse("socket.connect")
_socket.socket.connect_ex = _refuse("socket.connect_ex")
_socket.socket.sendto = _refuse("socket.sendto")
_socket.create_connection = _refuse("create_connection")
_socket.getaddrinfo = _refuse("getaddrinfo")
_socket.gethostbyname = _refuse("gethostbyname")
'''


def _cases(kind: str, main_name: str) -> list[Path]:
    """Each file of ``fixtures/bad-input/<kind>/`` (notes and hidden files aside), and each
    sub-folder's ``main_name`` (which may itself be a folder: the input is then a folder)."""
    folder = BAD / kind
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            if (entry / main_name).exists():
                found.append(entry / main_name)
        elif not entry.name.endswith(".note"):
            found.append(entry)
    return found


def _case_id(path: Path) -> str:
    return path.parent.name if path.name in ("openapi.yaml", "main.tsp") else path.name


OPENAPI_CASES = _cases("openapi", "openapi.yaml")
TYPESPEC_CASES = _cases("typespec", "main.tsp")


@pytest.fixture(scope="session")
def no_network(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("no-network")
    (folder / "sitecustomize.py").write_text(_SITECUSTOMIZE, encoding="utf-8")
    return folder


def _limit_memory() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(args: list[str], cwd: Path, no_network: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(no_network), env.get("PYTHONPATH")]))
    env.pop("PYTHONSTARTUP", None)
    env["PYTHONFAULTHANDLER"] = "1"  # a hard crash (segfault, stack overflow in C) shows where
    return subprocess.run(
        [sys.executable, "-m", "sse_bridge", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
    )


def _tail(text: str, limit: int = 3000) -> str:
    return text if len(text) <= limit else "...\n" + text[-limit:]


def check_bad_input(command: str, case: Path, tmp_path: Path, no_network: Path) -> None:
    out_dir = tmp_path / "out-dir"
    out_dir.mkdir()
    out = out_dir / "out"
    args = [command, str(case), "-o", str(out)]
    shown = f"python -m sse_bridge {' '.join(args)}"
    try:
        result = run_cli(args, out_dir, no_network)
    except subprocess.TimeoutExpired as exc:
        stderr = (exc.stderr or b"").decode("utf-8", "replace")
        pytest.fail(f"{shown}\nhung: no exit within {TIMEOUT} s\nstderr:\n{_tail(stderr)}")
    stderr = result.stderr.decode("utf-8", "replace")
    problems = []
    if result.returncode != 1:
        problems.append(f"exit code {result.returncode}, expected 1")
    if "Traceback (most recent call last)" in stderr:
        problems.append("a Python traceback on stderr")
    if "MemoryError" in stderr:
        problems.append("MemoryError (address space limited to 1.5 GB)")
    if "Fatal Python error" in stderr or result.returncode < 0:
        problems.append(
            f"the process crashed (signal {-result.returncode})" if result.returncode < 0 else "fatal error"
        )
    if not LOCATED_ERROR.search(stderr):
        problems.append("no located error line 'path:line:col: error [code] message' on stderr")
    if NETWORK_MARKER in stderr:
        problems.append("a network access was attempted")
    if out.exists():
        problems.append(f"the output file was written ({out.stat().st_size} bytes)")
    leftovers = sorted(p.name for p in out_dir.iterdir() if p != out)
    if leftovers:
        problems.append(f"files left in the output folder: {leftovers}")
    if problems:
        pytest.fail(
            f"{shown}\n"
            + "\n".join(f"- {p}" for p in problems)
            + f"\nexit code: {result.returncode}\nstderr:\n"
            + _tail(stderr)
        )


@pytest.mark.parametrize("case", OPENAPI_CASES, ids=_case_id)
def test_import_rejects_bad_openapi(case: Path, tmp_path: Path, no_network: Path) -> None:
    check_bad_input("import", case, tmp_path, no_network)


@pytest.mark.parametrize("case", TYPESPEC_CASES, ids=_case_id)
def test_emit_rejects_bad_typespec(case: Path, tmp_path: Path, no_network: Path) -> None:
    check_bad_input("emit", case, tmp_path, no_network)


def test_corpus_is_complete() -> None:
    """Every case starts with a comment line saying what is wrong, or has a ``.note``."""
    missing = []
    for case in OPENAPI_CASES + TYPESPEC_CASES:
        note = case.with_name(case.name + ".note")
        if note.is_file():  # (before reading: the case may be a folder or a named pipe)
            continue
        head = case.read_bytes()[:3]
        if not (head.startswith(b"#") or head.startswith(b"//")):
            missing.append(str(case.relative_to(BAD)))
    assert not missing, f"cases without a leading comment or a .note: {missing}"
    assert len(OPENAPI_CASES) >= 100 and len(TYPESPEC_CASES) >= 80


@pytest.mark.parametrize(
    ("command", "case"),
    [
        ("import", BAD / "openapi" / "yaml-bad-indent.yaml"),
        ("import", BAD / "openapi" / "paths-list.yaml"),
        ("import", BAD / "openapi" / "json-trailing-comma.json"),
        ("emit", BAD / "typespec" / "syntax-missing-semicolon.tsp"),
        ("emit", BAD / "typespec" / "unknown-type.tsp"),
    ],
    ids=lambda value: value if isinstance(value, str) else value.name,
)
def test_json_diagnostics(command: str, case: Path, tmp_path: Path, no_network: Path) -> None:
    """``--diagnostics json``: stderr is JSON lines, each with code, level, message, path,
    line and column; at least one is a located error."""
    out = tmp_path / "out"
    result = run_cli([command, str(case), "-o", str(out), "--diagnostics", "json"], tmp_path, no_network)
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1, stderr
    assert not out.exists()
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "no diagnostics on stderr"
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON line on stderr: {line!r}\nstderr:\n{_tail(stderr)}")
        assert isinstance(record, dict), line
        for key in ("code", "level", "message", "path", "line", "column"):
            assert key in record, f"{key!r} missing from {line}"
        assert record["level"] in ("error", "warning"), line
        assert isinstance(record["code"], str) and record["code"], line
        assert isinstance(record["message"], str) and record["message"], line
        records.append(record)
    errors = [r for r in records if r["level"] == "error"]
    assert errors, stderr
    assert any(
        isinstance(r["path"], str)
        and isinstance(r["line"], int)
        and isinstance(r["column"], int)
        and r["line"] >= 1
        and r["column"] >= 1
        for r in errors
    ), stderr
