"""What the pages' forms send, read into the diary's models (a form sends text; "" means not given)."""

from __future__ import annotations

from typing import Any


def form_number(text: str | None, kind: type = float) -> Any:
    """A number typed in a form ("" means not given); what is not a number is passed on to be refused."""
    text = (text or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if kind is int and value.is_integer() else value if kind is float else text
