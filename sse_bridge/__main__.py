"""``python -m sse_bridge`` works the same as the ``sse-bridge`` command (SPEC §2)."""

from .cli import main

main(prog_name="sse-bridge")
