"""Writing OpenAPI documents as YAML or JSON, deterministically (SPEC §2).

YAML goes through libyaml's emitter; strings that a YAML 1.1 reader would take for another
type (``y``, ``on``, ``2024-01-01``, ``'200'``) are quoted, and multi-line strings are
written as literal blocks when they can be.
"""

from __future__ import annotations

import json

import yaml


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def to_yaml(document: dict) -> str:
    return yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1 << 30
    )


def to_json(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
