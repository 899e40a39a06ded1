"""The search index: what is embedded, where it is cached, and how it is built and loaded.

Per article (both language versions of a translation pair are indexed; the pair is the unit of
matching, keyed by its slug):
* passages, embedded with the `passage: ` prefix: title + summary, each section (prefixed with the
  title), and title + tags;
* probes, embedded with the `query: ` prefix and compared query-to-query: each tag, the title and
  each sentence of the summary and sections. Tags carry the words teens use ("nudes", "snap").
Example questions (knowledge/search/topic_examples.yml): how young people put a topic in their own words.
Each is a probe (kind "example") of the pair of its topic it sits closest to, and trains the classifier.
Beside them, curated out-of-scope exemplars (knowledge/search/out_of_scope.yml) as `query: `, and a
topic classifier trained on the probe and passage vectors (never on the dev set).

The index lives in `var/kb/<hash>/`, hash = sha256(code version, model id, content files, exemplars).
An existing directory is reused, so `build_index()` is cheap when nothing changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import yaml

from knowledge.content import ARTICLES_DIR, REPO_ROOT, Article, article_files, load_articles
from knowledge.search.classifier import TopicClassifier, train_topic_classifier
from knowledge.search.embedding import Embedder, Vectors

INDEX_FORMAT = "lyt-kb-4"  # bump when chunking or the stored format changes
OUT_OF_SCOPE_FILE = Path(__file__).resolve().parent / "out_of_scope.yml"
TOPIC_EXAMPLES_FILE = Path(__file__).resolve().parent / "topic_examples.yml"
VAR_DIR_ENV = "LYT_VAR_DIR"
BATCH = 64
KEEP_INDEXES = 3  # older index directories under var/kb/ are deleted after a build
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")

Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class Passage:
    pair: str  # slug shared by both language versions
    article_id: str
    lang: str
    topic: str
    kind: str  # "head" | "section" | "tags"
    section: int  # index into Article.sections, -1 when not a section
    text: str


@dataclass(frozen=True)
class Probe:
    pair: str
    article_id: str
    topic: str
    kind: str  # "tag" | "title" | "sentence" | "example"
    text: str


@dataclass(frozen=True)
class TopicExample:
    topic: str
    lang: str
    text: str


def var_dir() -> Path:
    return Path(os.environ.get(VAR_DIR_ENV) or REPO_ROOT / "var")


def passages_of(article: Article) -> list[Passage]:
    def make(kind: str, section: int, text: str) -> Passage:
        return Passage(article.slug, article.id, article.lang, article.topic, kind, section, text)

    out = [make("head", -1, f"{article.title}. {article.summary}")]
    out += [make("section", i, f"{article.title}. {s.text}") for i, s in enumerate(article.sections) if s.text]
    if article.tags:
        out.append(make("tags", -1, f"{article.title}. {', '.join(article.tags)}"))
    return out


def _sentences(text: str) -> Iterable[str]:
    for line in text.splitlines():
        line = line.strip().lstrip("-*0123456789. ").strip()
        for sentence in _SENTENCE_SPLIT.split(line):
            if len(sentence) >= 12:
                yield sentence


def probes_of(article: Article) -> list[Probe]:
    def make(kind: str, text: str) -> Probe:
        return Probe(article.slug, article.id, article.topic, kind, text)

    out = [make("tag", tag) for tag in dict.fromkeys(t.strip() for t in article.tags) if tag]
    out.append(make("title", article.title))
    out += [make("sentence", s) for s in _sentences(article.summary)]
    for section in article.sections:
        out += [make("sentence", s) for s in _sentences(section.text)]
    return out


def out_of_scope_exemplars(path: Path = OUT_OF_SCOPE_FILE) -> list[str]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(text) for lang in ("da", "en") for text in raw.get(lang) or []]


def topic_examples(path: Path = TOPIC_EXAMPLES_FILE) -> list[TopicExample]:
    """Example questions per topic and language; an absent file means none."""
    if not path.is_file():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        TopicExample(str(topic), lang, str(text).strip())
        for topic, by_lang in raw.items()
        for lang in ("da", "en")
        for text in (by_lang or {}).get(lang) or []
        if str(text).strip()
    ]


def example_probes(
    examples: Sequence[TopicExample],
    vectors: Vectors,
    articles: Sequence[Article],
    passages: Sequence[Passage],
    passage_vectors: Vectors,
    probes: Sequence[Probe],
    probe_vectors: Vectors,
) -> list[Probe]:
    """Each example becomes a probe of the pair of its topic that it is most similar to: the mean of
    its best passage and its best probe similarity. Every example's topic must have articles."""
    by_pair_lang = {(a.slug, a.lang): a for a in articles}
    pairs_of_topic: dict[str, list[str]] = {}
    for passage in passages:
        pairs_of_topic.setdefault(passage.topic, [])
        if passage.pair not in pairs_of_topic[passage.topic]:
            pairs_of_topic[passage.topic].append(passage.pair)
    passage_rows = {
        pair: [i for i, p in enumerate(passages) if p.pair == pair] for t in pairs_of_topic.values() for pair in t
    }
    probe_rows = {pair: [i for i, p in enumerate(probes) if p.pair == pair] for pair in passage_rows}
    out: list[Probe] = []
    for example, vector in zip(examples, vectors, strict=True):
        pairs = pairs_of_topic[example.topic]
        passage_sims = passage_vectors @ vector
        probe_sims = probe_vectors @ vector if len(probe_vectors) else np.zeros(0)

        closeness = [
            (
                max(float(passage_sims[i]) for i in passage_rows[pair])
                + max((float(probe_sims[i]) for i in probe_rows[pair]), default=0.0)
            )
            / 2
            for pair in pairs
        ]
        pair = pairs[int(np.argmax(closeness))]
        article = by_pair_lang.get((pair, example.lang)) or next(a for a in articles if a.slug == pair)
        out.append(Probe(pair, article.id, example.topic, "example", example.text))
    return out


