"""The spec-repo recipe of the README, run the way a spec repo runs it: a folder
with a spec and the recipe's test file, pytest with the installed plugin, snapshots written,
checked, and a change in the spec caught."""

from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES

pytest_plugins = ["pytester"]

RECIPE = """
from pathlib import Path

import pytest

SPECS = sorted(Path(__file__).parent.parent.glob("specs/*.yaml"))


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.stem)
def test_spec_round_trips(spec, sse_bridge, sse_bridge_tsp_snapshot):
    result = sse_bridge.assert_fixpoint(spec)
    assert result.first == sse_bridge_tsp_snapshot
"""


@pytest.fixture
def spec_repo(pytester):
    specs = pytester.path / "specs"
    specs.mkdir()
    shutil.copy(FIXTURES / "import" / "seed002-scenario2" / "openapi.yaml", specs / "channel.yaml")
    tests = pytester.path / "tests"
    tests.mkdir()
    (tests / "test_specs.py").write_text(RECIPE, encoding="utf-8")
    return pytester


def test_recipe_writes_readable_snapshots_then_passes(spec_repo):
    first = spec_repo.runpytest_subprocess("-p", "syrupy", "--snapshot-update")
    first.assert_outcomes(passed=1)
    snapshots = list(spec_repo.path.glob("tests/__snapshots__/**/*.tsp"))
    assert len(snapshots) == 1
    assert "@TypeSpec.SSE.terminalEvent" in snapshots[0].read_text(encoding="utf-8")
    spec_repo.runpytest_subprocess("-p", "syrupy").assert_outcomes(passed=1)


def test_recipe_catches_a_changed_spec(spec_repo):
    spec_repo.runpytest_subprocess("-p", "syrupy", "--snapshot-update").assert_outcomes(passed=1)
    spec = spec_repo.path / "specs" / "channel.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("userconnect", "userjoined"), encoding="utf-8")
    result = spec_repo.runpytest_subprocess("-p", "syrupy")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*userjoined*"])


def test_assert_fixpoint_reports_input_errors_located(spec_repo):
    (spec_repo.path / "specs" / "broken.yaml").write_text("openapi: 3.2.0\ninfo: [\n", encoding="utf-8")
    result = spec_repo.runpytest_subprocess("-p", "syrupy", "--snapshot-update")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*broken.yaml:*invalid-yaml*"])
