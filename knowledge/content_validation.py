"""Validation rules for knowledge articles (used by `knowledge.content.validate` and `lyt kb validate`).

Checks: front-matter schema and types, file name / id / lang / folder agreement, taxonomy topics (plus
project topics such as about-lyt), helpline ids, http(s) sources, ages, reviewed date, summary of at
most two sentences, exactly the three required sections in order and none empty, no phone numbers in
the body except 112, translation pairs (exist, point back, other language, same slug and topic), dead
/articles/<id> links, duplicate ids, and coverage (articles per topic and language).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from knowledge.content import (
    ARTICLES_DIR,
    HELPLINES_FILE,
    LANGS,
    MIN_ARTICLES_PER_TOPIC_AND_LANG,
    PROJECT_TOPICS,
    REQUIRED_FIELDS,
    REQUIRED_SECTIONS,
    ContentError,
    ParsedFile,
    article_files,
    load_helpline_ids,
    load_topics,
    parse_file,
    split_sections,
)

_FILENAME_RE = re.compile(r"^(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[a-z]{2})\.md$")
_AGES_RE = re.compile(r"^(\d{1,2})-(\d{1,2})$")
_INTERNAL_LINK_RE = re.compile(r"/articles/([A-Za-z0-9_-]+)")
_PHONE_RE = re.compile(
    r"(?<![\d-])(?:\+45[\s-]?)?(?:\d{2}[\s-]?){3}\d{2}(?![\d-])|(?<!\d)116[\s-]?\d{3}(?!\d)|\+\d{6,}"
)
_ABBREVIATIONS = ("f.eks.", "bl.a.", "e.g.", "i.e.", "osv.", "dvs.", "evt.", "ca.", "mv.", "fx.", "nr.", "kl.", "etc.")
_SENTENCE_END_RE = re.compile(r"[.!?…]+[\"'”’)]*(?=\s+\S|\s*$)")


# ---------------------------------------------------------------- writing rules


def count_sentences(text: str) -> int:
    cleaned = " ".join(text.split())
    for abbreviation in _ABBREVIATIONS:
        cleaned = re.sub(re.escape(abbreviation), abbreviation.replace(".", ""), cleaned, flags=re.IGNORECASE)
    return len(_SENTENCE_END_RE.findall(cleaned)) + (0 if re.search(r"[.!?…][\"'”’)]*\s*$", cleaned) else 1)


def phone_numbers(text: str) -> list[str]:
    """Phone-number-like strings in `text` (112 is allowed, ISO dates are not numbers)."""
    without_dates = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", " ", text)
    return [m.group(0).strip() for m in _PHONE_RE.finditer(without_dates)]


def _short_numbers(helplines_file: Path) -> list[str]:
    """Helpline numbers shorter than 8 digits from the data (114, 1813, ...), never 112."""
    if not helplines_file.is_file():
        return ["114", "1813"]
    raw = yaml.safe_load(helplines_file.read_text(encoding="utf-8")) or {}
    numbers = {re.sub(r"\D", "", str(e.get("phone") or "")) for e in raw.get("helplines") or raw.get("services") or []}
    return sorted(n for n in numbers if 3 <= len(n) < 8 and n != "112")


# ---------------------------------------------------------------- validation


def _check_file(path: Path, parsed: ParsedFile, topics: Iterable[str], helplines: frozenset[str]) -> list[ContentError]:
    meta, errors = parsed.meta, []

    def err(key: str, message: str) -> None:
        errors.append(ContentError(path, parsed.meta_lines.get(key, 1), message))

    for key, kind in REQUIRED_FIELDS.items():
        if key not in meta or meta[key] is None:
            err(key, f"missing required field '{key}'")
        elif not isinstance(meta[key], kind) or (kind is str and not str(meta[key]).strip()):
            err(key, f"field '{key}' must be a non-empty {getattr(kind, '__name__', 'date')}")
    for key in ("tags", "helplines", "sources"):
        if isinstance(meta.get(key), list) and not all(isinstance(item, str) and item.strip() for item in meta[key]):
            err(key, f"'{key}' must be a list of non-empty strings")
    match = _FILENAME_RE.match(path.name)
    lang = meta.get("lang")
    if match is None:
        errors.append(ContentError(path, 1, "file name must be <slug>.<lang>.md (lowercase, dashes)"))
    elif isinstance(lang, str):
        if lang not in LANGS:
            err("lang", f"lang '{lang}' must be one of {', '.join(LANGS)}")
        if match.group("lang") != lang:
            err("lang", f"lang '{lang}' does not match the file name suffix '.{match.group('lang')}.md'")
        if meta.get("id") != f"{match.group('slug')}-{lang}":
            err("id", f"id '{meta.get('id')}' must be '{match.group('slug')}-{lang}' (file name + lang)")
    topic = meta.get("topic")
    if isinstance(topic, str):
        if topic not in set(topics):
            err("topic", f"unknown topic '{topic}' (not in taxonomy.yml)")
        elif path.parent.name != topic:
            err("topic", f"topic '{topic}' does not match the folder '{path.parent.name}'")
    for helpline in meta.get("helplines") or []:
        if isinstance(helpline, str) and helpline not in helplines:
            err("helplines", f"unknown helpline id '{helpline}' (not in helplines.yml)")
    for source in meta.get("sources") or []:
        if isinstance(source, str) and not source.startswith(("https://", "http://")):
            err("sources", f"source '{source}' must be an http(s) URL")
    ages = _AGES_RE.match(str(meta.get("ages", "")))
    if "ages" in meta and not (ages and 10 <= int(ages.group(1)) <= int(ages.group(2)) <= 24):
        err("ages", f"ages '{meta.get('ages')}' must look like '13-18', within 10-24")
    reviewed = meta.get("reviewed")
    if isinstance(reviewed, str):
        try:
            dt.date.fromisoformat(reviewed)
        except ValueError:
            err("reviewed", f"reviewed '{reviewed}' must be a date (YYYY-MM-DD)")
    summary = meta.get("summary")
    if isinstance(summary, str) and count_sentences(summary) > 2:
        err("summary", f"summary has {count_sentences(summary)} sentences; at most 2")
    errors += _check_body(path, parsed, lang if lang in LANGS else None)
    return errors


def _check_body(path: Path, parsed: ParsedFile, lang: str | None) -> list[ContentError]:
    errors: list[ContentError] = []
    sections, preamble = split_sections(parsed)
    for line, _ in preamble[:1]:
        errors.append(ContentError(path, line, "text before the first '## ' section"))
    if lang is not None:
        expected = REQUIRED_SECTIONS[lang]
        found = tuple(section.title for section in sections)
        if found != expected:
            line = sections[0].line if sections else parsed.body_start
            errors.append(
                ContentError(
                    path, line, f"sections must be exactly {list(expected)} in this order; found {list(found)}"
                )
            )
    for section in sections:
        if not section.text:
            errors.append(ContentError(path, section.line, f"section '{section.title}' is empty"))
    short_numbers = _short_numbers(HELPLINES_FILE)
    for offset, raw in enumerate(parsed.body_lines):
        found_numbers = phone_numbers(raw) + [n for n in short_numbers if re.search(rf"(?<![\d§.,]){n}(?!\d)", raw)]
        for number in found_numbers:
            errors.append(
                ContentError(
                    path, parsed.body_start + offset, f"phone number '{number}' in body; name the helpline instead"
                )
            )
    return errors


def _check_links_and_pairs(articles: dict[str, tuple[Path, ParsedFile]]) -> list[ContentError]:
    errors: list[ContentError] = []
    for article_id, (path, parsed) in articles.items():
        line_of = parsed.meta_lines.get("translation", 1)
        translation = parsed.meta.get("translation")
        lang = parsed.meta.get("lang")
        if isinstance(translation, str) and translation:
            other = articles.get(translation)
            if other is None:
                errors.append(ContentError(path, line_of, f"translation '{translation}' does not exist"))
            else:
                if other[1].meta.get("translation") != article_id:
                    errors.append(
                        ContentError(
                            path, line_of, f"translation '{translation}' does not point back to '{article_id}'"
                        )
                    )
                if other[1].meta.get("lang") == lang:
                    errors.append(
                        ContentError(path, line_of, f"translation '{translation}' has the same lang '{lang}'")
                    )
                if isinstance(lang, str) and translation.removesuffix(
                    f"-{other[1].meta.get('lang')}"
                ) != article_id.removesuffix(f"-{lang}"):
                    errors.append(
                        ContentError(
                            path, line_of, f"translation '{translation}' must have the same slug as '{article_id}'"
                        )
                    )
                if other[1].meta.get("topic") != parsed.meta.get("topic"):
                    errors.append(ContentError(path, line_of, f"translation '{translation}' has a different topic"))
        for offset, raw in enumerate(parsed.body_lines):
            for target in _INTERNAL_LINK_RE.findall(raw):
                if target not in articles:
                    errors.append(ContentError(path, parsed.body_start + offset, f"dead link /articles/{target}"))
    return errors


def _check_coverage(
    directory: Path, per_topic: dict[tuple[str, str], int], topics: Iterable[str], minimum: int
) -> list[ContentError]:
    return [
        ContentError(
            directory / topic,
            0,
            f"topic '{topic}' has {per_topic.get((topic, lang), 0)} '{lang}' articles; at least {minimum} needed",
        )
        for topic in topics
        for lang in LANGS
        if per_topic.get((topic, lang), 0) < minimum
    ]


def validate_articles(
    directory: Path = ARTICLES_DIR,
    taxonomy: Path | None = None,
    helplines_file: Path = HELPLINES_FILE,
    min_per_topic: int = MIN_ARTICLES_PER_TOPIC_AND_LANG,
) -> list[ContentError]:
    """Every problem in the articles under `directory`; an empty list means the content is valid."""
    topics = load_topics(taxonomy)
    helplines = load_helpline_ids(helplines_file)
    errors: list[ContentError] = []
    seen: dict[str, tuple[Path, ParsedFile]] = {}
    per_topic: dict[tuple[str, str], int] = {}
    files = article_files(directory)
    if not files:
        return [ContentError(directory, 0, "no articles found")]
    for path in files:
        parsed, parse_errors = parse_file(path)
        errors += parse_errors
        if parsed is None:
            continue
        errors += _check_file(path, parsed, topics, helplines)
        article_id = parsed.meta.get("id")
        if isinstance(article_id, str):
            if article_id in seen:
                errors.append(
                    ContentError(
                        path,
                        parsed.meta_lines.get("id", 1),
                        f"duplicate id '{article_id}' (also in {seen[article_id][0]})",
                    )
                )
            else:
                seen[article_id] = (path, parsed)
        key = (str(parsed.meta.get("topic")), str(parsed.meta.get("lang")))
        per_topic[key] = per_topic.get(key, 0) + 1
    errors += _check_links_and_pairs(seen)
    if min_per_topic > 0:
        errors += _check_coverage(directory, per_topic, [t for t in topics if t not in PROJECT_TOPICS], min_per_topic)
    return errors
