"""Read-only article catalogue for the gateway's pages and the waiting-room suggestions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import frontmatter

ARTICLES_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "articles"


@cache
def _markdown() -> Any:
    """The Markdown renderer, built on first use (the gateway needs it only for article pages)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False})  # raw HTML in content is never rendered


@dataclass(frozen=True)
class ArticlePage:
    id: str
    lang: str
    topic: str
    title: str
    summary: str
    translation: str
    body_html: str
    sources: tuple[str, ...]
    reviewed: str

    @property
    def url(self) -> str:
        return f"/articles/{self.id}"


@lru_cache(maxsize=1)
def article_catalogue(directory: Path = ARTICLES_DIR) -> dict[str, ArticlePage]:
    pages: dict[str, ArticlePage] = {}
    for path in sorted(directory.rglob("*.md")):
        post = frontmatter.load(str(path))
        meta = post.metadata
        pages[str(meta["id"])] = ArticlePage(
            id=str(meta["id"]),
            lang=str(meta["lang"]),
            topic=str(meta["topic"]),
            title=str(meta["title"]),
            summary=str(meta.get("summary", "")),
            translation=str(meta.get("translation", "")),
            body_html=_markdown().render(post.content),
            sources=tuple(str(s) for s in _as_list(meta.get("sources"))),
            reviewed=str(meta.get("reviewed", "")),
        )
    return pages


def articles_for_topic(topic: str, lang: str, limit: int = 2) -> list[ArticlePage]:
    return [a for a in article_catalogue().values() if a.topic == topic and a.lang == lang][:limit]


def _as_list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []
