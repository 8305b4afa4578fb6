"""``python -m sse_bridge`` works the same as the ``sse-bridge`` command (README "Usage")."""

from .cli import run

run(prog_name="sse-bridge")
