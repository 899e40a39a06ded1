"""`Triage.judge()`: one decision rule over one calibrated model (docs/TRIAGE.md, "The decision rule").

The rule: the model (`risk_model.RiskModel`: multinomial logistic regression over the message's e5 embedding,
its signal categories and its lexicon evidence) gives p(none), p(concern), p(urgent). The message is `urgent`
when p(urgent) >= the urgent threshold, else `concern` when p(concern) + p(urgent) >= the flag threshold,
else `none`; both thresholds were chosen on out-of-fold probabilities (urgent recall >= 0.98, no urgent
judged none). Hard floors may then only raise it: an active lexicon hit (after the vetoes that cap that hit)
puts it at least at the hit's level; a follow-up context rule ("jeg har dem her") after an earlier risky
message, and the conversation rule (the last `CONTEXT_MESSAGES` messages and this one, read as one text by the
same model, judged urgent while this message itself is flagged or carries an imminence signal) make it urgent.
Nothing lowers the model's level, with one documented exception: the idiom and negation list
(`patterns.yml` vetoes of kind idiom or negation, each tested by its example). When such a veto matches and
no lexicon hit is left active ("jeg dør af grin", "I'm not suicidal"), the model's level is capped at that
veto's `cap`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from knowledge.triage import paths, risk_model
from knowledge.triage.content import RiskContent, load_content
from knowledge.triage.levels import LEVELS, RANK, Level, max_level
from knowledge.triage.matching import Matcher, MatchResult
from knowledge.triage.normalise import NormalisedText, Normaliser, Span
from knowledge.triage.risk_model import RiskModel
from knowledge.triage.sentence_embedding import EmbeddingSink, embed, prepare
from knowledge.triage.thresholds import choose_thresholds

HISTORY_WINDOW = 4  # earlier messages the follow-up context rules look at
CONTEXT_MESSAGES = 2  # earlier messages read together with this one by the conversation rule
# The conversation rule raises only a message that is flagged itself or carries one of these signals.
IMMINENCE_SIGNALS = frozenset({"time", "means", "goodbye", "acute", "missing", "intent", "die", "death"})
# `ask_safety_question`: a concern verdict with one of these signals, or p(urgent) at least this share of the
# urgent threshold (near it), asks the young person one direct safety question (issue 15 item 5).
ASK_SIGNALS = frozenset({"die", "passive", "death", "means", "acute", "intent", "goodbye", "missing", "violence"})
ASK_NEAR = 0.5
# Signal categories whose words are highlighted when only the model decided (no lexicon span).
SPAN_SIGNALS = ("die", "death", "means", "acute", "intent", "goodbye", "missing", "violence", "passive", "time")
IDIOM_CAP = True  # the idiom/negation exception above (measured in docs/TRIAGE.md, sixth pass ablation)
BAND_FLOOR: dict[Level, float] = {"none": 0.0, "concern": 0.4, "urgent": 0.7}
BAND_CEILING: dict[Level, float] = {"none": 0.39, "concern": 0.69, "urgent": 1.0}


@dataclass
class TriageResult:
    level: Level
    score: float  # 0..1, inside the band of the level: none < 0.4 <= concern < 0.7 <= urgent
    reasons: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)  # character spans in `text` to highlight
    # The model's p(none), p(concern), p(urgent) for this message alone (empty when it was not asked).
    probabilities: dict[str, float] = field(default_factory=dict)
    # True for a concern verdict with a self-harm, death-wish or danger signal, or p(urgent) near the urgent
    # threshold: the gateway asks one direct safety question (issue 15 item 5). Never true for none or urgent.
    ask_safety_question: bool = False


Verdict = TriageResult


def _quote(text: str, span: Span) -> str:
    return " ".join(text[span[0] : span[1]].split())[:80]


@dataclass
class _Judged:
    text: str
    norm: NormalisedText
    match: MatchResult
    p: list[float]
    vector: np.ndarray | None


class Triage:
    """Risk triage of one youth message in the context of the previous few."""

    def __init__(self, content: RiskContent, model: RiskModel | None = None) -> None:
        self.content = content
        self.normaliser = Normaliser(content.emoji, content.words)
        self.matcher = Matcher(content, self.normaliser)
        self.model = model

    @classmethod
    def load(cls, risk_dir: Path | None = None, cache_dir: Path | None = None, use_cache: bool = True) -> Triage:
        """Load the content files and the trained model (trained and cached if missing; `lyt triage build`)."""
        directory = risk_dir or paths.risk_dir()
        content = load_content(directory)
        triage = cls(content)
        cache = (cache_dir or paths.triage_cache_dir()) if use_cache else None
        model = risk_model.load_or_train(content, directory, triage.matcher, cache)
        model.thresholds, model.report = choose_thresholds(model.out_of_fold, model.levels, model.floors)
        triage.model = model
        return triage

    def judge(self, text: str, history: Sequence[str] = (), on_embedding: EmbeddingSink | None = None) -> TriageResult:
        """Judge `text`; `history` holds the earlier youth messages of the conversation, oldest first.
        `on_embedding(model id, text as embedded, vector)` receives this message's sentence embedding."""
        return self.judge_many([text], [history], on_embedding=on_embedding)[0]

    def judge_many(
        self,
        texts: Sequence[str],
        histories: Sequence[Sequence[str]] | None = None,
        on_embedding: EmbeddingSink | None = None,
    ) -> list[TriageResult]:
        """Judge several messages at once (one embedding call); each with its own history."""
        histories = [histories[i] if histories is not None and i < len(histories) else () for i in range(len(texts))]
        joined = {i: " ".join([*list(h)[-CONTEXT_MESSAGES:], texts[i]]) for i, h in enumerate(histories) if any(h)}
        judged = self._score([*texts, *joined.values()], on_embedding, len(texts))
        conversation = dict(zip(joined, judged[len(texts) :], strict=True))
        results = []
        for i, one in enumerate(judged[: len(texts)]):
            result = self._decide(one)
            if result.level != "urgent" and i in conversation:
                self._add_context(result, one, histories[i], conversation[i])
            result.ask_safety_question = self._ask(result, one)
            results.append(result)
        return results

    def _score(self, texts: Sequence[str], on_embedding: EmbeddingSink | None, own: int) -> list[_Judged]:
        norms = [self.normaliser(t) for t in texts]
        matches = [self.matcher.match(n) for n in norms]
        if self.model is None or not texts:
            return [_Judged(t, n, m, [1.0, 0.0, 0.0], None) for t, n, m in zip(texts, norms, matches, strict=True)]
        asked = [i for i, t in enumerate(texts) if t.strip()]
        vectors = embed([texts[i] for i in asked]) if asked else np.zeros((0, 384), dtype=np.float32)
        if on_embedding is not None:
            for i, vector in zip(asked, vectors, strict=True):
                if i < own:
                    on_embedding(self.model_id, prepare(texts[i]), vector)
        side = np.array(
            [risk_model.side_row(norms[i], matches[i], self.matcher.distress_count(norms[i])) for i in asked],
            dtype=np.float32,
        ).reshape(len(asked), len(risk_model.side_names()))
        probs = self.model.probabilities(vectors, side) if asked else np.zeros((0, len(LEVELS)))
        out = [_Judged(t, n, m, [1.0, 0.0, 0.0], None) for t, n, m in zip(texts, norms, matches, strict=True)]
        for row, i in enumerate(asked):
            out[i].p = [float(x) for x in probs[row]]
            out[i].vector = vectors[row]
        return out

    @property
    def model_id(self) -> str:
        from knowledge.triage.sentence_embedding import model_id

        return model_id()

    def _decide(self, one: _Judged) -> TriageResult:
        reasons, spans = self._lexicon_reasons(one)
        p = one.p
        level: Level = "none"
        if self.model is not None and one.vector is not None:
            level = self.model.level(p)
            if level != "none":
                t = self.model.thresholds
                kind, similarity = self.model.closest(one.vector, level)
                reasons.append(
                    f"model: {level} (p_urgent={p[2]:.2f}, p_concern={p[1]:.2f}; urgent at >= {t.urgent:.2f}, "
                    f"concern at >= {t.flag:.2f} together), close to {kind or level} (similarity {similarity:.2f})"
                )
            cap = self._idiom_cap(one.match)
            if IDIOM_CAP and cap is not None and RANK[cap] < RANK[level]:
                reasons.append(f"idiom or negation: caps the model's {level} at {cap}")
                level = cap
        floor = one.match.level
        final = max_level(level, floor)
        if RANK[final] > RANK[level] or (final != "none" and not spans):
            spans = spans or self._model_spans(one)
        risk = p[2] + 0.5 * p[1]
        score = min(BAND_CEILING[final], max(BAND_FLOOR[final], risk))
        probabilities = dict(zip(LEVELS, (round(x, 4) for x in p), strict=True)) if one.vector is not None else {}
        return TriageResult(final, round(score, 4), list(dict.fromkeys(reasons)), _merge(spans), probabilities)

    @staticmethod
    def _idiom_cap(match: MatchResult) -> Level | None:
        """The highest cap of the idiom/negation vetoes in a message with no active lexicon hit, else None."""
        if any(hit.veto is None for hit in match.hits):
            return None
        caps = [v.veto.cap for v in match.vetoes if v.veto.kind in risk_model.IDIOM_KINDS]
        return max_level(*caps) if caps else None

    def _lexicon_reasons(self, one: _Judged) -> tuple[list[str], list[Span]]:
        reasons: list[str] = []
        spans: list[Span] = []
        shown: list[tuple[Span, Level]] = []
        text, norm = one.text, one.norm
        for hit in sorted(one.match.hits, key=lambda h: (-RANK[h.level], h.span[0] - h.span[1], h.span)):
            span = norm.original_span(*hit.span)
            quoted = _quote(text, span)
            if hit.veto is None:
                if any(s[0] <= span[0] and span[1] <= s[1] and RANK[lv] >= RANK[hit.level] for s, lv in shown):
                    continue  # already covered by a longer hit at the same or a higher level
                shown.append((span, hit.level))
                source = "signals" if hit.entry.signals else "lexicon"
                lang = "" if hit.entry.lang == "any" else f", {hit.entry.lang}"
                reasons.append(f'{source}: "{quoted}" ({hit.level}{lang})')
                if hit.level != "none":
                    spans.append(span)
            else:
                veto_span = next((v.span for v in one.match.vetoes if v.veto is hit.veto), hit.span)
                reasons.append(
                    f'{hit.veto.kind}: "{_quote(text, norm.original_span(*veto_span))}" caps "{quoted}" '
                    f"at {hit.level} (was {hit.entry.level}, {hit.entry.lang})"
                )
        return reasons, spans

    def _model_spans(self, one: _Judged) -> list[Span]:
        """For a model-only decision: the words of risk signals in the message, else the whole message."""
        found: list[Span] = []
        for sentence in self.matcher.signal_spans(one.norm.text, one.match.vetoes):
            for name in SPAN_SIGNALS:
                found += [one.norm.original_span(*s) for s in sentence.get(name, [])]
        if found:
            return found
        stripped = one.text.strip()
        start = one.text.find(stripped) if stripped else 0
        return [(start, start + len(stripped))] if stripped else []

    def _add_context(self, result: TriageResult, one: _Judged, history: Sequence[str], joined: _Judged) -> None:
        """Follow-up rules, then the conversation rule (both only raise)."""
        recent = list(history)[-HISTORY_WINDOW:]
        earlier = [self.matcher.match(self.normaliser(h)) for h in recent]
        joined_level = self.model.level(joined.p) if self.model is not None and joined.vector is not None else "none"
        history_level = max_level(*(m.level for m in earlier), joined_level)
        for rule, span in self.matcher.context_hits(one.norm, history_level, one.match.level):
            if RANK[rule.level] <= RANK[result.level]:
                continue
            original = one.norm.original_span(*span)
            after = "after the earlier messages" if RANK[history_level] >= RANK[rule.after] else "in the same message"
            result.reasons.insert(0, f'context: "{_quote(one.text, original)}" {after} ({rule.level}, {rule.lang})')
            result.level = rule.level
            result.score = round(max(result.score, BAND_FLOOR[rule.level]), 4)
            result.spans = _merge([*result.spans, original])
            if result.level == "urgent":
                return
        flagged = result.level != "none" or bool(one.match.signals & IMMINENCE_SIGNALS)
        if joined_level == "urgent" and flagged:
            p = joined.p
            result.reasons.insert(
                0,
                f"context: urgent together with the {min(len(history), CONTEXT_MESSAGES)} earlier messages "
                f"(model p_urgent={p[2]:.2f} on the conversation)",
            )
            result.level = "urgent"
            result.score = round(max(result.score, BAND_FLOOR["urgent"], min(1.0, p[2] + 0.5 * p[1])), 4)
            result.spans = result.spans or self._model_spans(one)

    def _ask(self, result: TriageResult, one: _Judged) -> bool:
        if result.level != "concern":
            return False
        near = self.model is not None and one.p[2] >= ASK_NEAR * self.model.thresholds.urgent
        return near or bool(one.match.signals & ASK_SIGNALS)


def _merge(spans: Sequence[Span]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(set(spans)):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
