"""Knowledge questions: topic and article accuracy, by the search itself and by the bot's first reply.

`score_kb_search` runs the knowledge search in this process (`KnowledgeBase`, the code
`action_answer_knowledge` runs, over var/kb). `score_kb_bot` scores what the bot replied through Rasa:
an article of the right topic, or a guided flow of the right topic (a question with the young person's own
situation on one of the six harms starts the flow, issue 17), and for out-of-scope questions no article and
no flow. Aggregates only; no message text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from knowledge.card_eval import FirstTurn, KbQuestion, article_slug

# The topic of each guided flow (knowledge/cards/*.yml).
FLOW_TOPIC = {
    "nude_images": "nude-images",
    "sextortion": "sextortion",
    "hacked_account": "privacy-security",
    "cyberbullying": "cyberbullying",
    "grooming": "grooming",
    "scam": "scams",
}


def _rate(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def score_kb_search(questions: Sequence[KbQuestion]) -> dict[str, Any]:
    from knowledge.search import KnowledgeBase

    kb = KnowledgeBase.load()
    decisions = kb.answer_many([q.text for q in questions], [q.lang for q in questions])
    in_scope = top1 = top3 = oos = oos_declined = answered = 0
    with_articles = article_first = article_answered = 0
    for question, decision in zip(questions, decisions, strict=True):
        hits = list(decision.candidates or decision.hits)
        if question.topic is None:
            oos += 1
            oos_declined += not decision.answered
            continue
        in_scope += 1
        topics = [hit.topic for hit in hits]
        top1 += bool(topics) and topics[0] == question.topic
        top3 += question.topic in topics[:3]
        answered += decision.answered
        if question.articles:
            with_articles += 1
            article_first += bool(hits) and article_slug(hits[0].article_id) in question.articles
            article_answered += decision.article is not None and article_slug(decision.article.id) in question.articles
    return {
        "in_scope": in_scope,
        "top1_topic": _rate(top1, in_scope),
        "top3_topic": _rate(top3, in_scope),
        "in_scope_answered": _rate(answered, in_scope),
        "with_expected_articles": with_articles,
        "right_article_first": _rate(article_first, with_articles),
        "right_article_answered": _rate(article_answered, with_articles),
        "out_of_scope": oos,
        "out_of_scope_declined": _rate(oos_declined, oos),
    }


def score_kb_bot(questions: Sequence[KbQuestion], replies: Sequence[FirstTurn]) -> dict[str, Any]:
    in_scope = right_topic = flows = oos = oos_declined = with_articles = right_article = 0
    for question, reply in zip(questions, replies, strict=True):
        if question.topic is None:
            oos += 1
            oos_declined += reply.reply != "article" and reply.flow is None
            continue
        in_scope += 1
        flows += reply.flow is not None
        topic = FLOW_TOPIC.get(reply.flow or "") or reply.article_topic
        right_topic += topic == question.topic
        if question.articles and reply.article_id:
            with_articles += 1
            right_article += article_slug(reply.article_id) in question.articles
    return {
        "in_scope": in_scope,
        "right_topic_article_or_flow": _rate(right_topic, in_scope),
        "started_a_flow": _rate(flows, in_scope),
        "article_answers_with_expected_articles": with_articles,
        "right_article_of_those": _rate(right_article, with_articles),
        "out_of_scope": oos,
        "out_of_scope_declined": _rate(oos_declined, oos),
    }
