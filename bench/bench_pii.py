"""PII scrubbing speed: CPU time per message by length, the scrubber before issue 14 for comparison, and
adversarial 40,000-character inputs. `python -m bench.bench_pii` prints a table and updates the
`<!-- bench:pii -->` block of docs/PERFORMANCE.md (`--no-doc` leaves it alone).

Texts are made of the corpus sentences (tests/data/pii_corpus.jsonl) joined until the length is reached,
so they hold personal data at the corpus's rate. Times are CPU time of this thread (time.thread_time),
the median of several runs. The length at which scrubbing crosses 1 ms sets `INLINE_MAX_CHARS` in
api/services/pii.py: shorter text is scrubbed on the event loop, longer text on a worker thread.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from api.services.pii import INLINE_MAX_CHARS, scrub

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "data" / "pii_corpus.jsonl"
DOC = REPO / "docs" / "PERFORMANCE.md"
LENGTHS = (50, 100, 200, 500, 750, 1000, 1500, 2000, 3000, 4000, 8000, 16000, 40000)
LEGACY_MAX_LENGTH = 8000
CAPITALISED = "Min Far Slår Mig Hver Dag Og Vi Bor På Nørrebrogade Og Jeg Ved Ikke Hvad Jeg Skal Gøre "  # quadratic: 40,000 characters would take tens of seconds

# The scrubber as it was before issue 14 (api/services/pii.py at 1a92714), for the "before" column.
_L_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_L_CPR = re.compile(r"(?<!\d)(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d{2}[ -]?\d{4}(?!\d)")
_L_URL = re.compile(r"\b(?:https?://|www\.)\S*?(?:[?#]\S+|/[A-Za-z0-9_-]{16,}\S*)", re.IGNORECASE)
_L_PHONE_INTL = re.compile(r"(?<![\w+])(?:\+|00)\d{1,3}(?:[ .-]?\d){6,12}(?!\d)")
_L_PHONE_DK = re.compile(
    r"(?<![\d+])(?:\d{8}|\d{4}[ .-]\d{4}|\d{2}[ .-]\d{2}[ .-]\d{2}[ .-]\d{2}|\d{2}[ .-]\d{3}[ .-]\d{3})(?![\d])"
)
_L_STREET_DA = re.compile(
    r"\b[A-ZÆØÅ][a-zæøåé]*(?:[ -][A-ZÆØÅ]?[a-zæøåé]+)*"
    r"(?:vej|gade|allé|alle|plads|vænget|stræde|boulevard|torv|parken|have|bakken|høj)(?:en|et|n|t)?"
    r"\s+\d{1,4}[A-Za-z]?(?:,?\s*\d{1,2}\.?\s*(?:th|tv|mf|sal)?\.?)?",
    re.UNICODE,
)
_L_STREET_EN = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Way|Close|Court)\b\.?"
)


def legacy_scrub(text: str) -> str:
    for pattern, placeholder in (
        (_L_EMAIL, "[email]"), (_L_URL, "[link]"), (_L_CPR, "[cpr]"), (_L_PHONE_INTL, "[telefon]"),
        (_L_PHONE_DK, "[telefon]"), (_L_STREET_DA, "[adresse]"), (_L_STREET_EN, "[adresse]"),
    ):  # fmt: skip
        text = pattern.sub(placeholder, text)
    return text


def corpus_text(length: int, rng: random.Random) -> str:
    sentences = [json.loads(line)["text"] for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]
    parts: list[str] = []
    while sum(len(p) + 1 for p in parts) < length:
        parts.append(rng.choice(sentences))
    return " ".join(parts)[:length]


def cpu_ms(fn: Callable[[str], str], text: str, budget_s: float = 0.3) -> float:
    """Median CPU milliseconds of fn(text) over enough runs to fill about `budget_s`."""
    start = time.thread_time()
    fn(text)
    once = max(time.thread_time() - start, 1e-6)
    runs = max(3, min(200, int(budget_s / once)))
    samples = []
    for _ in range(runs):
        start = time.thread_time()
        fn(text)
        samples.append(time.thread_time() - start)
    return statistics.median(samples) * 1000


def adversarial() -> dict[str, str]:
    return {
        "one 40,000-letter word": "a" * 40_000,
        "40,000 digits": "1" * 40_000,
        "'1 ' repeated": "1 " * 20_000,
        "'a.' repeated": "a." * 20_000,
        "'@a' repeated": "@a" * 20_000,
        "street word and number repeated": "Nørrebrogade 1 " * 2_667,
        "'x at gmail ' repeated": "x at gmail " * 3_637,
        "profile link with a 40,000-letter path": "instagram.com/" + "a" * 39_986,
    }


def run() -> dict[str, object]:
    rng = random.Random(14)
    rows = []
    for length in LENGTHS:
        text = corpus_text(length, rng)
        now = cpu_ms(scrub, text)
        before = cpu_ms(legacy_scrub, text, budget_s=0.5) if length <= LEGACY_MAX_LENGTH else None
        rows.append({"chars": length, "ms": now, "us_per_char": now * 1000 / length, "legacy_ms": before})
    capitalised = []
    for length in (1000, 2000, 4000):  # what made the old street pattern quadratic: long runs of capitalised words
        text = (CAPITALISED * (length // len(CAPITALISED) + 1))[:length]
        capitalised.append({"chars": length, "ms": cpu_ms(scrub, text), "legacy_ms": cpu_ms(legacy_scrub, text, 0.5)})
    crossing = next((r["chars"] for r in rows if float(r["ms"]) >= 1.0), None)  # type: ignore[arg-type]
    hostile = {name: cpu_ms(scrub, text, budget_s=0.2) for name, text in adversarial().items()}
    return {"rows": rows, "capitalised": capitalised, "crosses_1ms_at": crossing, "adversarial_ms": hostile, "inline_max": INLINE_MAX_CHARS}


def render(data: dict[str, object]) -> str:
    lines = [
        "| characters | CPU ms (now) | µs per character | CPU ms before issue 14 |",
        "|---:|---:|---:|---:|",
    ]
    for r in data["rows"]:  # type: ignore[attr-defined]
        legacy = "–" if r["legacy_ms"] is None else f"{r['legacy_ms']:.2f}"
        lines.append(f"| {r['chars']:,} | {r['ms']:.3f} | {r['us_per_char']:.2f} | {legacy} |")
    lines += ["", "| Capitalised Words without punctuation | CPU ms (now) | CPU ms before issue 14 |", "|---:|---:|---:|"]
    for r in data["capitalised"]:  # type: ignore[attr-defined]
        lines.append(f"| {r['chars']:,} | {r['ms']:.3f} | {r['legacy_ms']:.2f} |")
    lines += ["", "| adversarial input (≈40,000 characters) | CPU ms |", "|---|---:|"]
    for name, ms in data["adversarial_ms"].items():  # type: ignore[attr-defined]
        lines.append(f"| {name} | {ms:.1f} |")
    lines += [
        "",
        f"Scrubbing first takes 1 ms or more at **{data['crosses_1ms_at']:,} characters** of corpus-like text on this "
        f"machine; `INLINE_MAX_CHARS` is {data['inline_max']:,}: longer messages are scrubbed on a worker thread "
        "(`scrub_spans_off_loop`).",
    ]
    return "\n".join(lines)


def update_doc(block: str, stamp: str) -> None:
    start, end = "<!-- bench:pii -->", "<!-- /bench:pii -->"
    generated = f"{start}\n_Figures from `python -m bench.bench_pii`, run {stamp}._\n\n{block}\n{end}"
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: generated, text)
    else:
        text = text.rstrip("\n") + f"\n\n## PII scrubbing\n\n{generated}\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-doc", action="store_true", help="do not update docs/PERFORMANCE.md")
    args = parser.parse_args()
    data = run()
    block = render(data)
    print(block)
    if not args.no_doc:
        update_doc(block, time.strftime("%Y-%m-%d %H:%M"))
        print(f"updated {DOC.relative_to(REPO)}")


if __name__ == "__main__":
    main()
