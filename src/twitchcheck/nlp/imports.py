"""Importing spaCy and medspacy's ConText without the parts twitchcheck never uses.

The reader needs spaCy's blank English tokenizer and medspacy's ConText, no model and no GPU. Two
of their imports cost seconds for nothing here:

- thinc (spaCy's machine-learning layer) probes for PyTorch at import time when it is installed
  (pgmpy brings it into the development environment), which takes about 4 s. spaCy's blank pipeline
  never uses it, so while spaCy is imported ``torch`` is reported missing; torch itself stays
  importable for whoever needs it afterwards.
- medspacy imports QuickUMLS (a UMLS matcher we do not use), which imports NLTK (about 2 s, with
  scikit-learn and SciPy's statistics). NLTK is only used when a QuickUMLS matcher is built, so it is
  given as a stand-in that imports the real NLTK on first use.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import threading
import types
import warnings
from collections.abc import Sequence
from typing import Any

_LOCK = threading.Lock()
HIDDEN = ("torch",)
DEFERRED = ("nltk", "requests")


class _Hidden(importlib.abc.MetaPathFinder):
    """Reports the hidden packages as not installed (only while it is on ``sys.meta_path``)."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None) -> None:
        if fullname.split(".", maxsplit=1)[0] in HIDDEN:
            raise ModuleNotFoundError(f"{fullname} is not used by twitchcheck's reader", name=fullname)


class _Deferred(types.ModuleType):
    """Stands in for a module until one of its names is used; then it is imported for real."""

    def __getattr__(self, name: str) -> Any:
        real = _import_real(self.__name__, self)
        return getattr(real, name)


def _import_real(name: str, stand_in: types.ModuleType) -> types.ModuleType:
    with _LOCK:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        real = importlib.import_module(name)
        stand_in.__dict__.update(real.__dict__)  # holders of the stand-in see the real names from now on
        return real


def _defer(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    stand_in = _Deferred(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in


def import_reader_libraries() -> tuple[Any, Any, Any]:
    """``(spacy, ConText, ConTextRule)``, imported as the module docstring says."""
    with warnings.catch_warnings():  # spaCy's CLI module imports a deprecated click helper
        warnings.simplefilter("ignore", DeprecationWarning)
        if "spacy" in sys.modules and "medspacy.context" in sys.modules:
            import spacy
            from medspacy.context import ConText, ConTextRule

            return spacy, ConText, ConTextRule
        hide = _Hidden() if not any(name in sys.modules for name in HIDDEN) else None
        for name in DEFERRED:
            _defer(name)
        if hide is not None:
            sys.meta_path.insert(0, hide)
        try:
            import spacy
            from medspacy.context import ConText, ConTextRule
        finally:
            if hide is not None:
                sys.meta_path.remove(hide)
    return spacy, ConText, ConTextRule
