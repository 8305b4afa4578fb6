"""Reading a recorded ``text/event-stream`` body by the WHATWG rules (HTML, "Server-sent
events", *Interpreting an event stream*), for checking captures against a description.

Each dispatched event is a dict with ``data`` (str), and ``event``, ``id``, ``retry`` when its
block set them (the OpenAPI 3.2 specification's JSON form of an event). Comments, unknown
fields and blocks without ``data`` dispatch nothing; a last block with no blank line after it
is incomplete and discarded, as a browser would.
"""

from __future__ import annotations

import re

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def parse_event_stream(text: str) -> list[dict]:
    if text.startswith("\ufeff"):
        text = text[1:]
    events: list[dict] = []
    data: list[str] = []
    event_type = ""
    block_id: str | None = None
    retry: int | None = None
    lines = _LINE_BREAK.split(text)
    complete = len(lines) - 1  # the text after the last line break is not a finished line
    for line in lines[:complete]:
        if line == "":
            if data:
                event: dict = {"data": "\n".join(data)}
                if event_type:
                    event["event"] = event_type
                if block_id is not None:
                    event["id"] = block_id
                if retry is not None:
                    event["retry"] = retry
                events.append(event)
            data, event_type, block_id, retry = [], "", None, None
            continue
        if line.startswith(":"):
            continue
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "event":
            event_type = value
        elif field == "data":
            data.append(value)
        elif field == "id" and "\0" not in value:
            block_id = value
        elif field == "retry" and value.isdigit():
            retry = int(value)
    return events
