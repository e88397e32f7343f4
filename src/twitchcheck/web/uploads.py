"""Reading an uploaded recording from a request: the body within its limit, a CSV file from a form, its errors.

Shared by the tremor API (``POST /api/v1/tremor``) and the tremor page's upload (``POST /tremor/upload``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from twitchcheck.errors import TwitchcheckError
from twitchcheck.tremor import RecordingError

MAX_TREMOR_BODY = 10 * 1024 * 1024  # a 4-minute recording at 500 Hz as CSV is about 8 MB


async def read_body(request: Request) -> bytes:
    """The request body, refused with a 413 once it passes MAX_TREMOR_BODY (declared or streamed)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_TREMOR_BODY):
        raise TwitchcheckError(
            "too_large", "too_large", f"the body is larger than {MAX_TREMOR_BODY // (1024 * 1024)} MB"
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_TREMOR_BODY:
            raise TwitchcheckError(
                "too_large", "too_large", f"the body is larger than {MAX_TREMOR_BODY // (1024 * 1024)} MB"
            )
        chunks.append(chunk)
    return b"".join(chunks)


def decode_text(raw: bytes) -> str:
    """CSV bytes as text (UTF-8, with or without a byte-order mark)."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TwitchcheckError("invalid", "not_text", "the recording is not a text (UTF-8) CSV file") from None


async def uploaded_csv(request: Request, raw: bytes) -> tuple[str, dict[str, str]]:
    """The CSV text of a multipart upload (field ``file``) and the form's other fields."""

    async def body() -> AsyncGenerator[bytes, None]:
        yield raw

    try:
        form = await MultiPartParser(
            request.headers, body(), max_files=1, max_fields=10, max_part_size=64 * 1024
        ).parse()
    except MultiPartException as exc:
        raise TwitchcheckError("bad_request", "bad_upload", f"the upload cannot be read: {exc.message}") from None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise TwitchcheckError("invalid", "missing_file", "send the recording as a file in the form field 'file'")
    text = decode_text(await upload.read())
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    await form.close()
    return text, fields


def recording_error(exc: RecordingError, where: dict[str, Any] | None = None) -> TwitchcheckError:
    """A recording's problem as a 422 in the one error shape."""
    details = exc.details if where is None else {**where, **(exc.details or {})}
    return TwitchcheckError("invalid", exc.code, exc.message, details)
