"""`screening serve`: the HTTP service (yente-compatible matching and the native endpoints)."""
from __future__ import annotations

import os
import sys

import click

from screening import store

from .groups import db_option, main
from .store_access import store_errors, wait_option


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; beyond loopback, API keys are required.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (each holds the lists in memory, ~400 MB).")
@click.option("--api-keys-file", type=click.Path(dir_okay=False), metavar="PATH",
              help="API keys, one per line, `NAME: KEY` to name the analyst (also env SCREENING_API_KEYS, comma-separated).")
@click.option("--max-body", type=click.IntRange(1024), default=1 << 20, show_default=True, metavar="BYTES",
              help="Largest JSON request body.")
@click.option("--max-upload", type=click.IntRange(1024), default=100 << 20, show_default=True, metavar="BYTES",
              help="Largest file uploaded to /screen.")
@click.option("--time-limit", type=click.FloatRange(0.1), default=30.0, show_default=True, metavar="SECONDS",
              help="Matching time per request before it is refused (503).")
@db_option
@wait_option
@store_errors
def serve(host, port, workers, api_keys_file, max_body, max_upload, time_limit, db) -> None:
    """Serve the lists over HTTP, answering through list refreshes.

    The server answers from a published snapshot of the store, never the store itself, so
    `screening lists refresh` (e.g. from cron) writes the store while the server answers;
    each load or refresh of a served store publishes a new snapshot and the workers switch
    to it within seconds. The review page (/review) opens the store briefly per request to
    list open hits and record decisions, under the API key's name (`NAME: KEY` in the keys
    file; the OS user on loopback without keys). OpenAPI at /openapi.json, docs at /docs.

    \b
    Examples:
      screening serve                                  # http://127.0.0.1:8000
      SCREENING_API_KEYS=secret screening serve --host 0.0.0.0 --workers 2
      curl -s -X POST localhost:8000/match/default -H 'Content-Type: application/json' \\
        -d '{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Vladimir Putin"]}}}}'
    """
    try:
        import uvicorn

        from screening.service.app import SETTINGS_ENV, Settings
    except ImportError as exc:
        click.echo(f"error: the web stack is not installed ({exc.name}): pip install 'screening[serve]'", err=True)
        sys.exit(2)
    from screening.service.publish import NotPublishable, current_snapshot, publish_snapshot
    from screening.service.security import KeysError, is_loopback, load_named_keys

    try:
        keys = load_named_keys(api_keys_file)
    except KeysError as exc:
        raise click.UsageError(str(exc)) from None
    if not keys and not is_loopback(host):
        raise click.UsageError(f"--host {host} is reachable beyond this machine: give API keys "
                               "(--api-keys-file or env SCREENING_API_KEYS), or bind to 127.0.0.1")
    path = store.require_store(db)
    try:
        published = publish_snapshot(path)
    except NotPublishable as exc:
        published = current_snapshot(path)
        if published is None:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        click.echo(f"warning: {exc}; serving the last published snapshot {published.version}", err=True)
    click.echo(f"serving {path} (snapshot {published.version}) on http://{host}:{port} with {workers} "
               f"worker{'s' if workers > 1 else ''}{'' if keys else ', no API key'}", err=True)
    settings = Settings(db=str(path), keys=keys, max_body_bytes=max_body, max_upload_bytes=max_upload,
                        time_limit=time_limit)
    os.environ[SETTINGS_ENV] = settings.to_env()
    from screening.service.workers import APP, UVICORN, can_share_port, run_workers

    if workers > 1 and can_share_port():  # each worker its own socket: connections spread evenly
        try:
            sys.exit(run_workers(host, port, workers, {SETTINGS_ENV: settings.to_env()}))
        except OSError as exc:
            click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
            sys.exit(1)
    uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, **UVICORN)