def content_hash(
    model_id: str,
    articles_dir: Path = ARTICLES_DIR,
    oos_file: Path = OUT_OF_SCOPE_FILE,
    examples_file: Path = TOPIC_EXAMPLES_FILE,
) -> str:
    digest = hashlib.sha256(f"{INDEX_FORMAT}\0{model_id}\0".encode())
    digest.update(Path(__file__).read_bytes())  # any change to chunking invalidates the cache
    for path in [*article_files(articles_dir), oos_file, *([examples_file] if examples_file.is_file() else [])]:
        digest.update(str(path.relative_to(path.parents[1])).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


@dataclass
class SearchIndex:
    """Everything search needs in memory. `articles` holds both languages, keyed by article id."""

    directory: Path
    model_id: str
    articles: dict[str, Article]
    passages: list[Passage]
    passage_vectors: Vectors
    probes: list[Probe]
    probe_vectors: Vectors
    oos_texts: list[str]
    oos_vectors: Vectors
    classifier: TopicClassifier


class EmbeddingCache:
    """Vectors already computed for a model, keyed by sha1(kind, text), so a content edit re-embeds only
    the changed texts. Stored as one .npz per model under var/kb/cache/."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._vectors: dict[str, Vectors] = {}
        if path.is_file():
            try:
                with np.load(path) as data:
                    self._vectors = {str(k): v for k, v in zip(data["keys"], data["vectors"], strict=True)}
            except (OSError, ValueError, KeyError):
                self._vectors = {}

    @staticmethod
    def key(kind: str, text: str) -> str:
        return hashlib.sha1(f"{kind}\0{text}".encode(), usedforsecurity=False).hexdigest()

    def embed(
        self,
        texts: Sequence[str],
        kind: str,
        embed: Callable[[Sequence[str]], Vectors],
        progress: Callable[[int], None],
    ) -> Vectors:
        missing = list(dict.fromkeys(t for t in texts if self.key(kind, t) not in self._vectors))
        progress(len(texts) - len(missing))
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            for text, vector in zip(batch, embed(batch), strict=True):
                self._vectors[self.key(kind, text)] = vector.astype(np.float32)
            progress(len(batch))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.vstack([self._vectors[self.key(kind, t)] for t in texts]).astype(np.float32)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".cache-", suffix=".npz", dir=self.path.parent)
        os.close(handle)
        keys = sorted(self._vectors)
        vectors = np.vstack([self._vectors[k] for k in keys]) if keys else np.zeros((0, 0), dtype=np.float32)
        np.savez(name, keys=np.array(keys), vectors=vectors)
        os.replace(name, self.path)


def index_directory(model_id: str, articles_dir: Path = ARTICLES_DIR, base: Path | None = None) -> Path:
    return (base or var_dir() / "kb") / content_hash(model_id, articles_dir)


def build_index(
    embedder: Embedder,
    articles_dir: Path = ARTICLES_DIR,
    base: Path | None = None,
    progress: Progress | None = None,
    force: bool = False,
) -> Path:
    """Embed the articles and exemplars into `var/kb/<hash>/`, unless that directory already exists."""
    target = index_directory(embedder.model_id, articles_dir, base)
    if (target / "manifest.json").is_file() and not force:
        return target
    articles = load_articles(articles_dir)
    if not articles:
        raise ValueError(f"no articles under {articles_dir}")
    passages = [p for a in articles for p in passages_of(a)]
    probes = [p for a in articles for p in probes_of(a)]
    oos_texts = out_of_scope_exemplars()
    examples = [e for e in topic_examples() if e.topic in {a.topic for a in articles}]
    total = len(passages) + len(probes) + len(oos_texts) + len(examples)
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    model_key = hashlib.sha1(embedder.model_id.encode(), usedforsecurity=False).hexdigest()[:16]
    cache = EmbeddingCache(target.parent / "cache" / f"{model_key}.npz")
    passage_vectors = cache.embed([p.text for p in passages], "passage", embedder.embed_passages, advance)
    probe_vectors = cache.embed([p.text for p in probes], "query", embedder.embed_queries, advance)
    oos_vectors = cache.embed(oos_texts, "query", embedder.embed_queries, advance)
    example_vectors = cache.embed([e.text for e in examples], "query", embedder.embed_queries, advance)
    cache.save()
    if examples:
        probes += example_probes(examples, example_vectors, articles, passages, passage_vectors, probes, probe_vectors)
        probe_vectors = np.vstack([probe_vectors, example_vectors]).astype(np.float32)
    classifier = train_topic_classifier(
        np.vstack([probe_vectors, passage_vectors]), [p.topic for p in probes] + [p.topic for p in passages]
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=target.parent))
    staging.chmod(0o755)  # readable by the action server when another user built it
    try:
        np.save(staging / "passages.npy", passage_vectors)
        np.save(staging / "probes.npy", probe_vectors)
        np.save(staging / "oos.npy", oos_vectors)
        classifier.save(staging / "classifier.npz")
        manifest = {
            "format": INDEX_FORMAT,
            "model_id": embedder.model_id,
            "articles_dir": str(articles_dir),
            "passages": [asdict(p) for p in passages],
            "probes": [asdict(p) for p in probes],
            "oos": oos_texts,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
        _publish(staging, target, replace_existing=force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    _prune(target.parent, keep=target)
    return target


def _publish(staging: Path, target: Path, replace_existing: bool) -> None:
    """Move a finished build into place. Another process may have finished the same build first: its
    index is identical, so it is kept (unless forced), and a replaced one is moved aside, not deleted
    under a reader."""
    if target.exists():
        if not replace_existing and (target / "manifest.json").is_file():
            return
        target.rename(target.with_name(f".old-{target.name}-{os.getpid()}"))
    try:
        staging.rename(target)
    except OSError:  # lost a race to an identical build
        if not (target / "manifest.json").is_file():
            raise


def _prune(base: Path, keep: Path, keep_count: int = KEEP_INDEXES) -> None:
    """Delete old index directories: all but the newest `keep_count` (and `keep`), plus leftovers."""
    indexes = sorted(
        (d for d in base.iterdir() if d.is_dir() and (d / "manifest.json").is_file()),
        key=lambda d: d.stat().st_mtime,
        reverse=True,
    )
    stale = [d for d in indexes[keep_count:] if d != keep]
    stale += [d for d in base.glob(".old-*") if d.is_dir()]
    stale += [d for d in base.glob(".building-*") if d.is_dir() and time.time() - d.stat().st_mtime > 3600]
    for directory in stale:
        shutil.rmtree(directory, ignore_errors=True)


def load_index(directory: Path, articles_dir: Path | None = None) -> SearchIndex:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    articles = load_articles(Path(articles_dir or manifest["articles_dir"]))
    return SearchIndex(
        directory=directory,
        model_id=str(manifest["model_id"]),
        articles={a.id: a for a in articles},
        passages=[Passage(**p) for p in manifest["passages"]],
        passage_vectors=np.load(directory / "passages.npy"),
        probes=[Probe(**p) for p in manifest["probes"]],
        probe_vectors=np.load(directory / "probes.npy"),
        oos_texts=[str(t) for t in manifest["oos"]],
        oos_vectors=np.load(directory / "oos.npy"),
        classifier=TopicClassifier.load(directory / "classifier.npz"),
    )
