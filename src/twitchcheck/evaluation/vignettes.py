"""Vignettes: a case in structured and in lay form, with the answer a clinician would give."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from twitchcheck.kb.schema import TRIAGE_ORDER, MovementId, TriageLevel


class Expected(BaseModel):
    """The reference answer."""

    model_config = ConfigDict(extra="forbid")
    condition: str
    acceptable: list[str] = Field(default_factory=list)
    movement: MovementId
    triage: TriageLevel
    triage_range: tuple[TriageLevel, TriageLevel]

    @model_validator(mode="after")
    def _triage_in_range(self) -> Expected:
        low, high = (TRIAGE_ORDER.index(x) for x in self.triage_range)
        if not low <= TRIAGE_ORDER.index(self.triage) <= high:
            raise ValueError("triage must lie within triage_range")
        return self


class Vignette(BaseModel):
    """One evaluation case.

    Development vignettes carry structured ``evidence`` as well as lay ``text``. Independent sets
    are text only: their writers never saw the finding ids, so they cannot encode evidence.
    ``red_flag`` names the dangerous presentation a probe was written for; ``style`` says who
    writes and how (a relative, misspellings, rambling...).
    """

    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    basis: str
    style: str | None = None
    age: float | None = None
    sex: Literal["female", "male"] | None = None
    text: str
    evidence: list[dict[str, Any]] | None = None
    expected: Expected
    red_flag: str | None = None

    def case(self) -> dict[str, Any]:
        """The structured case in the engine's input shape (text-only vignettes have none)."""
        if self.evidence is None:
            raise ValueError(f"vignette {self.id} has no structured evidence (it is text only)")
        return {"age": self.age, "sex": self.sex, "evidence": self.evidence}


def load_vignettes(path: Path) -> list[Vignette]:
    """Read and validate a YAML list of vignettes."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise ValueError(f"{path} must hold a list of vignettes")
    return [Vignette.model_validate(v) for v in raw]
