"""sse-bridge: OpenAPI 3.2 ⇄ TypeSpec, with first-class Server-Sent Events.

The library API mirrors the command line (README "Usage")::

    from sse_bridge import import_openapi, emit_openapi
    tsp = import_openapi(Path("openapi.yaml")).output

Every function raises :class:`InputError` (an :class:`SseBridgeError`) when the input has
errors; its ``diagnostics`` hold every problem found, each with a code and a location.
"""

from .api import Conversion, emit_openapi, import_openapi
from .diagnostics import Diagnostic, InputError, Level, Location, SseBridgeError

__all__ = [
    "Conversion",
    "Diagnostic",
    "InputError",
    "Level",
    "Location",
    "SseBridgeError",
    "emit_openapi",
    "import_openapi",
]
