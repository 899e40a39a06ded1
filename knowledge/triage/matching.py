"""Lexicon, veto and context matching over normalised text."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.triage.content import ContextRule, LexiconEntry, RiskContent, Veto
from knowledge.triage.levels import RANK, Level
from knowledge.triage.normalise import NormalisedText, Normaliser, Span

_GAP = re.compile(r"<gap(\d)>")


@dataclass(frozen=True)
class Hit:
    entry: LexiconEntry
    span: Span  # in the normalised text
    level: Level  # after vetoes
    veto: Veto | None = None


@dataclass(frozen=True)
class VetoHit:
    veto: Veto
    span: Span


@dataclass(frozen=True)
class MatchResult:
    hits: tuple[Hit, ...]
    vetoes: tuple[VetoHit, ...]
    signals: frozenset[str] = frozenset()  # signal categories present outside vetoes (statements only)
    # ... and those found only in questions ("kan man dø af 30 panodil?"): features, never rules or imminence
    question_signals: frozenset[str] = frozenset()

    @property
    def feature_signals(self) -> frozenset[str]:
        """Every signal category in the message, questions included: what the classifier and head read."""
        return self.signals | self.question_signals

    @property
    def level(self) -> Level:
        best: Level = "none"
        for hit in self.hits:
            if RANK[hit.level] > RANK[best]:
                best = hit.level
        return best

    def count(self, level: Level, vetoed: bool = False) -> int:
        return sum(
            1 for h in self.hits if (h.entry.level if vetoed else h.level) == level and (h.veto is not None) == vetoed
        )


_OTHERS = ("de", "du", "han", "hun", "vi", "man", "den", "det", "dem", "you", "he", "she", "they", "we")
MACROS = {
    "<ae>": "(?:ae|a|e)",
    "<oe>": "(?:oe|o)",
    "<aa>": "a",  # å -> aa -> a after squeezing; a teen's "a" or "aa" is the same
    # not right after a pronoun for someone else ("de vil dø", "he wants to die" is not a self-report)
    "<notother>": "".join(rf"(?<!\b{p} )" for p in _OTHERS),
}


def expand_macros(pattern: str) -> str:
    """`<gapN>`: up to N extra words between two words (at least one separator).
    `<ae>` / `<oe>` / `<aa>`: Danish æ / ø / å however a teen types them (æ, ae, a, e / ø, oe, o / å, aa, a).
    `<notother>`: the next word does not follow a pronoun for someone else (du, han, de, you, she ...)."""
    for macro, regex in MACROS.items():
        pattern = pattern.replace(macro, regex)
    return _GAP.sub(lambda m: rf"(?:\W+\w+){{0,{m.group(1)}}}?\W+", pattern)


def compile_pattern(normaliser: Normaliser, pattern: str) -> re.Pattern[str]:
    return re.compile(normaliser.fold_pattern(expand_macros(pattern)))


def compile_phrase(normaliser: Normaliser, phrase: str, lang: str = "en") -> re.Pattern[str]:
    """A phrase matches as whole words with any separators; Danish phrases accept æ/ø typed as a/e/o."""
    words = normaliser.normalise(phrase).text.split()
    body = r"\W+".join(re.escape(word) for word in words)
    if lang == "da":
        body = body.replace("ae", MACROS["<ae>"]).replace("oe", MACROS["<oe>"])
    return re.compile(rf"(?<!\w){body}(?!\w)")


_SENTENCE = re.compile(r"[^.!?\n;]+[.!?;]*")
_QUESTION = re.compile(
    r"\W*(?:hvad|hvordan|hvor|hvorfor|hvornar|hvem|ma\W+man|kan\W+man|skal\W+jeg|er\W+det|how|what|where|why|when|who|is\W+it|can\W+i|should\W+i|do\W+you)\b"
)


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _rule_span(rule: LexiconEntry, sentences: Sequence[dict[str, list[Span]]]) -> Span | None:
    """Where one sentence has every category of `rule` in different words, close together, and none
    of its excluded categories: the span from the first to the last signal."""
    for found in sentences:
        if not all(name in found for name in rule.signals) or any(name in found for name in rule.none_of):
            continue
        anchor_name = min(rule.signals, key=lambda n: len(found[n]))  # rarest category first
        for anchor in found[anchor_name]:
            chosen = [anchor]
            for name in rule.signals:
                if name == anchor_name:
                    continue
                near = [
                    sp
                    for sp in found[name]
                    if not any(_overlaps(sp, c) for c in chosen)
                    and max(sp[1], *(c[1] for c in chosen)) - min(sp[0], *(c[0] for c in chosen)) <= rule.within
                ]
                if not near:
                    break
                chosen.append(near[0])
            else:
                return (min(c[0] for c in chosen), max(c[1] for c in chosen))
    return None


class Matcher:
    """All lexicon entries, vetoes and context rules, compiled once."""

    def __init__(self, content: RiskContent, normaliser: Normaliser) -> None:
        self.normaliser = normaliser
        self.lexicon: list[tuple[LexiconEntry, re.Pattern[str]]] = []
        self.signal_rules = [entry for entry in content.lexicon if entry.signals]
        self.categories = {
            name: re.compile(rf"(?<!\w)(?:{'|'.join(compile_pattern(normaliser, f).pattern for f in fragments)})(?!\w)")
            for name, fragments in sorted(content.categories.items())
        }
        for entry in content.lexicon:
            if entry.signals:
                continue
            regex = (
                compile_phrase(normaliser, entry.phrase, entry.lang)
                if entry.phrase
                else compile_pattern(normaliser, entry.pattern)
            )
            self.lexicon.append((entry, regex))
        self.vetoes = [(veto, compile_pattern(normaliser, veto.pattern)) for veto in content.vetoes]
        self.context = [(rule, compile_pattern(normaliser, rule.pattern)) for rule in content.context]
        stems = sorted({self._stem(s) for s in content.distress}, key=len, reverse=True)
        self.distress = re.compile(rf"(?<!\w)(?:{'|'.join(stems)})") if stems else None

    def _stem(self, stem: str) -> str:
        words = self.normaliser.normalise(stem.replace("<ae>", "ae").replace("<oe>", "oe").replace("<aa>", "aa")).text
        body = r"\W+".join(re.escape(w) for w in words.split())
        return body.replace("ae", MACROS["<ae>"]).replace("oe", MACROS["<oe>"])

    def distress_count(self, norm: NormalisedText) -> int:
        """How many different distress stems the text uses."""
        if self.distress is None:
            return 0
        return len({m.group() for m in self.distress.finditer(norm.text)})

    def match(self, norm: NormalisedText) -> MatchResult:
        text = norm.text
        veto_hits: list[VetoHit] = []
        for veto, regex in self.vetoes:
            veto_hits.extend(VetoHit(veto, m.span()) for m in regex.finditer(text) if m.end() > m.start())
        hits: list[Hit] = []
        for entry, regex in self.lexicon:
            for m in regex.finditer(text):
                if m.end() > m.start():
                    hits.append(self._vetoed(entry, m.span(), veto_hits))
        statements, questions = self._sentence_signals(text, veto_hits)
        for entry in self.signal_rules:
            span = _rule_span(entry, statements)
            if span is not None:
                hits.append(self._vetoed(entry, span, veto_hits))
        present = frozenset(name for sentence in statements for name, spans in sentence.items() if spans)
        in_questions = frozenset(name for sentence in questions for name, spans in sentence.items() if spans)
        return MatchResult(tuple(hits), tuple(veto_hits), present, in_questions - present)

    def _sentence_signals(
        self, text: str, veto_hits: Sequence[VetoHit]
    ) -> tuple[list[dict[str, list[Span]]], list[dict[str, list[Span]]]]:
        """Per sentence, the spans of each signal category outside idiom-like vetoes (those that cap at none); other
        vetoes cap the rule's hit like any lexicon hit. Statements and questions apart, in one pass over the sentences."""
        statements: list[dict[str, list[Span]]] = []
        questions: list[dict[str, list[Span]]] = []
        idioms = [v.span for v in veto_hits if v.veto.cap == "none"]
        for sentence in _SENTENCE.finditer(text):
            asked = sentence.group().rstrip().endswith("?") or bool(_QUESTION.match(sentence.group()))
            found: dict[str, list[Span]] = {}
            for name, regex in self.categories.items():
                spans = [
                    (sentence.start() + m.start(), sentence.start() + m.end())
                    for m in regex.finditer(sentence.group())
                    if m.end() > m.start()
                ]
                spans = [sp for sp in spans if not any(_overlaps(sp, idiom) for idiom in idioms)]
                if spans:
                    found[name] = spans
            (questions if asked else statements).append(found)
        return statements, questions

    @staticmethod
    def _vetoed(entry: LexiconEntry, span: Span, veto_hits: Sequence[VetoHit]) -> Hit:
        strongest: VetoHit | None = None
        for vh in veto_hits:
            if entry.acute and vh.veto.kind != "idiom" and not vh.veto.caps_acute:
                continue  # means at hand or harm happening now is never talked down by context
            applies = vh.veto.scope == "message" or _overlaps(vh.span, span)
            if applies and RANK[vh.veto.cap] < RANK[entry.level]:
                if strongest is None or RANK[vh.veto.cap] < RANK[strongest.veto.cap]:
                    strongest = vh
        if strongest is None:
            return Hit(entry, span, entry.level)
        return Hit(entry, span, strongest.veto.cap, strongest.veto)

    def context_hits(
        self, norm: NormalisedText, history_level: Level, own_level: Level = "none"
    ) -> list[tuple[ContextRule, Span]]:
        """Follow-up patterns that apply given the earlier messages' level (or this message's own)."""
        out = []
        for rule, regex in self.context:
            reached = RANK[history_level] >= RANK[rule.after]
            if not reached and not (rule.within_message and RANK[own_level] >= RANK[rule.after]):
                continue
            m = regex.search(norm.text)
            if m and m.end() > m.start():
                out.append((rule, m.span()))
        return out
