"""``python -m sse_bridge`` works the same as the ``sse-bridge`` command (SPEC §2)."""

from .cli import run

run(prog_name="sse-bridge")
