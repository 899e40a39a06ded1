"""Triage's findings as counsellors see them: spans and quoted words in the stored (scrubbed) text.

Triage judges the raw message (it must see everything), so its spans are offsets into the raw text and
its reasons quote raw words. Before either is stored or shown, they are moved onto the scrubbed text:

- `stored_spans` maps each span into the stored text (`[[start, end], ...]`, end exclusive);
- `stored_reasons` re-quotes every `"..."` in a reason from the stored text, so a quote never carries
  personal data that the scrubber removed.

The mapping comes from the scrubber when it offers one (`api.services.pii.scrub_spans(text)` returning
`.text` and `.map_span(start, end)`); otherwise it is worked out by diffing the raw and stored texts.
When nothing was scrubbed (most messages) both are the identity.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from typing import Any

from api.services import pii

SpanMap = Callable[[int, int], tuple[int, int]]
_QUOTED = re.compile(r'"([^"]*)"')
QUOTE_CHARS = 80  # as long as triage's own quotes


def mark_message(
    user_event: dict[str, Any],
    level: str,
    reasons: Sequence[str],
    spans: Sequence[Sequence[int]],
    raw: str,
    to_stored: SpanMap | None = None,
) -> list[str]:
    """Store triage's spans (offsets into `raw`) on the youth message event as `spans` into its stored
    `text` (a level above none as `triage_level`), and return triage's reasons quoting the stored text.
    `to_stored`: the scrubber's own map (`ScrubResult.map_span`) when the caller has it; otherwise `span_map`
    finds one."""
    if level != "none":
        user_event["triage_level"] = level  # what triage gave this message (counsellors' corrections, reviews.py)
    if level == "none" and not spans:
        return list(reasons)
    stored = str(user_event["text"])
    if raw == stored:
        to_stored = None  # nothing scrubbed: the identity, whatever map was given
    to_stored = to_stored or span_map(raw, stored)
    if marked := stored_spans(spans, to_stored, stored):
        user_event["spans"] = marked
    return stored_reasons(reasons, raw, stored, to_stored)


def span_map(raw: str, stored: str) -> SpanMap:
    """A function from a (start, end) in `raw` to the matching (start, end) in `stored`."""
    if raw == stored:
        return lambda start, end: (start, end)
    scrub_spans: Any = getattr(pii, "scrub_spans", None)
    if scrub_spans is not None:
        result = scrub_spans(raw)
        if getattr(result, "text", None) == stored and callable(getattr(result, "map_span", None)):
            mapper: SpanMap = result.map_span
            return mapper
    return _diff_map(raw, stored)


def _diff_map(raw: str, stored: str) -> SpanMap:
    """Offsets through the diff: text the scrubber kept moves by the length change of the placeholders
    before it; a span that starts or ends inside a replaced stretch grows to cover the placeholder."""
    opcodes = difflib.SequenceMatcher(None, raw, stored, autojunk=False).get_opcodes()

    def point(offset: int, is_end: bool) -> int:
        for tag, i1, i2, j1, j2 in opcodes:
            inside = i1 < offset <= i2 if is_end else i1 <= offset < i2
            if not inside:
                continue
            if tag == "equal":
                return j1 + (offset - i1)
            return j2 if is_end else j1
        return len(stored) if offset >= len(raw) else 0

    return lambda start, end: (point(start, False), point(end, True))


def stored_spans(spans: Sequence[Sequence[int]], mapper: SpanMap, stored: str) -> list[list[int]]:
    """Spans in the stored text, in order, merged where they touch; empty ones are dropped."""
    out: list[list[int]] = []
    for start, end in sorted((max(0, int(s)), int(e)) for s, e in spans):
        a, b = mapper(start, end)
        a, b = max(0, min(a, len(stored))), max(0, min(b, len(stored)))
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def stored_reasons(reasons: Sequence[str], raw: str, stored: str, mapper: SpanMap) -> list[str]:
    """Reasons whose quotes come from the stored text, never from raw personal data."""
    if raw == stored:
        return list(reasons)

    def requote(match: re.Match[str]) -> str:
        return '"' + _stored_quote(match.group(1), raw, stored, mapper) + '"'

    return [_QUOTED.sub(requote, reason) for reason in reasons]


def _stored_quote(quote: str, raw: str, stored: str, mapper: SpanMap) -> str:
    words = quote.split()
    if not words:
        return quote
    found = re.search(r"\s+".join(re.escape(w) for w in words), raw)
    if found is None:  # e.g. a quote from an earlier (already stored, so scrubbed) message
        return pii.scrub(quote)
    start, end = mapper(found.start(), found.end())
    return " ".join(stored[start:end].split())[:QUOTE_CHARS]
