"""Text normalisation for matching and features, keeping a map back to the original characters.

Steps, in order (each output character remembers the span of original characters it came from):

1. emoji that carry a risk signal become words (🔪 -> ` emjknife `); other emoji become a space;
2. lower case; æ/ø/å -> ae/oe/aa; other accents dropped (é -> e); curly apostrophes -> `'`;
3. leetspeak inside words (k1ll -> kill, d3ad -> dead, $elf -> self; "112" stays digits);
4. apostrophes inside words are dropped (can't -> cant), English contractions that would collide
   are expanded (he'll -> he will, i'm -> i am, they're -> they are); spelled-out letters are joined
   ("k i l l" -> kill);
5. repeated letters are squeezed to one (killlll -> kil, gå -> gaa -> ga, ihjel -> ihjel);
6. whole-word misspellings, contractions and abbreviations are replaced (sucide -> suicide,
   ik -> ikke, wanna -> want to); the table lives in knowledge/risk/normalisation.yml.

Because letters are squeezed, every pattern is written for, and compiled through, the same rules:
"kill" and "kil" and "kiiill" all match. Danish written without æøå ("doe", "gaa") meets the
folded forms of words written with them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

Span = tuple[int, int]

FOLD = {"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "ð": "d", "þ": "th", "ı": "i", "ł": "l"}
APOSTROPHES = {"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"}
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i", "|": "l"}
IGNORED = {"\ufe0f", "\ufe0e", "\u200d", "\u200b", "\u200c", "\u2060", "\u00ad"}
_WORD = re.compile(r"[a-z0-9]+|[^\W\d_]+")


@dataclass(frozen=True)
class NormalisedText:
    """Normalised text plus, for every character, the original span (start, end) it came from."""

    text: str
    origin: tuple[Span, ...]

    def original_span(self, start: int, end: int) -> Span:
        """Map a span of the normalised text back to the original text."""
        if not self.origin or end <= start:
            return (0, 0)
        start = max(0, min(start, len(self.origin) - 1))
        end = max(start + 1, min(end, len(self.origin)))
        return (self.origin[start][0], self.origin[end - 1][1])


class Normaliser:
    """Normalises text with an emoji table and a whole-word replacement table."""

    def __init__(self, emoji: Mapping[str, str] | None = None, words: Mapping[str, str] | None = None) -> None:
        self._emoji = {key.replace("\ufe0f", ""): value for key, value in (emoji or {}).items()}
        self._words: dict[str, str] = {}
        for wrong, right in (words or {}).items():
            key = self._base(wrong).text.strip()
            if key:
                self._words[key] = self._base(right).text.strip()

    def __call__(self, text: str) -> NormalisedText:
        return self.normalise(text)

    def normalise(self, text: str) -> NormalisedText:
        base = self._base(text)
        if not self._words:
            return base
        return _replace_words(base, self._words)

    def fold_pattern(self, pattern: str) -> str:
        """Apply the normalisation rules a regex needs to meet normalised text: squeeze letter runs.

        Patterns are written in ASCII form (ae/oe/aa). Runs of one letter become one letter except
        right after a backslash, so `\\bbye` keeps its word boundary.
        """
        return re.sub(r"(?<!\\)([a-z])\1+", r"\1", pattern)

    def _base(self, text: str) -> NormalisedText:
        chars: list[str] = []
        origin: list[Span] = []
        for index, char in enumerate(text):
            span = (index, index + 1)
            if char in IGNORED:
                continue
            token = self._emoji.get(char)
            if token is not None:
                _emit(chars, origin, f" {token} ", span)
                continue
            if _is_symbol(char):
                _emit(chars, origin, " ", span)
                continue
            _emit(chars, origin, _fold_char(char), span)
        _apply_leet(chars)
        return _join_spelled_out(_squeeze(_drop_inner_apostrophes(chars, origin)))


def _is_symbol(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("So", "Sk", "Cs", "Co") or (category == "Cn" and ord(char) > 0x2000)


def _fold_char(char: str) -> str:
    out: list[str] = []
    for lower in char.lower():
        if lower in FOLD:
            out.append(FOLD[lower])
        elif lower in APOSTROPHES:
            out.append("'")
        elif lower.isascii():
            out.append(lower)
        else:
            decomposed = unicodedata.normalize("NFKD", lower)
            stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
            out.append(stripped.lower() if stripped else lower)
    return "".join(out)


def _emit(chars: list[str], origin: list[Span], piece: str, span: Span) -> None:
    for char in piece:
        chars.append(char)
        origin.append(span)


def _apply_leet(chars: list[str]) -> None:
    """Replace leet symbols that sit inside a word (a letter on at least one side, no digit beside)."""
    for i, char in enumerate(chars):
        if char not in LEET:
            continue
        before = chars[i - 1] if i > 0 else " "
        after = chars[i + 1] if i + 1 < len(chars) else " "
        if before.isdigit() or after.isdigit():
            continue
        if char in "!|$@":  # punctuation-like: only strictly inside or at the start of a word
            if not after.isalpha() or (char in "!|" and not before.isalpha()):
                continue
        elif not (before.isalpha() or after.isalpha()):
            continue
        chars[i] = LEET[char]


def _contraction(chars: list[str], i: int) -> str | None:
    """English contractions that would collide once the apostrophe is gone (he'll -> hell)."""
    tail = "".join(chars[i + 1 : i + 3])
    end = chars[i + 3] if i + 3 < len(chars) else " "
    if tail == "ll" and not end.isalpha():
        return " wi"
    if tail == "re" and not end.isalpha():
        return " a"
    if tail == "ve" and not end.isalpha():
        return " ha"
    if tail[:1] == "m" and not tail[1:2].isalpha():
        return " a"
    if tail[:1] == "d" and not tail[1:2].isalpha():
        return " woul"
    return None


def _drop_inner_apostrophes(chars: list[str], origin: list[Span]) -> tuple[list[str], list[Span]]:
    out_chars: list[str] = []
    out_origin: list[Span] = []
    for i, char in enumerate(chars):
        if char == "'" and 0 < i < len(chars) - 1 and chars[i - 1].isalpha() and chars[i + 1].isalpha():
            expansion = _contraction(chars, i)
            if expansion:
                out_chars.extend(expansion)
                out_origin.extend([origin[i]] * len(expansion))
            continue
        out_chars.append(char)
        out_origin.append(origin[i])
    return out_chars, out_origin


_SPELLED = re.compile(r"(?<!\w)(?:[a-z][ .\-]){2,}[a-z](?!\w)")


def _join_spelled_out(norm: NormalisedText) -> NormalisedText:
    """ "k i l l" / "k.i.l.l" -> "kill": three or more single letters separated by one space, dot or dash."""
    if not _SPELLED.search(norm.text):
        return norm
    chars: list[str] = []
    origin: list[Span] = []
    last = 0
    for match in _SPELLED.finditer(norm.text):
        start, end = match.span()
        chars.extend(norm.text[last:start])
        origin.extend(norm.origin[last:start])
        for j in range(start, end, 2):
            chars.append(norm.text[j])
            origin.append(norm.origin[j])
        last = end
    chars.extend(norm.text[last:])
    origin.extend(norm.origin[last:])
    return _squeeze((chars, origin))


def _squeeze(pair: tuple[list[str], list[Span]]) -> NormalisedText:
    chars, origin = pair
    out_chars: list[str] = []
    out_origin: list[Span] = []
    for char, span in zip(chars, origin, strict=True):
        if out_chars and char == out_chars[-1] and char.isalpha():
            out_origin[-1] = (out_origin[-1][0], span[1])
            continue
        out_chars.append(char)
        out_origin.append(span)
    return NormalisedText("".join(out_chars), tuple(out_origin))


def _replace_words(base: NormalisedText, words: Mapping[str, str]) -> NormalisedText:
    chars: list[str] = []
    origin: list[Span] = []
    last = 0
    for match in _WORD.finditer(base.text):
        replacement = words.get(match.group())
        if replacement is None:
            continue
        start, end = match.span()
        chars.extend(base.text[last:start])
        origin.extend(base.origin[last:start])
        span = base.original_span(start, end)
        chars.extend(replacement)
        origin.extend([span] * len(replacement))
        last = end
    if last == 0 and not chars:
        return base
    chars.extend(base.text[last:])
    origin.extend(base.origin[last:])
    return NormalisedText("".join(chars), tuple(origin))
