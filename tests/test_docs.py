"""The README documents every diagnostic code the tool can report (issue 6), and its set-up
commands are the ones CI runs."""

from __future__ import annotations

import re

from conftest import ROOT

CODE = re.compile(
    r"""(?:\berror|\bwarning|\bwarn|Diagnostic|_error|fail)\(\s*["']([a-z@][a-z0-9/@-]*-[a-z0-9-]+)["']"""
)


def _codes_in_source() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "sse_bridge").rglob("*.py"):
        codes.update(CODE.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_diagnostic_code_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    codes = _codes_in_source()
    assert len(codes) > 40  # the scan finds them
    missing = sorted(code for code in codes if f"`{code}`" not in readme)
    assert not missing, f"codes not documented in README.md: {missing}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"```sh\n(.*?)\n(.*?)\n```", readme, re.S).group(2).strip()
    assert command == "python3 -m pytest"
    assert ci.strip().splitlines()[-1] == command
