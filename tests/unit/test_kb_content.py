"""Article loading and validation (knowledge/content.py, knowledge/content_validation.py) on fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.content import ARTICLES_DIR, load_article, load_articles, validate
from knowledge.content_validation import count_sentences, phone_numbers

BODY = {
    "da": (
        "## Hvad er det?\n\nDigital mobning er, når nogen er onde mod dig på nettet.\n\n"
        "## Det kan du gøre nu\n\n- Tag skærmbilleder.\n- Fortæl det til en voksen.\n\n"
        "## Her kan du få hjælp\n\nDu kan skrive til Cyberhus. Ring 112, hvis du er i fare.\n"
    ),
    "en": (
        "## What is it?\n\nCyberbullying is when someone is mean to you online.\n\n"
        "## What you can do now\n\n- Take screenshots.\n- Tell an adult.\n\n"
        "## Where to get help\n\nYou can write to Cyberhus. Call 112 if you are in danger.\n"
    ),
}


def article_text(slug: str, lang: str, **overrides: object) -> str:
    other = "en" if lang == "da" else "da"
    fields: dict[str, object] = {
        "id": f"{slug}-{lang}",
        "lang": lang,
        "topic": "cyberbullying",
        "title": f'"Title {lang}"',
        "summary": '"One sentence. Two sentences."',
        "translation": f"{slug}-{other}",
        "tags": '["mobning", "snap"]',
        "ages": '"13-18"',
        "helplines": "[cyberhus, emergency_112]",
        "sources": "[]",
        "reviewed": "2026-11-22",
    }
    body = str(overrides.pop("body", BODY[lang]))
    fields.update(overrides)
    front = "\n".join(f"{key}: {value}" for key, value in fields.items() if value is not None)
    return f"---\n{front}\n---\n\n{body}"


def write_pair(
    root: Path,
    slug: str = "bullied-online",
    topic: str = "cyberbullying",
    fields: dict[str, object] | None = None,
    **overrides: object,
) -> Path:
    """Both language versions of one article in root/<topic>/; `fields` may even override the topic field."""
    folder = root / topic
    folder.mkdir(parents=True, exist_ok=True)
    values: dict[str, object] = {"topic": topic, **overrides, **(fields or {})}
    for lang in ("da", "en"):
        (folder / f"{slug}.{lang}.md").write_text(article_text(slug, lang, **values), encoding="utf-8")
    return folder


def errors_for(root: Path) -> list[str]:
    return [str(error) for error in validate(root, min_per_topic=0)]


def test_valid_pair_has_no_errors_and_loads(tmp_path: Path) -> None:
    write_pair(tmp_path)
    assert errors_for(tmp_path) == []
    articles = load_articles(tmp_path)
    assert [a.id for a in articles] == ["bullied-online-da", "bullied-online-en"]
    da = articles[0]
    assert da.slug == "bullied-online" and da.url == "/articles/bullied-online-da"
    assert [s.title for s in da.sections] == ["Hvad er det?", "Det kan du gøre nu", "Her kan du få hjælp"]
    assert da.sections[1].text.startswith("- Tag skærmbilleder.")
    assert da.tags == ("mobning", "snap") and da.helplines == ("cyberhus", "emergency_112")


def test_project_topic_about_lyt_is_allowed(tmp_path: Path) -> None:
    write_pair(tmp_path, slug="is-it-anonymous", topic="about-lyt")
    assert errors_for(tmp_path) == []


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"title": None}, "missing required field 'title'"),
        ({"tags": '"mobning"'}, "field 'tags' must be a non-empty list"),
        ({"topic": "football"}, "unknown topic 'football'"),
        ({"helplines": "[made_up_line]"}, "unknown helpline id 'made_up_line'"),
        ({"ages": '"8-30"'}, "ages '8-30'"),
        ({"sources": '["www.example.com"]'}, "must be an http(s) URL"),
        ({"reviewed": '"yesterday"'}, "must be a date"),
        ({"summary": '"One. Two. Three."'}, "summary has 3 sentences"),
    ],
)
def test_schema_errors_name_the_file_and_line(tmp_path: Path, override: dict[str, object], expected: str) -> None:
    write_pair(tmp_path, fields=override)
    errors = errors_for(tmp_path)
    assert any(expected in error for error in errors), errors
    first = next(error for error in errors if expected in error)
    path, line, _ = first.split(":", 2)
    assert path.endswith(".md") and int(line) >= 1


def test_lang_and_id_must_match_file_name(tmp_path: Path) -> None:
    folder = write_pair(tmp_path)
    text = article_text("bullied-online", "da").replace("lang: da", "lang: de")
    (folder / "bullied-online.da.md").write_text(text, encoding="utf-8")
    errors = errors_for(tmp_path)
    assert any("lang 'de' must be one of da, en" in e for e in errors), errors
    assert any("does not match the file name" in e for e in errors), errors


def test_translation_must_exist_and_point_back(tmp_path: Path) -> None:
    folder = write_pair(tmp_path)
    (folder / "bullied-online.en.md").write_text(
        article_text("bullied-online", "en", translation="something-else-da"), encoding="utf-8"
    )
    errors = errors_for(tmp_path)
    assert any("translation 'something-else-da' does not exist" in e for e in errors), errors
    assert any("does not point back" in e for e in errors), errors


def test_missing_translation_file(tmp_path: Path) -> None:
    folder = write_pair(tmp_path)
    (folder / "bullied-online.en.md").unlink()
    assert any("translation 'bullied-online-en' does not exist" in e for e in errors_for(tmp_path))


def test_sections_required_in_order_and_not_empty(tmp_path: Path) -> None:
    swapped = BODY["en"].replace("## What is it?", "## Where?").replace("## Where to get help", "## What is it?")
    write_pair(tmp_path, slug="a")
    (tmp_path / "cyberbullying" / "a.en.md").write_text(article_text("a", "en", body=swapped), encoding="utf-8")
    empty = "## What is it?\n\n## What you can do now\n\nDo this.\n\n## Where to get help\n\nHere.\n"
    write_pair(tmp_path, slug="b")
    (tmp_path / "cyberbullying" / "b.en.md").write_text(article_text("b", "en", body=empty), encoding="utf-8")
    errors = errors_for(tmp_path)
    assert any("a.en.md" in e and "sections must be exactly" in e for e in errors), errors
    empty_error = next(e for e in errors if "b.en.md" in e and "is empty" in e)
    assert empty_error.split(":")[1] == "15"  # the line of the empty heading


def test_phone_numbers_in_body_are_errors_but_112_is_fine(tmp_path: Path) -> None:
    body = BODY["da"].replace("Du kan skrive til Cyberhus.", "Ring på 70 20 12 01 eller 116 111.")
    write_pair(tmp_path)
    (tmp_path / "cyberbullying" / "bullied-online.da.md").write_text(
        article_text("bullied-online", "da", body=body), encoding="utf-8"
    )
    errors = errors_for(tmp_path)
    phone_errors = [e for e in errors if "phone number" in e]
    assert len(phone_errors) == 2, errors
    assert all("bullied-online.da.md" in e for e in phone_errors)
    assert not any("'112'" in e for e in errors)


def test_dead_internal_link_and_duplicate_id(tmp_path: Path) -> None:
    body = BODY["en"].replace(
        "Take screenshots.", "Read [this](/articles/nowhere-en) and [that](/articles/bullied-online-da)."
    )
    write_pair(tmp_path)
    (tmp_path / "cyberbullying" / "bullied-online.en.md").write_text(
        article_text("bullied-online", "en", body=body), encoding="utf-8"
    )
    other = tmp_path / "family"
    other.mkdir()
    (other / "bullied-online.da.md").write_text(article_text("bullied-online", "da", topic="family"), encoding="utf-8")
    errors = errors_for(tmp_path)
    assert any("dead link /articles/nowhere-en" in e for e in errors), errors
    assert not any("/articles/bullied-online-da" in e for e in errors)
    assert any("duplicate id 'bullied-online-da'" in e for e in errors), errors


def test_unparseable_front_matter(tmp_path: Path) -> None:
    folder = tmp_path / "cyberbullying"
    folder.mkdir()
    (folder / "x.da.md").write_text("no front matter here\n", encoding="utf-8")
    (folder / "y.da.md").write_text("---\nid: [unclosed\n---\n", encoding="utf-8")
    errors = errors_for(tmp_path)
    assert any("x.da.md:1: missing front matter" in e for e in errors), errors
    assert any("y.da.md" in e and "not valid YAML" in e for e in errors), errors
    assert load_articles(tmp_path) == []
    with pytest.raises(ValueError, match="missing front matter"):
        load_article(folder / "x.da.md")


def test_coverage_needs_articles_per_topic_and_language(tmp_path: Path) -> None:
    write_pair(tmp_path)
    errors = [str(e) for e in validate(tmp_path, min_per_topic=2)]
    assert any("topic 'cyberbullying' has 1 'da' articles; at least 2 needed" in e for e in errors), errors
    assert any("topic 'sleep' has 0 'en' articles" in e for e in errors)
    assert not any("about-lyt" in e for e in errors)


def test_empty_directory_is_an_error(tmp_path: Path) -> None:
    assert [e.message for e in validate(tmp_path)] == ["no articles found"]


def test_sentence_counting_and_phone_detection() -> None:
    assert count_sentences("Det er fx. svært, f.eks. på Snapchat. Du kan få hjælp!") == 2
    assert count_sentences("No full stop at the end") == 1
    assert count_sentences("One. Two? Three!") == 3
    assert phone_numbers("ring 70 20 12 01, +4512345678 eller 116 123") == ["70 20 12 01", "+4512345678", "116 123"]
    assert phone_numbers("reviewed 2026-11-22, §264d, 15 år, 112") == []


def test_repository_content_is_valid() -> None:
    """The real articles pass `lyt kb validate` (content is written by others; this keeps it honest)."""
    errors = validate(ARTICLES_DIR)
    assert errors == [], "\n".join(str(e) for e in errors[:30])
