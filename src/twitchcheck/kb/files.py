"""Reading the knowledge base's YAML, fast: libyaml's C loader when PyYAML was built with it.

The C loader reads the same YAML into the same Python values as the pure-Python one, about ten
times faster; PyYAML's wheels ship it, and a PyYAML built without libyaml falls back to Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

YAMLError = yaml.YAMLError

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the pure-Python one without libyaml


def load_yaml(text: str) -> Any:
    """Safe-load YAML text (no Python objects, only data)."""
    return yaml.load(text, Loader=_LOADER)


def read_yaml(path: Path) -> Any:
    """Safe-load one UTF-8 YAML file."""
    return load_yaml(path.read_text(encoding="utf-8"))
