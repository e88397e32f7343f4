"""Checking and cleaning the text before it is read.

Cleaning never moves a character: HTML tags, entities, emoji and control characters are replaced by
spaces of the same length, so every span the parser reports indexes the text exactly as it was given.
"""

from __future__ import annotations

import html
import re
import unicodedata

from twitchcheck.engine.evidence import EvidenceError

MAX_CHARS = 10_000
NO_SYMPTOMS = "I could not find symptoms in this"

_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<!--.*?-->|</?[a-zA-Z][^<>]*>", re.DOTALL)
_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_BLOCK_TAGS = re.compile(r"</?(p|br|div|li|ul|ol|tr|h[1-6])\b", re.IGNORECASE)


class TextError(EvidenceError):
    """The text cannot be read (empty, too long or not text); the message says why.

    A ValueError, and an EvidenceError, so callers that already report bad evidence report this too.
    """

    code = "invalid_text"

    def __init__(self, message: str, problem: str) -> None:
        super().__init__(message, [{"field": "text", "problem": problem}])


def _blank(match: re.Match[str]) -> str:
    """Spaces as long as the match; a full stop first for block tags so sentences stay apart."""
    text = match.group(0)
    if _BLOCK_TAGS.match(text):
        return "." + " " * (len(text) - 1)
    return " " * len(text)


def _entity(match: re.Match[str]) -> str:
    decoded = html.unescape(match.group(0))
    if len(decoded) != 1 or not decoded.isprintable():
        decoded = " "
    return decoded + " " * (len(match.group(0)) - 1)


def _keep(char: str) -> str:
    """Letters, digits, punctuation and spaces stay; emoji, symbols and control characters become spaces."""
    if char == "\n":
        return char
    if char == "\t":
        return " "
    category = unicodedata.category(char)
    if category[0] in "LNPZ" or char in "&/+%°$£€":
        return " " if category in ("Zl", "Zp") else char
    return " "


def clean_text(text: object) -> str:
    """Check the text and return it cleaned, the same length; raise TextError if it cannot be read."""
    if not isinstance(text, str):
        raise TextError(f"the text must be a string, not {type(text).__name__}", "not a string")
    if len(text) > MAX_CHARS:
        raise TextError(
            f"the text is too long: {len(text):,} characters; the limit is {MAX_CHARS:,} (about 1,500 words)",
            f"more than {MAX_CHARS:,} characters",
        )
    if not text.strip():
        raise TextError("the text is empty: describe the twitching in a few words", "empty")
    cleaned = _SCRIPT.sub(_blank, text)
    cleaned = _TAG.sub(_blank, cleaned)
    cleaned = _ENTITY.sub(_entity, cleaned)
    cleaned = "".join(_keep(c) for c in cleaned)
    cleaned = cleaned.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    assert len(cleaned) == len(text)
    return cleaned


def english_share(text: str, english_words: frozenset[str]) -> tuple[int, float]:
    """How many words the text has and what share of them are common English words."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return 0, 0.0
    return len(words), sum(w in english_words for w in words) / len(words)


def looks_english(text: str, english_words: frozenset[str]) -> bool:
    """False when the text has letters but (almost) none of the common English words."""
    count, share = english_share(text, english_words)
    if count == 0:
        return False
    latin = sum(c.isascii() for c in text if c.isalpha()) / max(1, sum(c.isalpha() for c in text))
    if latin < 0.5:
        return False
    return count < 4 or share >= 0.12
