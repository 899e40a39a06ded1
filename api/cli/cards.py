"""`lyt cards evaluate PATH` (or `python -m api.cli.cards evaluate PATH`): how openings route into the guided flows, measured on the real bot (issue 17).

Each opening goes through the real trained pipeline as the gateway sends it: a fresh conversation gets
`/set_lang{"lang": ..}` and then the text on Rasa's REST channel (var/models/lyt.tar.gz, the real action
server with the knowledge base, Redis tracker store); the first turn is read from the reply (card, article,
clarify, decline) and from Rasa's tracker (the form it started, the answers it read). Without `--rasa-url`
the command starts its own Redis, action server and Rasa server on free local ports and stops them after.
Lines with `expect` are openings; lines with `topic` are knowledge questions, measured both by the
knowledge search itself (the action's code, in this process) and by the bot's reply. Prints aggregate
figures only (JSON), never a message's text. The gateway's triage is not part of this path: an opening it
judges urgent gets the safety message instead of the flow in the product.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import typer

from api.embedded_redis import free_port, start_redis
from api.settings import REPO_ROOT
from knowledge.card_answers import FLOW_OF_FORM, FLOW_SLOTS
from knowledge.card_eval import FirstTurn, is_opening, kb_question, opening, read_lines, score_openings
from knowledge.card_kb_eval import score_kb_bot, score_kb_search

cards_app = typer.Typer(help="Guided flows (action cards).", no_args_is_help=True)


@cards_app.callback()
def _cards() -> None:
    """Guided flows (action cards)."""
RASA_BIN = REPO_ROOT / ".venv-rasa" / "bin" / "rasa"
APP_PY = REPO_ROOT / ".venv" / "bin" / "python"
MODEL = REPO_ROOT / "var" / "models" / "lyt.tar.gz"
CARD_SLOTS = frozenset(slot for slots in FLOW_SLOTS.values() for slot in slots)


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the process for {url} exited ({process.returncode})")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(url)


@contextmanager
def local_stack() -> Iterator[str]:
    """Redis, the action server and Rasa (the trained model), as `make run` starts them; yields Rasa's URL."""
    if not MODEL.exists():
        raise typer.BadParameter("no trained model at var/models/lyt.tar.gz: run `make model`")
    tmp = Path(tempfile.mkdtemp(prefix="lyt-cards-eval-"))
    redis_port, actions_port, rasa_port = free_port(), free_port(), free_port()
    env = dict(os.environ)
    env.update(
        REDIS_HOST="127.0.0.1", REDIS_PORT=str(redis_port), REDIS_DB="0", REDIS_PASSWORD="",
        ACTION_ENDPOINT_URL=f"http://127.0.0.1:{actions_port}/webhook", LYT_CONVERSATION_TTL="3600",
        HF_HUB_OFFLINE="1", RASA_TELEMETRY_ENABLED="false",
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        processes.append(start_redis(redis_port, tmp, appendonly=False))
        with open(tmp / "actions.log", "ab") as log:
            actions = subprocess.Popen([str(APP_PY), "-m", "actions.server", "--port", str(actions_port)],
                                       cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(actions)
        rasa_args = [str(RASA_BIN), "run", "--enable-api", "--model", str(MODEL), "--endpoints", "bot/endpoints.yml",
                     "--credentials", "bot/credentials.yml", "--port", str(rasa_port), "--interface", "127.0.0.1"]
        with open(tmp / "rasa.log", "ab") as log:
            rasa = subprocess.Popen(rasa_args, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(rasa)
        _wait(f"http://127.0.0.1:{actions_port}/ready", actions, 600)
        _wait(f"http://127.0.0.1:{rasa_port}/status", rasa, 600)
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def _article_topics() -> dict[str, str]:
    from knowledge.content import load_articles

    return {article.id: article.topic for article in load_articles()}


def first_turn(client: httpx.Client, rasa_url: str, text: str, lang: str, topics: dict[str, str]) -> FirstTurn:
    """Send one opening as a new conversation and read what the bot did with it."""
    sender = f"cards-eval-{uuid.uuid4().hex}"
    webhook = f"{rasa_url}/webhooks/rest/webhook"
    client.post(webhook, json={"sender": sender, "message": '/set_lang{"lang": "' + lang + '"}'}).raise_for_status()
    response = client.post(webhook, json={"sender": sender, "message": text})
    response.raise_for_status()
    tracker = client.get(f"{rasa_url}/conversations/{sender}/tracker").json()
    events: list[dict[str, Any]] = tracker.get("events") or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    flow: str | None = None
    answers: dict[str, str] = {}
    card_shown = False
    for event in events[last_user + 1:]:
        kind, name = event.get("event"), event.get("name")
        if kind == "active_loop" and name in FLOW_OF_FORM:
            flow = FLOW_OF_FORM[name]
        elif kind == "slot" and name in CARD_SLOTS and event.get("value") is not None:
            answers[str(name)] = str(event["value"])
        elif kind == "action" and name == "action_show_card":
            card_shown = True
    reply, article_id = "other", None
    for item in response.json():
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
        lyt = custom.get("lyt")
        if lyt == "action_card":
            flow, card_shown = str(custom.get("flow")), True
            answers.update({str(k): str(v) for k, v in (custom.get("answers") or {}).items()})
        elif lyt == "article" and reply == "other":
            reply, article_id = "article", str((custom.get("article") or {}).get("id"))
        elif lyt in ("clarify", "decline") and reply == "other":
            reply = str(lyt)
    if flow is not None:
        reply = "flow"
    topic = topics.get(article_id) if article_id else None
    return FirstTurn(flow, answers, card_shown, topic, article_id, reply)


@cards_app.command("evaluate")
def evaluate_command(
    path: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSONL: openings and/or knowledge questions."),
    rasa_url: str = typer.Option("", help="A running Rasa started with --enable-api (default: start one)."),
    search_only: bool = typer.Option(False, help="Knowledge questions through the search only (no Rasa)."),
    list_misses: bool = typer.Option(False, help="Also list the ids of missed openings (ids only, never text)."),
) -> None:
    """Aggregate figures only (JSON): right flow or article in one turn, slots, turns to the card, search."""
    lines = read_lines(path)
    openings = [opening(raw) for raw in lines if is_opening(raw)]
    questions = [kb_question(raw) for raw in lines if not is_opening(raw)]
    result: dict[str, Any] = {"set": path.name, "path": "rasa REST channel + action server (var/models/lyt.tar.gz)"}
    if questions:
        result["knowledge_search"] = score_kb_search(questions)
    if search_only:
        typer.echo(json.dumps(result, indent=1, ensure_ascii=False))
        return
    stack = local_stack() if not rasa_url else _given(rasa_url)
    topics = _article_topics()
    with stack as url, httpx.Client(timeout=120.0) as client:
        if openings:
            turns = [_safe_turn(client, url, item.text, item.lang, topics) for item in openings]
            result["openings"] = score_openings(openings, turns).as_dict()
            if list_misses:
                result["missed_openings"] = [
                    f"{item.id} -> {turn.flow or turn.reply}:{turn.article_id or ''} {sorted(turn.answers.items())}"
                    for item, turn in zip(openings, turns, strict=True)
                    if ((turn.flow != item.target) if item.kind == "flow" else (turn.article_topic != item.target))
                ]
        if questions:
            replies = [_safe_turn(client, url, q.text, q.lang or "da", topics) for q in questions]
            result["knowledge_bot"] = score_kb_bot(questions, replies)
    typer.echo(json.dumps(result, indent=1, ensure_ascii=False))


def _safe_turn(client: httpx.Client, rasa_url: str, text: str, lang: str, topics: dict[str, str]) -> FirstTurn:
    """A turn that failed (timeout, error status) counts as a miss ("error"), and the run goes on."""
    try:
        return first_turn(client, rasa_url, text, lang, topics)
    except (httpx.HTTPError, ValueError):
        return FirstTurn(reply="error")


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url.rstrip("/")


if __name__ == "__main__":  # .venv/bin/python -m api.cli.cards evaluate PATH
    cards_app()
