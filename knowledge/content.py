"""Knowledge articles: loading and validation.

An article is `knowledge/articles/<topic>/<slug>.<lang>.md`: YAML front matter between `---` lines, then
exactly three H2 sections (see REQUIRED_SECTIONS). `load_articles()` parses them for search and pages;
`validate()` checks schema, taxonomy, helplines, translations, links and writing rules (the rules live in
knowledge/content_validation.py) and returns every problem as a `ContentError` that prints as
`path:line: message`. Nothing here does I/O at import time.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTICLES_DIR = REPO_ROOT / "knowledge" / "articles"
HELPLINES_FILE = REPO_ROOT / "knowledge" / "helplines.yml"
TAXONOMY_CANDIDATES = (REPO_ROOT / "knowledge" / "taxonomy.yml", REPO_ROOT.parent / "shared" / "taxonomy.yml")
PROJECT_TOPICS = frozenset({"about-lyt"})  # topics of our own, beside the taxonomy's
LANGS = ("da", "en")
REQUIRED_SECTIONS: dict[str, tuple[str, str, str]] = {
    "da": ("Hvad er det?", "Det kan du gøre nu", "Her kan du få hjælp"),
    "en": ("What is it?", "What you can do now", "Where to get help"),
}
FALLBACK_HELPLINE_IDS = frozenset(
    "emergency_112 police_114 akuttelefon_1813 bornetelefonen hort livslinien cyberhus headspace red_barnet_sletdet "
    "foreningen_spiseforstyrrelser_selvskade sex_og_samfund_sexlinien medieraadet_and_sikker_internet_center".split()
)
REQUIRED_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "lang": str,
    "topic": str,
    "title": str,
    "summary": str,
    "translation": str,
    "tags": list,
    "ages": str,
    "helplines": list,
    "sources": list,
    "reviewed": (dt.date, str),
}
MIN_ARTICLES_PER_TOPIC_AND_LANG = 2

_H2_RE = re.compile(r"^##\s+(.+?)\s*#*\s*$")
log = logging.getLogger("lyt.content")


@dataclass(frozen=True)
class ContentError:
    """One problem in a content file, printable as `path:line: message`."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Section:
    title: str
    text: str
    line: int  # 1-based line of the `## ` heading in the file


@dataclass(frozen=True)
class Article:
    id: str
    lang: str
    topic: str
    title: str
    summary: str
    translation: str
    tags: tuple[str, ...]
    ages: str
    helplines: tuple[str, ...]
    sources: tuple[str, ...]
    reviewed: str
    sections: tuple[Section, ...]
    path: Path

    @property
    def slug(self) -> str:
        return self.id.removesuffix(f"-{self.lang}")

    @property
    def url(self) -> str:
        return f"/articles/{self.id}"


@dataclass(frozen=True)
class ParsedFile:
    meta: dict[str, Any]
    meta_lines: dict[str, int]  # front-matter key -> 1-based line
    body_lines: list[str]
    body_start: int  # 1-based line number of body_lines[0]


# ---------------------------------------------------------------- parsing


