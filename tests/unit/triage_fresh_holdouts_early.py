"""Fresh hold-outs holdout6-56 (the earlier passes): what was measured once on each, and the
floors two messages below (docs/TRIAGE.md). Checked by tests/unit/test_triage_fresh_holdouts.py."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.unit.test_triage_support import holdout


@dataclass(frozen=True)
class FreshHoldout:
    """A hold-out written on 2026-12-02 from the taxonomy's definitions alone by a helper who never saw this
    repository, kept outside it until measured once (docs/TRIAGE.md). holdout6-10 then served the tenth pass
    as development sets; holdout11 and holdout12 were written for it; holdout13 and holdout14 for the eleventh, holdout15 and holdout16 for the twelfth, holdout17-19 for the thirteenth, holdout20 and holdout21 for the fourteenth, holdout26-29 for the seventeenth and eighteenth, holdout30-32 for the nineteenth, holdout33 for the twentieth, holdout34 for the twenty-first (holdout35 measured once on it). Floors sit at least two messages below the figures, not at the product goal."""

    path: Path
    total: int
    measured: str  # what was measured once, for the reader
    min_urgent_recall: float
    max_urgent_as_none: int
    max_none_as_urgent: int
    min_concern_flagged: float


HOLDOUTS_6_TO_56 = {
    # Each measured once on the triage of its day (docs/TRIAGE.md). The figures and floors below are the
    # thirteenth pass's (adapter and calibrator trained again with semantic_acute.yml and semantic_voices.yml, more
    # lexicon floors), measured 2026-12-03 on the AVX-512 path (Intel Xeon): holdout6-18 had been seen
    # by then (holdout17 measured once before the pass, holdout18 once on a first rule that the external sets
    # rejected); holdout19 was measured once, on the final rule, never tuned on.
    # 217: 76 urgent, 58 concern, 83 none; 65% Danish ("Fresh hold-out 6").
    "holdout6": FreshHoldout(
        holdout(6), 217, "recall 0.816 (62/76), 0 urgent->none, 0 none->urgent, concern 58/58", 0.78, 2, 2, 0.96
    ),
    # 182: 65 urgent, 55 concern, 62 none; 66% Danish ("Eighth pass").
    "holdout7": FreshHoldout(
        holdout(7), 182, "recall 0.846 (55/65), 0 urgent->none, 1 none->urgent, concern 55/55", 0.81, 2, 3, 0.96
    ),
    # 210: 75 urgent, 65 concern, 70 none; 68% Danish ("Ninth pass").
    "holdout8": FreshHoldout(
        holdout(8), 210, "recall 0.853 (64/75), 2 urgent->none, 0 none->urgent, concern 65/65", 0.82, 4, 2, 0.96
    ),
    # 180: 65 urgent, 55 concern, 60 none; 68% Danish ("Ninth pass").
    "holdout9": FreshHoldout(
        holdout(9), 180, "recall 0.892 (58/65), 0 urgent->none, 0 none->urgent, concern 55/55", 0.86, 2, 2, 0.96
    ),
    # 190: 68 urgent, 57 concern, 65 none; 67% Danish ("Tenth pass").
    "holdout10": FreshHoldout(
        holdout(10), 190, "recall 0.809 (55/68), 1 urgent->none, 0 none->urgent, concern 55/57", 0.77, 3, 2, 0.92
    ),
    # 170: 60 urgent, 50 concern, 60 none; 74% Danish ("Tenth pass").
    "holdout11": FreshHoldout(
        holdout(11), 170, "recall 0.733 (44/60), 0 urgent->none, 0 none->urgent, concern 50/50", 0.7, 2, 2, 0.96
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Tenth pass").
    "holdout12": FreshHoldout(
        holdout(12), 180, "recall 0.933 (56/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.9, 2, 2, 0.96
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Eleventh pass"; first look on the tenth pass: 0.750, 3).
    "holdout13": FreshHoldout(
        holdout(13), 180, "recall 0.900 (54/60), 0 urgent->none, 0 none->urgent, concern 58/60", 0.86, 2, 2, 0.93
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Eleventh pass": measured once, untouched).
    "holdout14": FreshHoldout(
        holdout(14), 180, "recall 0.900 (54/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.86, 2, 2, 0.96
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Twelfth pass"; first look on the eleventh: 0.817, 1).
    "holdout15": FreshHoldout(
        holdout(15), 180, "recall 0.917 (55/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.88, 2, 2, 0.95
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Twelfth pass": measured once on the final rule, untouched).
    "holdout16": FreshHoldout(
        holdout(16), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 58/60", 0.93, 2, 2, 0.93
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Thirteenth pass"; measured once before it: 0.850, 0).
    "holdout17": FreshHoldout(
        holdout(17), 180, "recall 0.900 (54/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.86, 2, 2, 0.95
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Thirteenth pass"; first look on a rejected rule: 0.883).
    "holdout18": FreshHoldout(
        holdout(18), 180, "recall 0.817 (49/60), 0 urgent->none, 0 none->urgent, concern 55/60", 0.78, 2, 2, 0.88
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Thirteenth pass": measured once on the final rule).
    "holdout19": FreshHoldout(
        holdout(19), 180, "recall 0.817 (49/60), 1 urgent->none, 1 none->urgent, concern 56/60", 0.78, 3, 3, 0.9
    ),
    # Fourteenth pass (lexicon floors and semantic_boundaries.yml on the thirteenth pass's adapter and calibrator):
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish. Measured once before the pass (0.917, da 0.875 / en 1.00),
    # then tuned on: the figure below is a development figure.
    "holdout20": FreshHoldout(
        holdout(20), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 57/60", 0.95, 2, 2, 0.91
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Fourteenth pass": measured once on the final rule).
    "holdout21": FreshHoldout(
        holdout(21), 180, "recall 0.800 (48/60), 0 urgent->none, 1 none->urgent, concern 56/60", 0.76, 2, 3, 0.9
    ),
    # Fifteenth pass (lexicon floors, vetoes, an idiom yields to p(urgent) >= 0.97; same adapter and calibrator):
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish. Measured once before the pass (0.950, da 0.925 / en 1.00),
    # then tuned on: the figure below is a development figure.
    "holdout22": FreshHoldout(
        holdout(22), 180, "recall 1.000 (60/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.96, 2, 3, 0.96
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish, many everyday messages in the words of urgent ones
    # ("Fifteenth pass": measured once on the final rule).
    "holdout23": FreshHoldout(
        holdout(23), 180, "recall 0.983 (59/60), 0 urgent->none, 9 none->urgent, concern 60/60", 0.95, 2, 11, 0.96
    ),
    # Sixteenth pass (lexicon floors: a poison swallowed, a forced marriage tomorrow, things given away before
    # tonight, "all the pills ... i just did", an adult moving a child to another app). 180: 60 urgent, 60 concern,
    # 60 none; 67% Danish. Measured once before the pass on the fifteenth's rule (0.933, da 0.925 / en 0.95,
    # 0 urgent->none, 0 none->urgent, concern 60/60), then tuned on: floors from that figure.
    "holdout24": FreshHoldout(
        holdout(24), 180, "recall 0.933 (56/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.9, 2, 2, 0.96
    ),
    # 180: 60 urgent, 60 concern, 60 none; 67% Danish ("Sixteenth pass": measured once on the final rule).
    "holdout25": FreshHoldout(
        holdout(25), 180, "recall 0.917 (55/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.88, 2, 2, 0.95
    ),
    # Seventeenth pass. 180: 60 urgent, 60 concern, 60 none; 67% Danish. Written 2026-12-04 from a new brief (the
    # taxonomy's three definitions alone; docs/TRIAGE.md, "Seventeenth pass") and measured once before the pass on
    # the sixteenth's rule, on the AVX2 path (AMD EPYC): da 0.925 / en 0.95, none flagged da 32.5% / en 20%.
    "holdout26": FreshHoldout(
        holdout(26), 180, "recall 0.933 (56/60), 0 urgent->none, 1 none->urgent, concern 59/60", 0.9, 2, 3, 0.95
    ),
    # Seventeenth pass. 180: 60 urgent, 60 concern, 60 none; 67% Danish; same brief as holdout26, another helper.
    # Measured once on the seventeenth pass's final rule (AVX2, AMD EPYC): da 0.95 / en 1.00, 1 urgent judged none
    # (da), none flagged da 17.5% / en 20%.
    "holdout27": FreshHoldout(
        holdout(27), 180, "recall 0.967 (58/60), 1 urgent->none, 0 none->urgent, concern 59/60", 0.93, 3, 2, 0.95
    ),
    # Eighteenth pass. 180: 60 urgent, 60 concern, 60 none; 67% Danish; same brief, another helper. Measured once
    # before the pass on the seventeenth pass's rule (AVX2, AMD EPYC): da 0.975 / en 0.90, none flagged da 7.5% / en 25%.
    "holdout28": FreshHoldout(
        holdout(28), 180, "recall 0.95 (57/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.91, 2, 2, 0.96
    ),
    # Eighteenth pass. 180: 60 urgent, 60 concern, 60 none; 67% Danish; same brief, another helper. Measured once
    # on the eighteenth pass's final rule (AVX2, AMD EPYC): da 0.925 / en 0.80, 0 urgent judged none, none flagged
    # da 15% / en 20%.
    "holdout29": FreshHoldout(
        holdout(29), 180, "recall 0.883 (53/60), 0 urgent->none, 1 none->urgent, concern 58/60", 0.85, 2, 3, 0.93
    ),
    # Nineteenth pass. 180: 60 urgent, 60 concern, 60 none; 67% Danish; same brief, another helper. Measured once
    # before the pass on the eighteenth pass's rule (AVX2, AMD EPYC): da 0.95 / en 1.00, 0 urgent judged none,
    # none flagged da 7.5% / en 15%.
    "holdout30": FreshHoldout(
        holdout(30), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.93, 2, 2, 0.96
    ),
    # Nineteenth pass. Two sets of 180 (60 urgent, 60 concern, 60 none; 67% Danish); same brief, two more helpers,
    # written before the pass and measured once on its final rule (AVX2, AMD EPYC). holdout31: da 0.875 / en 1.00,
    # 0 urgent judged none, none judged urgent da 5% (2), none flagged da 20% / en 0%. holdout32: da 0.925 /
    # en 0.90, 0 urgent judged none, none flagged da 5% / en 10%.
    "holdout31": FreshHoldout(
        holdout(31), 180, "recall 0.917 (55/60), 0 urgent->none, 2 none->urgent, concern 60/60", 0.88, 2, 4, 0.96
    ),
    "holdout32": FreshHoldout(
        holdout(32), 180, "recall 0.917 (55/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.88, 2, 2, 0.96
    ),
    # Twentieth pass. 180 (60/60/60; 67% Danish); same brief, another helper; measured once BEFORE the pass, on the
    # nineteenth pass's rule: da 0.925 / en 0.95, 0 urgent judged none, none judged urgent da 2.5% (1), none flagged
    # da 15% / en 15%, concern flagged 1.00 / 0.95. A development set of the twentieth pass from then on.
    "holdout33": FreshHoldout(
        holdout(33), 180, "recall 0.933 (56/60), 0 urgent->none, 1 none->urgent, concern 59/60", 0.88, 2, 3, 0.94
    ),
    # Measured once on the twentieth pass's final rule: da 0.95 / en 1.00, 0 urgent judged none, none judged urgent
    # da 5% (2), none flagged da 10% / en 5%, concern flagged 1.00 / 1.00. A development set of the twenty-first pass.
    "holdout34": FreshHoldout(
        holdout(34), 180, "recall 0.967 (58/60), 0 urgent->none, 2 none->urgent, concern 60/60", 0.92, 2, 4, 0.96
    ),
    # Twenty-first pass. Measured once on its final rule: da 0.90 / en 0.95, 0 urgent judged none, none judged urgent
    # 0% / 0%, none flagged da 5% / en 20%, concern flagged 1.00 / 1.00. Never tuned on.
    "holdout35": FreshHoldout(
        holdout(35), 180, "recall 0.917 (55/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.88, 2, 2, 0.96
    ),
    # Twenty-second pass. 180 (60/60/60; 67% Danish); same brief, another helper. Measured once before the pass (on
    # the twenty-first pass's rule with one fix: a veto that capped no risk word no longer caps the semantic layer):
    # da 0.925 / en 0.95, 0 urgent judged none, none judged urgent da 5% (2) / en 5% (1), none flagged da 20% /
    # en 15%, concern flagged 1.00 / 1.00. A development set of the twenty-second pass from then on.
    "holdout36": FreshHoldout(
        holdout(36), 180, "recall 0.933 (56/60), 0 urgent->none, 3 none->urgent, concern 60/60", 0.9, 2, 5, 0.96
    ),
    # Measured once on the twenty-second pass's final rule (written while the pass ran, kept outside the repository
    # until then): da 1.00 / en 1.00, 0 urgent judged none, none judged urgent 0% / 0%, none flagged da 7.5% /
    # en 20%, concern flagged 0.975 / 1.00. Never tuned on.
    "holdout37": FreshHoldout(
        holdout(37), 180, "recall 1.000 (60/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.96, 2, 2, 0.95
    ),
    # Written while the second half of the twenty-second pass ran (place and farewell kinds, school-topic vetoes),
    # kept outside the repository, and measured once on its final rule. holdout38: da 0.90 / en 0.95, 0 urgent judged
    # none, none judged urgent 0% / 0%, none flagged da 5% / en 10%, concern flagged 0.975 / 1.00. holdout39: da 0.95
    # / en 0.90, 0 urgent judged none, none judged urgent 0% / 0%, none flagged da 7.5% / en 0%, concern flagged
    # 1.00 / 1.00. Never tuned on before these measurements.
    "holdout38": FreshHoldout(
        holdout(38), 180, "recall 0.917 (55/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.88, 2, 2, 0.95
    ),
    "holdout39": FreshHoldout(
        holdout(39), 180, "recall 0.933 (56/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.9, 2, 2, 0.96
    ),
    # Written while the third batch of the twenty-second pass ran (a crash on purpose, a rope tied, a plan with a day,
    # someone else's gun today), measured once on its final rule: da 0.95 / en 0.90, 0 urgent judged none, none judged
    # urgent da 2.5% (1) / en 0%, none flagged da 15% / en 5%, concern flagged 1.00 / 1.00. Never tuned on.
    "holdout40": FreshHoldout(
        holdout(40), 180, "recall 0.933 (56/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.9, 2, 3, 0.96
    ),
    # Twenty-third pass. Written before it from the brief alone, measured once on the twenty-second pass's final rule
    # (c62022a) before any change: da 0.90 / en 0.85, 0 urgent judged none, none judged urgent 0% / 0%, none flagged
    # da 12.5% / en 15%, concern flagged 0.975 / 1.00, within two turns 0.975 / 1.00. A development set from then on.
    "holdout42": FreshHoldout(
        holdout(42), 180, "recall 0.883 (53/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.85, 2, 2, 0.95
    ),
    # Written before the twenty-third pass, kept outside the repository, and measured once on its first commit
    # (9c7b2b6: the imminent and concern bars, the first floors). holdout41: da 0.925 / en 0.85, urgent judged none
    # 0 / 1, none judged urgent 0% / 0%, none flagged da 7.5% / en 15%, concern flagged 0.975 / 1.00, within two turns
    # 0.975 / 0.90. holdout43: da 0.95 / en 0.95, 0 urgent judged none, none judged urgent 0% / 0%, none flagged
    # da 2.5% / en 5%, concern flagged 0.975 / 1.00, within two turns 1.00 / 1.00. Development sets from then on.
    "holdout41": FreshHoldout(
        holdout(41), 180, "recall 0.900 (54/60), 1 urgent->none, 0 none->urgent, concern 59/60", 0.86, 3, 2, 0.95
    ),
    "holdout43": FreshHoldout(
        holdout(43), 180, "recall 0.950 (57/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.91, 2, 2, 0.95
    ),
    # Written during the twenty-third pass, kept outside the repository, and measured once on its second commit
    # (4a2a0b0). holdout44: da 0.95 / en 1.00, 0 urgent judged none, none judged urgent 0% / 0%, none flagged da 12.5%
    # / en 15%, concern flagged 1.00 / 1.00. holdout45: da 0.95 / en 1.00, 0 urgent judged none, none judged urgent
    # da 5% (2) / en 0%, none flagged da 10% / en 15%, concern flagged 1.00 / 0.95. Within two turns 1.00 on both.
    # Development sets from then on.
    "holdout44": FreshHoldout(
        holdout(44), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.93, 2, 2, 0.96
    ),
    "holdout45": FreshHoldout(
        holdout(45), 180, "recall 0.967 (58/60), 0 urgent->none, 2 none->urgent, concern 59/60", 0.93, 2, 4, 0.95
    ),
    # Written during the twenty-third pass, kept outside the repository, and measured once on its third commit
    # (07925de). holdout46: da 1.00 / en 1.00, 0 urgent judged none, none judged urgent 0% / 0%, concern flagged
    # 1.00 / 1.00, none flagged da 10% / en 10% (the one figure above the goal). holdout47: da 0.925 / en 0.90,
    # 0 urgent judged none, none judged urgent 0% / 0%, none flagged da 0% / en 20%, concern flagged 1.00 / 1.00,
    # within two turns 0.975 / 1.00. Development sets from then on.
    "holdout46": FreshHoldout(
        holdout(46), 180, "recall 1.000 (60/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.96, 2, 2, 0.96
    ),
    "holdout47": FreshHoldout(
        holdout(47), 180, "recall 0.917 (55/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.88, 2, 2, 0.96
    ),
    # Written during the twenty-third pass, kept outside the repository, and measured once on its final rule
    # (42f4c17). holdout48: da 0.925 / en 0.95, 0 urgent judged none, none judged urgent da 2.5% (1) / en 5% (1), none
    # flagged da 17.5% / en 15%, concern flagged 1.00 / 1.00. holdout49: da 0.975 / en 1.00, 0 urgent judged none,
    # none judged urgent 0% / 0%, none flagged da 12.5% / en 15%, concern flagged 1.00 / 1.00. Within two turns 1.00
    # on both. Never tuned on.
    "holdout48": FreshHoldout(
        holdout(48), 180, "recall 0.933 (56/60), 0 urgent->none, 2 none->urgent, concern 60/60", 0.9, 2, 4, 0.96
    ),
    "holdout49": FreshHoldout(
        holdout(49), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.95, 2, 2, 0.96
    ),
    # Written at the end of the twenty-third pass and measured once on its final rule (dd53daa, the rule of 42f4c17).
    # holdout50: da 0.95 / en 0.90, 0 urgent judged none, none judged urgent da 5% (2) / en 5% (1), none flagged da 15%
    # / en 5%, concern flagged 1.00 / 1.00, within two turns 1.00 / 1.00. holdout51: da 0.925 / en 1.00, urgent judged
    # none da 1 / en 0, none judged urgent da 5% (2) / en 0%, none flagged da 15% / en 0%, concern flagged 0.975 / 1.00,
    # within two turns 0.95 / 1.00. Never tuned on.
    "holdout50": FreshHoldout(
        holdout(50), 180, "recall 0.933 (56/60), 0 urgent->none, 3 none->urgent, concern 60/60", 0.9, 2, 5, 0.96
    ),
    "holdout51": FreshHoldout(
        holdout(51), 180, "recall 0.950 (57/60), 1 urgent->none, 2 none->urgent, concern 59/60", 0.91, 3, 4, 0.95
    ),
    # Written during the twenty-fourth pass, kept outside the repository, and each measured once (docs/TRIAGE.md,
    # "Twenty-fourth pass"): holdout52 on e42d42a, before the pass (da 0.975 / en 1.00, none flagged da 5% / en 15%);
    # holdout53 on d8004f9 (da 0.95 / en 0.90, urgent judged none en 1, none judged urgent da 5%); holdout54 on
    # 94f145d (da 0.90 / en 0.95, urgent judged none da 1); holdout55 on f5d2d1d (da 0.975 / en 1.00, none flagged
    # 5% / 5%, concern flagged en 0.95); holdout56 on c245128 (da 0.90 / en 1.00, none flagged 2.5% / 5%).
    # Development sets from then on.
    "holdout52": FreshHoldout(
        holdout(52), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.95, 2, 2, 0.96
    ),
    "holdout53": FreshHoldout(
        holdout(53), 180, "recall 0.933 (56/60), 1 urgent->none, 2 none->urgent, concern 60/60", 0.9, 3, 4, 0.96
    ),
    "holdout54": FreshHoldout(
        holdout(54), 180, "recall 0.917 (55/60), 1 urgent->none, 0 none->urgent, concern 60/60", 0.88, 3, 2, 0.96
    ),
    "holdout55": FreshHoldout(
        holdout(55), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.95, 2, 2, 0.95
    ),
    "holdout56": FreshHoldout(
        holdout(56), 180, "recall 0.933 (56/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.9, 2, 2, 0.96
    ),
}
