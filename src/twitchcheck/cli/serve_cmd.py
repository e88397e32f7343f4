"""``twitchcheck serve``: run the web app and JSON API with uvicorn (http://127.0.0.1:8000 by default)."""

from __future__ import annotations

from typing import Annotated

import typer


def serve(
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, help="worker processes")] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="log each request (addresses hold answers)")
    ] = False,
) -> None:
    """Start the web app: the pages, and the JSON API under /api/v1 (OpenAPI at /openapi.json)."""
    import uvicorn

    typer.echo(f"twitchcheck: serving on http://{host}:{port}  (Ctrl+C to stop)", err=True)
    uvicorn.run(
        "twitchcheck.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        log_level="info",
        proxy_headers=False,  # forwarded headers are believed only from TWITCHCHECK_TRUSTED_PROXIES (web.middleware)
    )