def parse_file(path: Path) -> tuple[ParsedFile | None, list[ContentError]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return None, [ContentError(path, 1, f"cannot read file: {exc}")]
    if not lines or lines[0].strip() != "---":
        return None, [ContentError(path, 1, "missing front matter: the file must start with a '---' line")]
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return None, [ContentError(path, 1, "front matter is not closed with a '---' line")]
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        return None, [ContentError(path, line, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}")]
    if not isinstance(meta, dict):
        return None, [ContentError(path, 2, "front matter must be a mapping of fields")]
    meta_lines: dict[str, int] = {}
    for number, raw in enumerate(lines[1:end], start=2):
        key = raw.split(":", 1)[0].strip()
        if raw[:1].isalpha() and ":" in raw and key not in meta_lines:
            meta_lines[key] = number
    return ParsedFile(meta, meta_lines, lines[end + 1 :], end + 2), []


def split_sections(parsed: ParsedFile) -> tuple[list[Section], list[tuple[int, str]]]:
    """H2 sections of the body, plus (line, text) of any non-blank text before the first heading."""
    sections: list[Section] = []
    preamble: list[tuple[int, str]] = []
    title: str | None = None
    start = 0
    buffer: list[str] = []
    for offset, raw in enumerate(parsed.body_lines):
        match = _H2_RE.match(raw)
        if match and not raw.startswith("###"):
            if title is not None:
                sections.append(Section(title, "\n".join(buffer).strip(), start))
            title, start, buffer = match.group(1), parsed.body_start + offset, []
        elif title is None:
            if raw.strip():
                preamble.append((parsed.body_start + offset, raw))
        else:
            buffer.append(raw)
    if title is not None:
        sections.append(Section(title, "\n".join(buffer).strip(), start))
    return sections, preamble


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, list | tuple) else ()


def _article(path: Path, parsed: ParsedFile, sections: Sequence[Section]) -> Article:
    meta = parsed.meta
    return Article(
        id=str(meta.get("id", "")),
        lang=str(meta.get("lang", "")),
        topic=str(meta.get("topic", "")),
        title=str(meta.get("title", "")).strip(),
        summary=" ".join(str(meta.get("summary", "")).split()),
        translation=str(meta.get("translation", "")),
        tags=_strings(meta.get("tags")),
        ages=str(meta.get("ages", "")),
        helplines=_strings(meta.get("helplines")),
        sources=_strings(meta.get("sources")),
        reviewed=str(meta.get("reviewed", "")),
        sections=tuple(sections),
        path=path,
    )


def article_files(directory: Path = ARTICLES_DIR) -> list[Path]:
    return sorted(directory.rglob("*.md")) if directory.is_dir() else []


def load_article(path: Path) -> Article:
    """Parse one article; raises ValueError when the file has no readable front matter."""
    parsed, errors = parse_file(path)
    if parsed is None:
        raise ValueError(str(errors[0]))
    return _article(path, parsed, split_sections(parsed)[0])


def load_articles(directory: Path = ARTICLES_DIR) -> list[Article]:
    """Every parseable article under `directory`, sorted by path. Unreadable files are logged and skipped."""
    articles: list[Article] = []
    for path in article_files(directory):
        try:
            articles.append(load_article(path))
        except ValueError as exc:
            log.warning("skipping article: %s", exc)
    return articles


# ---------------------------------------------------------------- reference data


def taxonomy_path() -> Path:
    for candidate in TAXONOMY_CANDIDATES:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("taxonomy.yml not found in: " + ", ".join(str(c) for c in TAXONOMY_CANDIDATES))


def load_topics(path: Path | None = None) -> dict[str, dict[str, str]]:
    """Taxonomy topics, id -> {"da": label, "en": label}, plus the project's own topics."""
    raw = yaml.safe_load((path or taxonomy_path()).read_text(encoding="utf-8")) or {}
    topics = {str(k): {"da": str(v.get("da", k)), "en": str(v.get("en", k))} for k, v in raw.get("topics", {}).items()}
    topics.setdefault("about-lyt", {"da": "Om Lyt", "en": "About Lyt"})
    return topics


def load_helpline_ids(path: Path = HELPLINES_FILE) -> frozenset[str]:
    if not path.is_file():
        return FALLBACK_HELPLINE_IDS
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = raw.get("helplines") or raw.get("services") or []
    return frozenset(str(entry["id"]) for entry in entries if isinstance(entry, dict) and "id" in entry)


def validate(
    directory: Path = ARTICLES_DIR,
    taxonomy: Path | None = None,
    helplines_file: Path = HELPLINES_FILE,
    min_per_topic: int = MIN_ARTICLES_PER_TOPIC_AND_LANG,
) -> list[ContentError]:
    """Every problem in the articles under `directory`; an empty list means the content is valid.
    The rules live in knowledge/content_validation.py."""
    from knowledge.content_validation import validate_articles

    return validate_articles(directory, taxonomy, helplines_file, min_per_topic)
