"""`lyt kb ...`: validate content, build the index, search, evaluate, and list content gaps.

Mounted by api/cli as `lyt kb`. Heavy imports (the embedding engine, scikit-learn) happen inside the
commands, never at import time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import typer

from knowledge.content import ARTICLES_DIR, MIN_ARTICLES_PER_TOPIC_AND_LANG

kb_app = typer.Typer(help="Knowledge base: validate, build, search, eval, gaps.", no_args_is_help=True)

ARTICLES_OPTION = typer.Option(ARTICLES_DIR, "--articles", help="Articles directory.")
MAX_HITS_OUT = 3


@kb_app.command("validate")
def validate_command(
    articles: Path = ARTICLES_OPTION,
    min_per_topic: int = typer.Option(MIN_ARTICLES_PER_TOPIC_AND_LANG, help="Articles needed per topic and language."),
) -> None:
    """Check articles against the schema, the taxonomy, helplines, translations and links."""
    from knowledge.content import load_articles, validate

    errors = validate(articles, min_per_topic=min_per_topic)
    for error in errors:
        typer.echo(str(error), err=True)
    if errors:
        typer.echo(f"{len(errors)} problem(s) in {articles}", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {len(load_articles(articles))} articles valid")


@kb_app.command("build")
def build_command(
    articles: Path = ARTICLES_OPTION,
    force: bool = typer.Option(False, "--force", help="Rebuild even when the cached index exists."),
) -> None:
    """Embed the articles into var/kb/<hash>/ (reused when content and model are unchanged)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from knowledge.search.embedding import make_embedder
    from knowledge.search.index import build_index

    started = time.perf_counter()
    embedder = make_embedder()
    with Progress(
        TextColumn("embedding"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
    ) as bar:
        task = bar.add_task("embed", total=None)

        def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        directory = build_index(embedder, articles, progress=report, force=force)
    typer.echo(f"index: {directory} (model {embedder.model_id}, {time.perf_counter() - started:.1f} s)")


def _search_line(kb: Any, raw: str) -> dict[str, Any]:
    request = json.loads(raw)
    decision = kb.answer(str(request.get("text", "")), request.get("lang"))
    return {
        "id": str(request.get("id", "")),
        "answered": decision.answered,
        "lang": decision.lang,
        "hits": [
            {"article": hit.article_id, "topic": hit.topic, "score": round(hit.score, 4)}
            for hit in (decision.candidates or decision.hits)[:MAX_HITS_OUT]
        ],
    }


@kb_app.command("search")
def search_command(
    text: str | None = typer.Argument(None, help="A question (omit with --jsonl)."),
    jsonl: bool = typer.Option(False, "--jsonl", help='Read {"id","text"} lines from stdin, write results to stdout.'),
    lang: str | None = typer.Option(None, "--lang", help="Conversation language hint (da|en)."),
) -> None:
    """Search the knowledge base. With --jsonl: one JSON result line per input line, top 3 hits best first."""
    from knowledge.search.knowledge_base import KnowledgeBase

    kb = KnowledgeBase.load()
    if jsonl:
        for number, raw in enumerate(sys.stdin, start=1):
            if not raw.strip():
                continue
            try:
                result = _search_line(kb, raw)
            except (json.JSONDecodeError, AttributeError) as exc:
                typer.echo(f"line {number}: not a JSON object: {exc}", err=True)
                continue
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return
    if not text:
        typer.echo("give a question, or --jsonl", err=True)
        raise typer.Exit(2)
    decision = kb.answer(text, lang)
    typer.echo(f"{decision.kind} ({decision.lang}) margin={decision.margin:.3f} oos_gap={decision.oos_gap:+.3f}")
    for hit in decision.candidates or decision.hits:
        typer.echo(f"  {hit.score:.3f}  {hit.topic:24s} {hit.article_id}  [{hit.section_title}]")


@kb_app.command("eval")
def eval_command(
    external: bool = typer.Option(False, "--external", help="Also evaluate on ../shared/eval/external/."),
    dev_set: Path = typer.Option(None, "--dev-set", help="Labelled questions (default tests/data/kb_dev.jsonl)."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON lines."),
    misses: bool = typer.Option(True, "--misses/--no-misses", help="List the misclassified questions."),
) -> None:
    """Top-1 / top-3 topic accuracy, out-of-scope decline rate and a confusion table."""
    from knowledge.search.evaluation import (
        DEV_SET,
        EXTERNAL_DIR,
        evaluate,
        external_question_files,
        format_report,
        read_questions,
    )
    from knowledge.search.knowledge_base import KnowledgeBase

    kb = KnowledgeBase.load()
    sets = [((dev_set or DEV_SET).name, read_questions(dev_set or DEV_SET))]
    if external:
        files = external_question_files(EXTERNAL_DIR)
        if not files:
            typer.echo(f"no labelled knowledge questions found under {EXTERNAL_DIR}", err=True)
        sets += [(f"external/{path.relative_to(EXTERNAL_DIR)}", read_questions(path)) for path in files]
    for name, questions in sets:
        report = evaluate(kb, questions, name)
        typer.echo(json.dumps(report.as_dict()) if as_json else format_report(report, show_misses=misses) + "\n")


@kb_app.command("gaps")
def gaps_command(
    limit: int = typer.Option(50, help="How many questions to list."),
    with_topics: bool = typer.Option(
        False, "--topics", help="Add the nearest topic to each question (loads the model)."
    ),
) -> None:
    """The questions the bot could not answer (anonymised), and articles rated unhelpful. Reads Redis."""
    import redis

    from knowledge.search.gaps import format_gaps, gaps_report

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    client = redis.Redis.from_url(url, decode_responses=True, socket_connect_timeout=2)
    kb = None
    if with_topics:
        from knowledge.search.knowledge_base import KnowledgeBase

        kb = KnowledgeBase.load()
    try:
        report = gaps_report(client, limit=limit, kb=kb)
    except redis.RedisError as exc:
        typer.echo(f"gaps not available: cannot read Redis at REDIS_URL ({exc.__class__.__name__})", err=True)
        raise typer.Exit(1) from None
    typer.echo(format_gaps(report))
