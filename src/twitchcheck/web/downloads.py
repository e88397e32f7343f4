"""The diary as a download (JSON, CSV or a FHIR bundle), for the diary API and the diary's export page."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.responses import Response

from twitchcheck.diary import export as export_mod

MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json", "fhir": "application/fhir+json"}


def export_response(session: Any, user: Any, fmt: str) -> Response:
    """The diary as a download in one of the export formats."""
    from twitchcheck.diary import fhir

    data = export_mod.collect(session, user=user)
    if fmt == "csv":
        body = export_mod.to_csv(data)
    elif fmt == "fhir":
        body = export_mod.to_json(fhir.bundle(data, user_uid=user.uid))
    else:
        body = export_mod.to_json(data)
    stamp = datetime.now(UTC).date().isoformat()
    suffix = {"csv": "csv", "json": "json", "fhir": "fhir.json"}[fmt]
    headers = {"Content-Disposition": f'attachment; filename="twitchcheck-diary-{stamp}.{suffix}"'}
    return Response(body, media_type=MEDIA[fmt], headers=headers)
