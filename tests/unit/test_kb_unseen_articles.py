"""Knowledge search on kb_holdout6 (issue 17, "Answers on the way in"): right topic and right article first.

kb_holdout6.jsonl (90 questions: 78 in scope, each with its acceptable articles, 12 out of scope; 60 Danish) was
written on 2026-12-02 by a helper who read only `taxonomy.yml` and the list of our articles (topic, id, title,
summary), never this repository's examples, tags or earlier sets, and was measured once (docs/KNOWLEDGE.md,
"Unseen measurement 2"). Floors sit at least two questions below the measured figures (AVX2 path).
"""

from __future__ import annotations

from knowledge.card_eval import kb_question, read_lines
from knowledge.card_kb_eval import score_kb_search
from knowledge.content import REPO_ROOT, article_files

HOLDOUT6 = REPO_ROOT / "tests" / "data" / "kb_holdout6.jsonl"


def test_every_expected_article_exists() -> None:
    slugs = {path.name.split(".")[0] for path in article_files()}
    questions = [kb_question(raw) for raw in read_lines(HOLDOUT6)]
    assert len(questions) == 90
    assert {a for q in questions for a in q.articles} <= slugs
    assert all(q.articles for q in questions if q.topic is not None)


def test_unseen_questions_find_the_right_topic_and_article() -> None:
    figures = score_kb_search([kb_question(raw) for raw in read_lines(HOLDOUT6)])
    # Measured once, 2026-12-02 17:20: top-1 0.987 (77/78), top-3 1.000, right article first 0.936 (73/78),
    # out-of-scope declined 1.000 (12/12).
    assert figures["in_scope"] == 78 and figures["out_of_scope"] == 12
    assert figures["top1_topic"] >= 0.96, figures
    assert figures["top3_topic"] >= 0.97, figures
    assert figures["right_article_first"] >= 0.91, figures
    assert figures["out_of_scope_declined"] >= 0.83, figures
