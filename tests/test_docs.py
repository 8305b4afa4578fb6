"""The README documents every diagnostic code the tool can report, and its set-up
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


def test_ci_runs_the_readme_set_up_commands():
    """CI reads the two commands from the README's set-up block and runs them, so they stay
    true; the first installs and converts an example, the second runs the tests."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    block = re.search(r"^## Set up.*?```sh\n(.*?)\n```", readme, re.S | re.M).group(1).splitlines()
    assert len(block) == 2
    install, test = block
    assert "python3 -m venv .venv" in install and "npm ci" in install and "sse-bridge import" in install
    assert "pytest" in test
    assert "/^## Set up/" in ci and 'bash -euo pipefail -c "${SETUP[0]}"' in ci
    assert 'bash -euo pipefail -c "${SETUP[1]}"' in ci
