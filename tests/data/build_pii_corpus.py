"""Build tests/data/pii_corpus.jsonl from pii_corpus_source.txt: `python tests/data/build_pii_corpus.py`.

Each source line is `LANG<TAB>text` with personal data marked as ⟦kind:value⟧. The script removes the
marks, records each value's character offsets in the clean text, and lists the words outside the marked
spans as the words that must survive scrubbing.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "pii_corpus_source.txt"
TARGET = HERE / "pii_corpus.jsonl"
KINDS = {"email", "cpr", "phone", "address", "profile", "url"}
MARK = re.compile(r"⟦(\w+):([^⟧]+)⟧")
WORD = re.compile(r"\w+")


def parse(line: str) -> tuple[str, str, list[dict[str, object]]]:
    lang, marked = line.split("\t", 1)
    text, spans, pos = "", [], 0
    for m in MARK.finditer(marked):
        kind, value = m.group(1), m.group(2)
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r} in {line!r}")
        text += marked[pos : m.start()]
        spans.append({"start": len(text), "end": len(text) + len(value), "kind": kind})
        text += value
        pos = m.end()
    text += marked[pos:]
    if "⟦" in text or "⟧" in text:
        raise ValueError(f"unbalanced mark in {line!r}")
    return lang, text, spans


def keep_words(text: str, spans: list[dict[str, object]]) -> list[str]:
    inside = [(int(s["start"]), int(s["end"])) for s in spans]  # type: ignore[call-overload]
    words = [w.group() for w in WORD.finditer(text) if not any(a < w.end() and w.start() < b for a, b in inside)]
    return list(dict.fromkeys(words))


def build() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for line in SOURCE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        lang, text, spans = parse(line)
        rows.append({"id": f"pii-{len(rows) + 1:03d}", "lang": lang, "text": text, "pii": spans,
                     "keep": keep_words(text, spans)})  # fmt: skip
    return rows


def main() -> int:
    rows = build()
    TARGET.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    spans = sum(len(r["pii"]) for r in rows)  # type: ignore[arg-type]
    print(f"wrote {len(rows)} sentences with {spans} personal-data spans to {TARGET}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
