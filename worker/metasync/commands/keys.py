"""``metasync keys``: generate token keys and rotate stored tokens to a new key.

Rotation without downtime:

1. ``metasync keys generate`` and append the printed entry to ``METASYNC_TOKEN_KEYS`` on every
   worker and server (they now hold the old and the new key; restart them one by one);
2. set ``METASYNC_TOKEN_KEY_ID`` to the new key id (new tokens are written under it);
3. ``metasync keys rotate --to <new id>`` re-encrypts the stored tokens in small transactions;
4. when it reports 0 left, remove the old key from ``METASYNC_TOKEN_KEYS``.
"""

from __future__ import annotations

import asyncio

import psycopg
import typer
from rich.console import Console

from metasync.crypto import (
    TokenCipher,
    TokenCipherError,
    format_key_entry,
    generate_key,
    new_key_id,
)
from metasync.db import connections
from metasync.postgres.connect import resolve_database_url
from metasync.settings import get_settings
from metasync.tokens import TokenRotationError, rotate_keys

app = typer.Typer(help="Token encryption keys: generate, rotate.", no_args_is_help=True)
console = Console(stderr=True)


@app.command("generate")
def generate_command(
    key_id: str | None = typer.Option(None, "--kid", help="Key id (default: a random k-xxxxxxxx)."),
) -> None:
    """Print a new key entry ``kid:<base64 32 bytes>`` for METASYNC_TOKEN_KEYS."""
    try:
        print(format_key_entry(key_id or new_key_id(), generate_key()))
    except TokenCipherError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc


@app.command("rotate")
def rotate_command(
    to: str | None = typer.Option(
        None, "--to", help="Target key id (default: METASYNC_TOKEN_KEY_ID)."
    ),
    batch_size: int = typer.Option(
        50, "--batch-size", min=1, max=10_000, help="Tokens re-encrypted per transaction."
    ),
) -> None:
    """Re-encrypt every stored token under the target key, a few rows per transaction."""
    settings = get_settings()
    try:
        cipher = TokenCipher.from_settings(settings)
    except TokenCipherError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    url = resolve_database_url(settings)
    try:
        rotated, left = asyncio.run(_rotate(url, cipher, to, batch_size))
    except (TokenCipherError, TokenRotationError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"re-encrypted {rotated} token(s); {left} left under other keys")
    if left:
        raise typer.Exit(1)


async def _rotate(url: str, cipher: TokenCipher, to: str | None, batch: int) -> tuple[int, int]:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        rotated = await rotate_keys(conn, cipher, to, batch)
        left = await connections.count_not_under_key(conn, to or cipher.current_key_id)
    return rotated, left
