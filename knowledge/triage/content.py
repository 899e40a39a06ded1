"""Curated risk content (knowledge/risk/*.yml): loading, validation and the content hash.

Files:
  normalisation.yml        emoji -> signal word; misspellings, contractions and abbreviations
  distress.yml             word stems of distress (one classifier feature; never a level by itself)
  signals.yml              signal categories (classifier features) and rules combining them
  lexicon_da.yml / _en.yml phrases and patterns, each with level, lang and an `example` that triggers it
  patterns.yml             `combinations` (more lexicon entries, e.g. emoji in combination),
                           `vetoes` (idiom and negation patterns that cap lexicon hits) and
                           `context` (follow-ups that are urgent after an earlier risky message)
  examples_da.yml / _en.yml  training examples for the classifier (text, level, lang)
  negatives.yml            tricky negatives that must stay `none` (also used as training examples)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.triage.levels import Level, as_level

LANGS = ("da", "en", "any")


class ContentError(ValueError):
    """A risk content file is malformed."""


@dataclass(frozen=True)
class LexiconEntry:
    id: str
    level: Level
    lang: str
    example: str
    phrase: str = ""
    pattern: str = ""
    note: str = ""
    acute: bool = False  # happening now / means at hand: only idiom vetoes, or ones marked caps_acute, cap it
    signals: tuple[str, ...] = ()  # a signal rule (signals.yml): every category in one sentence
    none_of: tuple[str, ...] = ()  # ... and none of these categories in that sentence
    within: int = 45  # ... with all its signals inside this many characters

    @property
    def label(self) -> str:
        return self.phrase or self.id


@dataclass(frozen=True)
class Veto:
    id: str
    pattern: str
    lang: str
    cap: Level
    example: str
    scope: str = "span"  # "span": caps overlapping hits; "message": caps every hit in the message
    kind: str = "idiom"  # idiom | negation | other-directed | quote | general
    note: str = ""
    # Also caps an `acute` entry's hit: only for a dated past act ("sidste år tog jeg en masse piller") or a
    # bodily cause that is not harm ("bløder meget ... første mens"), never for mere context words.
    caps_acute: bool = False


@dataclass(frozen=True)
class ContextRule:
    id: str
    pattern: str
    lang: str
    level: Level
    after: Level  # the earlier messages must reach at least this level
    example: str
    history: tuple[str, ...]
    note: str = ""
    within_message: bool = True  # also applies when the same message reached `after`


@dataclass(frozen=True)
class Example:
    text: str
    level: Level
    lang: str
    tricky: bool = False
    note: str = ""


@dataclass(frozen=True)
class RiskContent:
    emoji: dict[str, str]
    words: dict[str, str]
    lexicon: tuple[LexiconEntry, ...]
    vetoes: tuple[Veto, ...]
    context: tuple[ContextRule, ...]
    examples: tuple[Example, ...]
    negatives: tuple[Example, ...]
    distress: tuple[str, ...] = ()  # word stems, both languages (distress.yml)
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)  # signals.yml
    digest: str = field(default="")


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: invalid YAML: {exc}") from exc


def _text(item: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    value = item.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ContentError(f"{where}: field {key!r} must be a non-empty string")
    return value.strip()


def _lang(item: dict[str, Any], where: str) -> str:
    lang = _text(item, "lang", where)
    if lang not in LANGS:
        raise ContentError(f"{where}: lang must be one of {LANGS}, got {lang!r}")
    return lang


def _level(item: dict[str, Any], key: str, where: str) -> Level:
    try:
        return as_level(_text(item, key, where))
    except ValueError as exc:
        raise ContentError(f"{where}: {exc}") from exc


def _items(data: Any, where: str) -> list[dict[str, Any]]:
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ContentError(f"{where}: expected a list of mappings")
    return data


def _lexicon(data: Any, where: str) -> list[LexiconEntry]:
    entries = []
    for i, item in enumerate(_items(data, where)):
        here = f"{where}[{i}]"
        phrase, pattern = _text(item, "phrase", here, False), _text(item, "pattern", here, False)
        if bool(phrase) == bool(pattern):
            raise ContentError(f"{here}: give exactly one of 'phrase' or 'pattern'")
        entry_id = _text(item, "id", here, False) or phrase
        entries.append(
            LexiconEntry(
                id=entry_id,
                level=_level(item, "level", here),
                lang=_lang(item, here),
                example=_text(item, "example", here),
                phrase=phrase,
                pattern=pattern,
                note=_text(item, "note", here, False),
                acute=bool(item.get("acute", False)),
            )
        )
    return entries


def _vetoes(data: Any, where: str) -> list[Veto]:
    vetoes = []
    for i, item in enumerate(_items(data, where)):
        here = f"{where}[{i}]"
        scope = _text(item, "scope", here, False) or "span"
        if scope not in ("span", "message"):
            raise ContentError(f"{here}: scope must be 'span' or 'message'")
        vetoes.append(
            Veto(
                id=_text(item, "id", here),
                pattern=_text(item, "pattern", here),
                lang=_lang(item, here),
                cap=_level(item, "cap", here),
                example=_text(item, "example", here),
                scope=scope,
                kind=_text(item, "kind", here, False) or "idiom",
                note=_text(item, "note", here, False),
                caps_acute=bool(item.get("caps_acute", False)),
            )
        )
    return vetoes


def _context(data: Any, where: str) -> list[ContextRule]:
    rules = []
    for i, item in enumerate(_items(data, where)):
        here = f"{where}[{i}]"
        history = item.get("history")
        if not isinstance(history, list) or not history or not all(isinstance(h, str) for h in history):
            raise ContentError(f"{here}: 'history' must be a non-empty list of earlier messages")
        rules.append(
            ContextRule(
                id=_text(item, "id", here),
                pattern=_text(item, "pattern", here),
                lang=_lang(item, here),
                level=_level(item, "level", here),
                after=_level(item, "after", here),
                example=_text(item, "example", here),
                history=tuple(history),
                note=_text(item, "note", here, False),
                within_message=bool(item.get("within_message", True)),
            )
        )
    return rules


def _examples(data: Any, where: str, forced: Level | None = None) -> list[Example]:
    out = []
    for i, item in enumerate(_items(data, where)):
        here = f"{where}[{i}]"
        level = forced or _level(item, "level", here)
        out.append(
            Example(
                _text(item, "text", here),
                level,
                _lang(item, here),
                forced is not None,
                _text(item, "note", here, False),
            )
        )
    return out


def _mapping(data: Any, key: str, where: str) -> dict[str, str]:
    value = (data or {}).get(key) or {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ContentError(f"{where}: {key!r} must map strings to strings")
    return dict(value)


def _signals(data: Any) -> tuple[dict[str, tuple[str, ...]], list[LexiconEntry]]:
    if not data:
        return {}, []
    raw = data.get("categories") or {}
    if not isinstance(raw, dict):
        raise ContentError("signals.yml: 'categories' must map a name to a list of patterns")
    categories: dict[str, tuple[str, ...]] = {}
    for name, fragments in raw.items():
        if not isinstance(fragments, list) or not all(isinstance(f, str) and f for f in fragments):
            raise ContentError(f"signals.yml: category {name!r} must be a list of patterns")
        categories[str(name)] = tuple(fragments)
    rules = []
    for i, item in enumerate(_items(data.get("rules"), "signals.yml:rules")):
        here = f"signals.yml:rules[{i}]"
        needed, excluded = item.get("all"), item.get("none_of") or []
        if not isinstance(needed, list) or not needed or any(c not in categories for c in needed):
            raise ContentError(f"{here}: 'all' must list known categories")
        if not isinstance(excluded, list) or any(c not in categories for c in excluded):
            raise ContentError(f"{here}: 'none_of' must list known categories")
        rules.append(
            LexiconEntry(
                id=_text(item, "id", here),
                level=_level(item, "level", here),
                lang="any",
                example=_text(item, "example", here),
                note=_text(item, "note", here, False),
                signals=tuple(str(c) for c in needed),
                none_of=tuple(str(c) for c in excluded),
                within=int(item.get("within", 45)),
                acute=bool(item.get("acute", False)),
            )
        )
    return categories, rules


def _stems(data: Any) -> tuple[str, ...]:
    if data is None:
        return ()
    if not isinstance(data, dict):
        raise ContentError("distress.yml: expected a mapping of language to a list of stems")
    stems: list[str] = []
    for lang, words in data.items():
        if lang not in LANGS or not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise ContentError(f"distress.yml: {lang!r} must be da/en with a list of stems")
        stems += [w.strip() for w in words if w.strip()]
    return tuple(dict.fromkeys(stems))


def content_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yml"))


def content_digest(directory: Path, salt: str = "") -> str:
    digest = hashlib.sha256(salt.encode())
    for path in content_files(directory):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def load_content(directory: Path, salt: str = "") -> RiskContent:
    """Read and validate every content file in `directory` (knowledge/risk)."""
    normalisation = _read(directory / "normalisation.yml") or {}
    patterns = _read(directory / "patterns.yml") or {}
    lexicon: list[LexiconEntry] = []
    examples: list[Example] = []
    for path in content_files(directory):
        if path.name.startswith("lexicon_"):
            lexicon += _lexicon(_read(path), path.name)
        elif path.name.startswith("examples_"):
            examples += _examples(_read(path), path.name)
    lexicon += _lexicon(patterns.get("combinations"), "patterns.yml:combinations")
    signals_file = directory / "signals.yml"
    categories, rules = _signals(_read(signals_file) if signals_file.exists() else None)
    lexicon += rules
    ids = [entry.id for entry in lexicon]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ContentError(f"duplicate lexicon ids: {', '.join(duplicates[:10])}")
    return RiskContent(
        emoji=_mapping(normalisation, "emoji", "normalisation.yml"),
        words=_mapping(normalisation, "words", "normalisation.yml"),
        lexicon=tuple(lexicon),
        vetoes=tuple(_vetoes(patterns.get("vetoes"), "patterns.yml:vetoes")),
        context=tuple(_context(patterns.get("context"), "patterns.yml:context")),
        examples=tuple(examples),
        negatives=tuple(_examples(_read(directory / "negatives.yml"), "negatives.yml", forced="none")),
        categories=categories,
        distress=_stems(_read(directory / "distress.yml") if (directory / "distress.yml").exists() else None),
        digest=content_digest(directory, salt),
    )
