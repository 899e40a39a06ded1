"""The direct safety question: ask when unsure, as counsellors do (docs/TRIAGE.md, "The direct safety question").

When triage leaves a message at `concern` with a self-harm, death-wish or danger signal, or close to the urgent
threshold, the bot asks one short, direct question once per conversation: "are you thinking about ending your
life?" (self-harm, death wish) or "are you in danger right now?" (violence, someone hurting them, or near
urgent with words of neither kind). Both are
worded so that "yes" always means risk. The wording follows the opening questions of the Columbia protocol's
screen version (wish to be dead, thoughts of ending one's life), in our own words.

Rasa converses (the form `safety_check_form`, bot/domain/safety.yml), the gateway decides: "yes", "I don't
know", or an answer triage judges urgent makes the conversation urgent at once (the safety message and band 0,
the path an urgent message takes); "no" continues warmly and the level stays at least `concern`. With Rasa
down the gateway asks the same question (api/copy.py) and reads the answer with `answer_of_text`.

State: `lyt:conv:{cid}:safety` (api/redis_keys.py), "pending:{kind}:{asker}" while the answer is awaited, then
"answered:{answer}". Any value means "asked already": the question is asked at most once per conversation.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from api import redis_keys
from api.copy import text as copy
from api.services.events import Event, bot_event, system_event
from api.services.rasa_client import RasaUnavailable

Kind = Literal["suicide", "danger"]
Answer = Literal["yes", "no", "unsure", "other"]

# A concern this close to urgent is asked about. Triage's own mark first: the semantic layer's calibrated
# p(urgent) reached its near-urgent bar (`near_urgent`; the lowest bar asking at most 4% of everyday rows out of
# fold, knowledge/risk/encoder/semantic-calibration.json). Then the n-gram classifier (and, for verdicts without
# the mark, the score).
NEAR_URGENT_SCORE = 0.65  # the concern band is [0.4, 0.7)
NEAR_URGENT_P = 0.35  # p_urgent of the n-gram classifier, read from its reason

# Words of a death wish or self-harm (Danish and English), in the raw message or the reasons triage gives.
_SUICIDE = re.compile(
    r"selvmord|suicid|dø\b|død|dø+d|ikke (?:lyst til at )?(?:være|leve) her|ikke leve|forsvinde|slut på det hele|"
    r"skær(?:e|er)? i mig|cutt|skade mig selv|gøre mig selv (?:noget|fortræd)|\bcut(?:ting)? myself|hurt(?:ing)? myself|"
    r"self.?harm|selvskad|kill myself|end (?:it|my life)|\bdie\b|\bdead\b|disappear|not (?:be )?(?:here|around)|"
    r"wake up|no point|ingen mening|orker ikke (?:mere|livet)|give up on (?:life|everything)|opgive livet",
    re.IGNORECASE,
)
# Words of danger from others: violence, abuse, threats.
_DANGER = re.compile(
    r"slår|slog|sparker|tæsk|vold|truer|trusler|bange for|misbrug|voldtæg|overgreb|kniv|våben|"
    r"\bhits?\b|\bhit me\b|beat(?:s|ing)? me|hurts? me|violen|threat|abus|\brape|scared of|afraid of|knife|weapon|"
    r"kick(?:s|ed)? me|choke",
    re.IGNORECASE,
)
_P_URGENT = re.compile(r"classifier: [a-z]+ \(p_urgent=([0-9.]+)")


@dataclass(frozen=True)
class Asked:
    """What Redis says about the question in one conversation."""

    pending: bool
    kind: Kind = "suicide"
    asker: str = "rasa"  # "rasa" (the form is active) or "gateway" (Rasa was down)


def kind_to_ask(
    verdict: Any, raw_text: str, conv_level: str, asked: Asked | None, answering_card: bool = False
) -> Kind | None:
    """The question to ask after this verdict, or None. Never twice, never once urgent. A message that answers a
    card's question ("ja de har ændret min mail") is asked about on signal words only, not on nearness alone:
    short answers sit next to short urgent examples in the tuned space, and the card flow has its own floors."""
    if asked is not None or conv_level == "urgent" or verdict.level == "urgent":
        return None
    # The semantic layer's reasons name the closest curated example's kind ("close to a plan with a time of day"):
    # words of a kind are not the young person's, so only the lexicon's and the classifier's reasons are read.
    reasons = " ".join(str(r) for r in (getattr(verdict, "reasons", None) or []) if not str(r).startswith("semantic:"))
    flag = getattr(verdict, "ask_safety_question", None)  # set by triage itself once it knows
    words = reasons + " " + raw_text
    if flag is None:
        flag = verdict.level == "concern" and (
            _signal(words) or (not answering_card and _near_urgent(verdict, reasons))
        )
    if not flag:
        return None
    if _DANGER.search(words) and not _SUICIDE.search(raw_text):
        return "danger"
    # Words of a death wish or self-harm: the suicide question. Near urgent with words of neither kind (a meeting
    # with an adult "i morgen", a veiled goodbye): the general "are you in danger right now?", where "yes" and
    # "I don't know" make the conversation urgent as well.
    return "suicide" if _SUICIDE.search(words) else "danger"


def _signal(text: str) -> bool:
    return bool(_SUICIDE.search(text) or _DANGER.search(text))


def _near_urgent(verdict: Any, reasons: str) -> bool:
    p_urgent = max((float(p) for p in _P_URGENT.findall(reasons) if _is_number(p)), default=0.0)
    marked = getattr(verdict, "near_urgent", None)
    if marked is not None:  # triage's own mark (calibrated, URGENT_MIN_WORDS or more) replaces the score's guess
        return bool(marked) or p_urgent >= NEAR_URGENT_P
    return float(getattr(verdict, "score", 0.0)) >= NEAR_URGENT_SCORE or p_urgent >= NEAR_URGENT_P


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


async def read(redis: Redis, cid: str) -> Asked | None:
    raw = await redis.get(redis_keys.safety_question(cid))
    if raw is None:
        return None
    value = raw.decode() if isinstance(raw, bytes) else str(raw)
    parts = value.split(":")
    if parts[0] != "pending" or len(parts) < 3:
        return Asked(pending=False)
    kind: Kind = "danger" if parts[1] == "danger" else "suicide"
    return Asked(pending=True, kind=kind, asker=parts[2])


def remember(cid: str, value: str, ttl: int) -> Callable[[Pipeline], object]:
    """A write for the caller's final pipeline: "pending:{kind}:{asker}" or "answered:{answer}"."""
    return lambda pipe: pipe.set(redis_keys.safety_question(cid), value, ex=ttl)


