"""Route a knowledge question into a guided flow when it tells the young person's own situation (issue 17).

Rasa's NLU sends openings it reads as a harm (`card_*` intents) straight to the flow's form. What it reads
as a knowledge question (`ask_knowledge`, or `nlu_fallback` when unsure) reaches `action_answer_knowledge`,
which asks `flow_for` here with the search's decision: when the best article is one about being in one of
the six situations (`SITUATION_ARTICLES`) and the message speaks of the writer's own case ("min snap er
blevet hacket", not "hvad er sextortion", not "min veninde ..."), the action starts that flow instead of
answering with the article. A general or definitional question, or one about a friend, keeps the article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Article slug -> flow (knowledge/card_answers.FLOW_SLOTS): articles about being in the situation now.
SITUATION_ARTICLES = {
    "nude-shared-without-consent": "nude_images",
    "nude-image-removal": "nude_images",
    "deepfake-nudes": "nude_images",
    "sextortion-dont-pay": "sextortion",
    "sextortion-already-paid": "sextortion",
    "sextortion-not-your-fault": "sextortion",
    "hacked-account": "hacked_account",
    "someone-logged-into-my-profile": "hacked_account",
    "cyberbullying-what-to-do": "cyberbullying",
    "cyberbullying-group-chat": "cyberbullying",
    "cyberbullying-save-evidence": "cyberbullying",
    "cyberbullying-tell-an-adult": "cyberbullying",
    "fake-profile-or-meme-about-me": "cyberbullying",
    "grooming-warning-signs": "grooming",
    "grooming-wants-to-meet": "grooming",
    "grooming-sent-pictures": "grooming",
    "scammed-out-of-money-or-mitid": "scam",
    "fake-webshops": "scam",
    "phishing-messages": "scam",
    "fake-profiles-and-free-offers": "scam",
}
_I = re.IGNORECASE
# Someone else is the one it happens to ("min veninde har fået ...", "my friend is being ...").
OTHER_PERSON = re.compile(
    r"\b(?:min|mit|mine|en|ens|my|a|our)\s+(?:bedste\s+|best\s+)?(?:ven(?:inde)?(?:r|ner)?|kammerat\w*|søster|bror|"
    r"lillesøster|lillebror|storesøster|storebror|kusine|fætter|klassekammerat\w*|datter|søn|friends?|bff|"
    r"sister|brother|cousin|classmates?|daughter|son|mate)\b|\b(?:hun|han|she|he)\s+(?:kan|skal|should|can)\b",
    _I,
)
FIRST_PERSON = re.compile(r"\b(jeg|mig|min|mit|mine|i|me|my|mine|im|i'm|i've|ive|i'd|myself|mig selv)\b", _I)
# General and definitional questions: what something is, what the law says, how one does something.
GENERAL = re.compile(
    r"^\W*(?:hvad\s+(?:er|betyder|siger|sker|gør\s+man|kan\s+man|skal\s+man)|hvordan\s+(?:\w+\s+){0,2}man|"
    r"er\s+det\s+(?:ulovligt|lovligt|strafbart|normalt|farligt|okay|ok)|kan\s+man|må\s+man|hvorfor|hvornår|"
    r"hvilke|tips|hvordan\s+(?:kan|ved)\s+jeg\s+(?:se|vide|kende|tjekke)|"
    r"what\s+(?:is|are|does|do\s+you|should\s+you|can\s+you)|what's|how\s+(?:do|can|does|should)\s+(?:you|one|people|"
    r"someone)|how\s+(?:can|do)\s+i\s+(?:tell|know|check|spot)|is\s+it\s+(?:illegal|legal|normal|safe|ok|okay|a\s+crime)|can\s+you|why|signs?\s+of)\b",
    _I,
)


def article_slug(article_id: str) -> str:
    head, _, tail = article_id.rpartition("-")
    return head if tail in ("da", "en") and head else article_id


def is_own_situation(text: str) -> bool:
    """The message tells the writer's own case (first person, not a general question, not about a friend)."""
    text = " ".join((text or "").split())
    if not text or GENERAL.search(text):
        return False
    without_others = OTHER_PERSON.sub(" ", text)
    return bool(FIRST_PERSON.search(without_others))


def flow_for(text: str, kind: str, article_ids: Sequence[str]) -> str | None:
    """The flow to start instead of answering, or None. `kind`: the search's decision (answer, clarify,
    decline); `article_ids`: its hits, best first (the best article of each of the best topics)."""
    if kind not in ("answer", "clarify") or not article_ids:
        return None
    flow = SITUATION_ARTICLES.get(article_slug(article_ids[0]))
    if flow is None or not is_own_situation(text):
        return None
    return flow
