"""Knowledge search: answer a young person's question from the curated articles.

    from knowledge.search import KnowledgeBase
    kb = KnowledgeBase.load()          # loads (or builds) the index under var/kb/
    decision = kb.answer("min snap er blevet hacket", "da")

Importing this package does no I/O and loads no model; the names below are imported on first use, so
`lyt` sub-commands that only mount `knowledge.search.cli` do not pay for numpy or scikit-learn.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from knowledge.search.embedding import Embedder, make_embedder
    from knowledge.search.knowledge_base import Decision, Hit, KnowledgeBase
    from knowledge.search.scoring import SearchConfig

_EXPORTS = {
    "Decision": "knowledge.search.knowledge_base",
    "Hit": "knowledge.search.knowledge_base",
    "KnowledgeBase": "knowledge.search.knowledge_base",
    "Embedder": "knowledge.search.embedding",
    "make_embedder": "knowledge.search.embedding",
    "SearchConfig": "knowledge.search.scoring",
}
__all__ = ["Decision", "Embedder", "Hit", "KnowledgeBase", "SearchConfig", "make_embedder"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'knowledge.search' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
