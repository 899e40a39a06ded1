"""`lyt triage review`: curators go through counsellors' corrections of triage (issue 18, part 2).

    lyt triage review              open items, one a line (id, day, kind, reason, triage -> counsellor, text)
    lyt triage review --jsonl      the same as JSON lines in the shape of the triage training files
                                   ({"id", "text", "lang", "level", "tricky", "note"})
    lyt triage review accept ID    the item becomes a training example: appended to
                                   <LYT_VAR_DIR>/triage/accepted_reviews.jsonl and removed from Redis;
                                   the next `lyt triage build` retrains on it (knowledge/triage/reviews.py)
    lyt triage review reject ID    the item is deleted
    lyt triage review keep ID      the item no longer expires after 90 days (until accepted or rejected)

Items come from REDIS_URL (api/services/reviews.py). Nothing is accepted without `accept`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer

review_app = typer.Typer(help="Counsellors' corrections of triage, for curators.", add_completion=False)
ID_ARGUMENT = typer.Argument(..., help="Item id as listed by `lyt triage review`")
T = TypeVar("T")


def _with_redis(action: Callable[[Any], Awaitable[T]]) -> T:
    from redis.asyncio import Redis

    from api.settings import get_settings

    async def run() -> T:
        redis = Redis.from_url(get_settings().redis_url, decode_responses=True, socket_timeout=10)
        try:
            return await action(redis)
        finally:
            await redis.aclose()

    return asyncio.run(run())


@review_app.callback(invoke_without_command=True)
def review_main(
    ctx: typer.Context,
    jsonl: bool = typer.Option(False, "--jsonl", help="Export open items as training-file JSON lines."),
) -> None:
    """List the open review items."""
    if ctx.invoked_subcommand is not None:
        return
    from api.services import reviews

    items = _with_redis(reviews.open_items)
    for item in items:
        if jsonl:
            typer.echo(json.dumps(item.training_row(), ensure_ascii=False))
        else:
            kept = " kept" if item.kept else ""
            typer.echo(
                f"{item.id}  {item.day}  {item.kind}/{item.reason}  {item.triage_level} -> {item.level}"
                f"  [{item.lang}]{kept}  {item.text}"
            )
    if not jsonl:
        typer.echo(f"{len(items)} open item(s)", err=True)


def _item_or_exit(item_id: str) -> Any:
    from api.services import reviews

    item = _with_redis(lambda redis: reviews.get(redis, item_id))
    if item is None:
        typer.echo(f"error: no open review item {item_id!r}", err=True)
        raise typer.Exit(1)
    return item


@review_app.command("accept")
def accept(item_id: str = ID_ARGUMENT) -> None:
    """Make the item a training example (used from the next `lyt triage build`) and close it."""
    from api.services import reviews
    from knowledge.triage.reviews import append_accepted

    item = _item_or_exit(item_id)
    path = append_accepted(item.training_row())  # written (and synced) before the item leaves Redis
    _with_redis(lambda redis: reviews.remove(redis, item_id))
    typer.echo(f"accepted {item_id}: {item.level} example in {path}; run `lyt triage build` to retrain")


@review_app.command("reject")
def reject(item_id: str = ID_ARGUMENT) -> None:
    """Delete the item; it never reaches training."""
    from api.services import reviews

    if not _with_redis(lambda redis: reviews.remove(redis, item_id)):
        typer.echo(f"error: no open review item {item_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"rejected {item_id}")


@review_app.command("keep")
def keep(item_id: str = ID_ARGUMENT) -> None:
    """Remove the item's 90-day expiry (it stays open until accepted or rejected)."""
    from api.services import reviews

    if not _with_redis(lambda redis: reviews.keep(redis, item_id)):
        typer.echo(f"error: no open review item {item_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"kept {item_id}: it no longer expires")
