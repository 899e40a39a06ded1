"""Risk triage of youth messages: curated lexicons and patterns, a small classifier, and context.

    from knowledge.triage import Triage
    triage = Triage.load()          # reads knowledge/risk/*.yml, loads or trains the classifier
    result = triage.judge("jeg gider ik leve mere", history=[])
    result.level, result.score, result.reasons, result.spans

Importing this package does no I/O. It never depends on Rasa.
"""

from knowledge.triage.judge import Triage, TriageResult
from knowledge.triage.levels import LEVELS, Level, max_level, sticky_level

__all__ = ["LEVELS", "Level", "Triage", "TriageResult", "max_level", "sticky_level"]
