"""Combination, reasons and spans, context, stickiness, robustness (hypothesis) and the CLI contract."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from knowledge.triage import LEVELS, TriageResult, sticky_level
from knowledge.triage.levels import max_level
from tests.unit.test_triage_support import triage, triage_without_semantic


def test_result_shape_and_reasons_point_to_words() -> None:
    text = "jeg gider ik leve mere 😞"
    result = triage().judge(text)
    assert isinstance(result, TriageResult)
    assert result.level == "urgent" and 0.7 <= result.score <= 1.0
    assert any(r.startswith("lexicon:") and "(urgent, da)" in r for r in result.reasons)
    highlighted = " ".join(text[a:b] for a, b in result.spans)
    assert "leve" in highlighted


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("kms", "urgent"),
        ("i wanna unalive myself", "urgent"),
        ("sewerslide tonight", "urgent"),
        ("vil ikke være her mere", "urgent"),
        ("gider ikke leve", "urgent"),
        ("tænker på at tage mit eget liv", "urgent"),
        ("jeg vil bare ende det hele", "urgent"),
        ("jeg dør af grin", "none"),
        ("I'm dead 💀 lol", "none"),
        ("you're killing it", "none"),
        ("min mor slår mig ihjel hvis jeg kommer for sent", "none"),
        ("det her lort dræber mig", "none"),
        ("kill yourself noob", "none"),
        ("kys dig selv noob", "none"),
        ("we have a school project about suicide", "none"),
        ("how can i support a friend who is going through a hard time", "none"),
        ("🔪", "none"),
        ("💊", "none"),
        ("🪦", "none"),
        ("🔪🩸", "concern"),
        ("i aften 💊💊 🪦", "urgent"),
    ],
)
def test_issue_examples(text: str, level: str) -> None:
    assert triage().judge(text).level == level


def test_idiom_veto_reason_is_explained() -> None:
    result = triage().judge("min mor slår mig ihjel hvis jeg kommer for sent")
    assert result.level == "none"
    assert any(r.startswith("idiom:") for r in result.reasons)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Thirteenth pass (lexicon hard floors): days without food plus the body failing is an emergency ...
        ("har ik spist i fem dage og besvimede i gangen, kan ik rejse mig", "urgent"),
        ("havde ikke spist i 4 dage og så ser jeg sort når jeg går og hjertet hamrer", "urgent"),
        ("i havent eaten in 6 days and i passed out in the shower", "urgent"),
        # ... days without food alone stays concern,
        ("har ikke spist i 3 dage pga maveinfluenza, hvornår må jeg træne igen", "concern"),
        # (fifteenth pass: a week, weeks or "since" a weekday count as days do),
        ("har ik spist siden mandag og nu ser jeg sort hver gang jeg rejser mig", "urgent"),
        ("jeg har ikke fået noget at spise i over en uge og besvimede i gymnastiksalen", "urgent"),
        # a thing that "takes my life" is hyperbole, but not once "jeg" says it,
        ("fysik kommer til at tage livet af mig 💀", "none"),
        ("det er slut nu jeg tager livet af mig", "urgent"),
        # and a threat shouted at the door is not the "min mor slår mig ihjel hvis" idiom.
        ("han står ude på trappen og skriger han slår mig ihjel hvis jeg ik åbner", "urgent"),
        ("min far slår mig ihjel hvis han ser mit værelse lol", "none"),
        # Fourteenth pass: a goodbye "for always" or a last message with a time is urgent ...
        ("sov godt for altid alle sammen 🖤", "urgent"),
        ("goodnight forever x", "urgent"),
        ("jeg skriver ikke igen efter i aften, tak for alt", "urgent"),
        ("i won't be texting anyone after tonight", "urgent"),
        ("har skrevet farvelbeskeder til min familie og føler mig rolig nu", "urgent"),
        ("wrote goodbye notes for my parents, feel ready now", "urgent"),
        # ... but not when someone is moving away,
        ("har sendt farvel-beskeder til klassen nu hvor jeg flytter", "none"),
        ("sent goodbye messages to my team now that i'm moving to aarhus", "none"),
        # a death "tonight" asked about is urgent, a game is not,
        ("hvis jeg dør i nat, hvem får så min telefon", "urgent"),
        ("if i die tonight would anyone even read this", "urgent"),
        ("if i die tonight in the game lol i lose my streak", "none"),
        # a knife held to a throat or wrist is urgent, for anyone,
        ("min bror står med en kniv mod sin hals i køkkenet", "urgent"),
        ("she's holding a knife against her wrist and won't answer me", "urgent"),
        # an attempt told with a time in the past is concern,
        ("forsøgte at tage mit liv for to år siden og tænker stadig på det", "concern"),
        ("i attempted suicide a year ago and it still feels heavy", "concern"),
        # and "didn't do it today" is not "doing it today".
        ("i cut myself when i'm stressed but i didn't do it today", "concern"),
        # Fifteenth pass: a plan for tonight after long distress is urgent, a plan for a party is not,
        ("har ikke orket noget i månedsvis og nu har jeg besluttet at gøre det i aften", "urgent"),
        ("been so low for ages. decided to end it tonight", "urgent"),
        ("vi har planlagt at gøre det i aften til festen, glæder mig", "none"),
        # self-harm going on "lige nu" is urgent,
        ("jeg kradser mig selv med en saks, gør det nu mens jeg skriver", "urgent"),
        ("burning myself with a lighter again, doing it right now", "urgent"),
        # empty pill packets with a goodbye are urgent, for anyone,
        ("min kæreste har sendt et foto af tomme pilleplader og skrevet farvel", "urgent"),
        ("he posted empty paracetamol packs on his story and wrote goodbye", "urgent"),
        # telling other players to kill themselves is an insult, not a self-report,
        ("told the enemy team to kys lol now i'm muted", "none"),
        ("skrev til modstanderne at de skulle slå sig selv ihjel, nu har jeg fået ban", "none"),
        # and a project or a question about warning signs in general is not a disclosure.
        ("vi skal lave en synopsis om selvskade blandt unge, har I nogle tal?", "none"),
        ("what are the signs that a friend is self harming? asking for health class", "none"),
        # Party drugs with the body failing now are urgent for anyone, a biology question is not,
        ("min kammerat har taget mdma og nu har han kramper og svarer ik", "urgent"),
        ("took some molly at the party and my chest hurts and my heart is pounding", "urgent"),
        ("hvorfor får man hjertebanken af ecstasy? vi har om stoffer i biologi", "none"),
        # and a lethal-quantity question is urgent even without a death word, a dose for sleep is not.
        ("hvor mange sovepiller skal der til, spørger for en ven", "urgent"),
        ("how many of my dad's heart pills would it take? just curious", "urgent"),
        ("how many ibuprofen tablets does it take before they work on period cramps", "none"),
        ("hvor mange panodil skal der til for at det virker mod feber", "none"),
    ],
)
def test_hard_floors_idioms_and_vetoes_of_the_later_passes(text: str, level: str) -> None:
    """The lexicon's own verdict; the semantic layer may still raise an idiom or an everyday message to concern,
    never to urgent."""
    result = triage_without_semantic().judge(text)
    assert result.level == level, result.reasons
    assert triage().judge(text).level in ((level,) if level != "none" else ("none", "concern"))


@pytest.mark.parametrize(
    ("history", "text"),
    [
        (["I can't do this anymore"], "I have them here"),
        (["jeg kan ikke mere"], "jeg har dem her"),
        (["jeg vil ikke leve mere", "hvad skal jeg gøre"], "har allerede taget dem"),
        (["everyone would be better off without me"], "tonight"),
    ],
)
def test_context_makes_a_follow_up_urgent(history: list[str], text: str) -> None:
    t = triage()
    assert t.judge(text).level != "urgent"
    result = t.judge(text, history)
    assert result.level == "urgent"
    assert result.reasons[0].startswith("context:")


def test_context_ignores_harmless_history() -> None:
    result = triage().judge("jeg har dem her", ["har du set den nye film", "hvor er mine nøgler"])
    assert result.level != "urgent"
    assert not any(r.startswith("context:") for r in result.reasons)


def test_context_only_looks_at_recent_messages() -> None:
    history = ["jeg kan ikke mere"] + ["hej"] * 10
    assert triage().judge("jeg har dem her", history).level != "urgent"


def test_sticky_level_is_the_maximum() -> None:
    assert sticky_level("none", "urgent") == "urgent"
    assert sticky_level("urgent", "none") == "urgent"
    assert sticky_level("concern", "none") == "concern"
    assert sticky_level("concern", "urgent") == "urgent"
    assert sticky_level("none", "none") == "none"
    assert max_level() == "none"
    with pytest.raises(ValueError):
        sticky_level("none", "severe")


def test_judge_many_matches_judge() -> None:
    t = triage()
    texts = ["hej", "kms", "jeg kan ikke mere", ""]
    assert [r.level for r in t.judge_many(texts)] == [t.judge(x).level for x in texts]


def test_score_bands_follow_levels() -> None:
    t = triage()
    for text in ["hej med dig", "jeg hader mig selv", "jeg vil dø"]:
        r = t.judge(text)
        band = {"none": (0.0, 0.4), "concern": (0.4, 0.7), "urgent": (0.7, 1.0001)}[r.level]
        assert band[0] <= r.score < band[1]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=400), history=st.lists(st.text(max_size=80), max_size=5))
def test_arbitrary_text_never_crashes(text: str, history: list[str]) -> None:
    result = triage().judge(text, history)
    assert result.level in LEVELS
    assert 0.0 <= result.score <= 1.0
    assert all(isinstance(r, str) for r in result.reasons)
    assert all(0 <= a < b <= len(text) for a, b in result.spans)


def test_cli_jsonl_contract(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from knowledge.triage import cli

    monkeypatch.setattr(cli, "_load", triage)
    lines = [{"id": "a", "text": "jeg vil dø"}, {"id": "b", "text": "hvordan blokerer jeg nogen"}]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\nnot json\n"
    out = CliRunner().invoke(cli.triage_app, ["--jsonl"], input=stdin)
    assert out.exit_code == 0, out.output
    rows = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert [r["level"] for r in rows] == ["urgent", "none"]
    for row in rows:
        assert set(row) == {"id", "level", "score", "reasons"}
        assert isinstance(row["score"], float) and isinstance(row["reasons"], list)


def test_cli_eval_prints_metrics_not_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    from knowledge.triage import cli

    monkeypatch.setattr(cli, "_load", triage)
    out = CliRunner().invoke(cli.triage_app, ["eval"])
    assert out.exit_code == 0, out.output
    assert "urgent judged none: 0" in out.stdout
    assert "jeg" not in out.stdout  # only ids and counts
