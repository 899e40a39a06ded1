"""Risk triage of youth messages: one calibrated model over the e5 embedding, lexicon floors, and context.

    from knowledge.triage import Triage
    triage = Triage.load()          # reads knowledge/risk/*.yml, loads or trains the model (lyt triage build)
    result = triage.judge("jeg gider ik leve mere", history=[])
    result.level, result.score, result.reasons, result.spans, result.ask_safety_question

Importing this package does no I/O. It never depends on Rasa.
"""

from knowledge.triage.judge import Triage, TriageResult, Verdict
from knowledge.triage.levels import LEVELS, Level, max_level, sticky_level

__all__ = ["LEVELS", "Level", "Triage", "TriageResult", "Verdict", "max_level", "sticky_level"]
