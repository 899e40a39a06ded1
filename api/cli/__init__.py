"""The `lyt` command line: knowledge base, triage, counsellors, bot training, simulation."""

from __future__ import annotations

import sys

import typer

from api.capacity.cli import simulate_app
from api.cli.bot import bot_app
from api.cli.cards import cards_app
from api.cli.counsellor import counsellor_app
from api.cli.review import review_app
from knowledge.search.cli import kb_app
from knowledge.triage.cli import triage_app

app = typer.Typer(help="Lyt: anonymous chat for young people.", no_args_is_help=True, add_completion=False)
app.add_typer(counsellor_app, name="counsellor")
app.add_typer(bot_app, name="bot")
app.add_typer(cards_app, name="cards")
app.add_typer(kb_app, name="kb")
triage_app.add_typer(review_app, name="review")  # lyt triage review (curators; needs Redis)
app.add_typer(triage_app, name="triage")
app.add_typer(simulate_app, name="simulate")


def main() -> None:
    app(args=sys.argv[1:])
