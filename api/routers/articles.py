"""Readable, mobile-friendly article pages at /articles/{id} and an index at /articles."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import HTMLResponse

from api.routers.pages import PAGE_CSP
from api.services.articles import ArticlePage, article_catalogue

router = APIRouter(tags=["articles"], include_in_schema=False)

_STYLE = """
body{font:1.0625rem/1.6 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1f;background:#fdfcf9;margin:0}
main{max-width:40rem;margin:0 auto;padding:1.25rem}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.2rem;margin-top:1.6rem}
a{color:#0b57a4}a:focus{outline:3px solid #f2a900;outline-offset:2px}
.summary{font-size:1.1rem;background:#eef4fb;border-left:4px solid #0b57a4;padding:.75rem 1rem}
.meta{color:#4a4a55;font-size:.9rem}nav{margin-bottom:1rem}li{margin:.3rem 0}
@media (prefers-reduced-motion: reduce){*{transition:none!important;animation:none!important}}
"""
_LABELS = {
    "da": {"index": "Alle artikler", "other": "Read in English", "sources": "Kilder", "reviewed": "Gennemgået"},
    "en": {"index": "All articles", "other": "Læs på dansk", "sources": "Sources", "reviewed": "Reviewed"},
}


def _page(lang: str, title: str, body: str) -> HTMLResponse:
    html = (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Lyt</title><style>{_STYLE}</style></head><body><main>{body}</main></body></html>"
    )
    return HTMLResponse(html, headers={"Content-Security-Policy": PAGE_CSP})


@router.get("/articles")
async def article_index(lang: Annotated[str, Query(pattern="^(da|en)$")] = "da") -> HTMLResponse:
    labels = _LABELS[lang]
    by_topic: dict[str, list[ArticlePage]] = {}
    for article in article_catalogue().values():
        if article.lang == lang:
            by_topic.setdefault(article.topic, []).append(article)
    sections = []
    for topic in sorted(by_topic):
        items = "".join(
            f'<li><a href="{escape(a.url)}">{escape(a.title)}</a></li>'
            for a in sorted(by_topic[topic], key=lambda a: a.title)
        )
        sections.append(f"<h2>{escape(topic.replace('-', ' ').capitalize())}</h2><ul>{items}</ul>")
    other = "en" if lang == "da" else "da"
    nav = f'<nav><a href="/articles?lang={other}">{labels["other"]}</a></nav>'
    return _page(lang, labels["index"], f"{nav}<h1>{labels['index']}</h1>{''.join(sections)}")


@router.get("/articles/{article_id}")
async def article_page(article_id: str) -> HTMLResponse:
    article = article_catalogue().get(article_id)
    if article is None:
        raise HTTPException(404, "no such article")
    labels = _LABELS.get(article.lang, _LABELS["da"])
    nav = f'<nav><a href="/articles?lang={article.lang}">{labels["index"]}</a>'
    if article.translation in article_catalogue():
        nav += f' · <a href="/articles/{escape(article.translation)}">{labels["other"]}</a>'
    nav += "</nav>"
    sources = "".join(
        f'<li><a href="{escape(s)}" rel="noopener noreferrer">{escape(s)}</a></li>' for s in article.sources
    )
    footer = f'<h2>{labels["sources"]}</h2><ul class="meta">{sources}</ul>' if sources else ""
    footer += f'<p class="meta">{labels["reviewed"]}: {escape(article.reviewed)}</p>'
    body = (
        f'{nav}<h1>{escape(article.title)}</h1><p class="summary">{escape(article.summary)}</p>'
        f"{article.body_html}{footer}"
    )
    return _page(article.lang, article.title, body)