async def ask(
    rasa: Any, cid: str, kind: Kind, lang: str, rasa_call: asyncio.Task[Any] | None
) -> tuple[list[Event], str]:
    """Ask the question: through the Rasa form, or by the gateway when Rasa is down. Returns the events and
    who asked ("rasa" or "gateway"). The bot's answer to the message itself is not shown (asked first)."""
    try:
        if rasa_call is not None:
            await rasa_call  # the message is in Rasa's tracker before the form starts
        responses = await rasa.send(cid, '/ask_safety_question{"kind": "' + kind + '"}')
    except RasaUnavailable:
        return [question_event(kind, lang)], "gateway"
    events = [bot_event(str(r.get("text") or ""), _buttons(r)) for r in responses if r.get("text")]
    return (events, "rasa") if events else ([question_event(kind, lang)], "gateway")


def question_event(kind: Kind, lang: str) -> Event:
    """The question as the gateway asks it (the same words as bot/domain/safety.yml)."""
    return bot_event(copy(f"safety_question_{kind}", lang), answer_buttons(lang))


def answer_buttons(lang: str) -> list[dict[str, str]]:
    return [
        {"title": copy("safety_answer_yes", lang), "payload": copy("safety_answer_yes", lang).lower()},
        {"title": copy("safety_answer_no", lang), "payload": copy("safety_answer_no", lang).lower()},
        {"title": copy("safety_answer_unsure", lang), "payload": copy("safety_answer_unsure", lang).lower()},
    ]


def _buttons(response: dict[str, Any]) -> list[dict[str, str]]:
    raw = response.get("buttons")
    if not isinstance(raw, list):
        return []
    return [
        {"title": str(b["title"]), "payload": str(b["payload"])} for b in raw if isinstance(b, dict) and "title" in b
    ]


async def answer(command: str, rasa_call: asyncio.Task[Any] | None) -> Answer:
    """The answer to a pending question: the gateway's own reading of the words first, then the form's."""
    own = answer_of_text(command)
    if own in ("yes", "unsure"):
        return own  # urgent: never wait for Rasa (the caller drops its call, as for an urgent message)
    if own is not None:
        if rasa_call is not None:
            await _quietly(rasa_call)  # the form closes in Rasa all the same
        return own
    if rasa_call is None:
        return "other"
    for response in await _quietly(rasa_call):
        custom = response.get("custom")
        if isinstance(custom, dict) and custom.get("lyt") == "safety_answer":
            return _FORM_ANSWERS.get(str(custom.get("answer", "")), "other")
    return "other"


_FORM_ANSWERS: dict[str, Answer] = {"yes": "yes", "no": "no", "unsure": "unsure"}


async def _quietly(call: asyncio.Task[Any]) -> list[dict[str, Any]]:
    try:
        result = await call
    except RasaUnavailable:
        return []
    return [r for r in result if isinstance(r, dict)] if isinstance(result, list) else []


_WORD = re.compile(r"[a-zæøå']+")
_UNSURE = re.compile(
    r"\bved (?:det |jeg )?ikk?e?\b|\baner (?:det )?ikke\b|\bm(?:å|aa)+ske\b|\btja\b|\bi tvivl\b|\bikke (?:helt )?sikker\b|"
    r"\bsvært at (?:sige|svare)\b|\bnogle gange\b|\bnogen gange\b|\blidt\b|\bidk\b|\bdon'?t know\b|\bdunno\b|\bno idea\b|"
    r"\bnot (?:really |totally |entirely )?sure\b|\bmaybe\b|\bperhaps\b|\bpossibly\b|\bkinda\b|\bkind of\b|\bsort of\b|"
    r"\bsometimes\b|\ba (?:little|bit)\b|\bhard to say\b|\bi guess\b",
)
_YES = frozenset("ja jaa jah jo joo jep jeps jepper jup yes yess yeah yea ye yep yup ya y yah".split())
_NO = frozenset("nej nejj neej næh nix nope no nah nay n nææ nä".split())
_NO_PHRASES = re.compile(r"^(?:slet ikke|overhovedet ikke|ikke rigtig|not at all|not really|absolutely not|never)\b")


def answer_of_text(text: str) -> Answer | None:
    """Yes, no or unsure in Danish or English, typed or a button; None when the words say neither."""
    lowered = " ".join(text.lower().replace("’", "'").split())
    if not lowered or lowered.startswith("/"):
        return None
    if _UNSURE.search(lowered):
        return "unsure"
    words = _WORD.findall(lowered)
    if not words:
        return None
    if words[0] in _YES:
        return "yes"
    if words[0] in _NO or _NO_PHRASES.match(" ".join(words)):
        return "no"
    return None


def continue_events(answer: Answer, lang: str) -> list[Event]:
    """After "no" (or an answer that says neither): a warm reply and a counsellor with priority."""
    key = "safety_reply_no" if answer == "no" else "safety_reply_other"
    return [system_event(copy(key, lang), [{"title": copy("talk_to_person", lang), "payload": "/ask_human"}])]


def log_urgent(cid: str, answer: Answer, ttl: int) -> Callable[[Pipeline], object]:
    """The triage log entry for counsellors: the conversation turned urgent on the answer."""
    entry = json.dumps({"level": "urgent", "score": 1.0, "reasons": [f"safety question: answered {answer}"]})
    return lambda pipe: pipe.rpush(redis_keys.triage_log(cid), entry).expire(redis_keys.triage_log(cid), ttl)
