"""Fresh hold-outs from holdout57 on (the twenty-fourth pass and later): what was measured once on each, and
the floors two messages below (docs/TRIAGE.md). Checked by tests/unit/test_triage_fresh_holdouts.py."""

from __future__ import annotations

from tests.unit.test_triage_support import holdout
from tests.unit.triage_fresh_holdouts_early import FreshHoldout

HOLDOUTS_FROM_57 = {
    # Written during the twenty-fourth pass and measured once on its final rule (5d80aca); never tuned on.
    # holdout57: da 0.95 / en 1.00, none judged urgent da 2.5%, none flagged 5% / 5%. holdout58: da 0.95 / en 0.95,
    # none judged urgent da 2.5%, none flagged 2.5% / 5%, concern flagged en 0.95. holdout59: da 0.875 / en 1.00, none
    # flagged 10% / 0%, concern flagged 0.975 / 0.95. holdout60: da 0.925 / en 0.95, urgent judged none da 1, none
    # flagged 7.5% / 5%. holdout61: da 0.975 / en 0.95, urgent judged none da 1, none flagged 7.5% / 10%.
    "holdout57": FreshHoldout(
        holdout(57), 180, "recall 0.967 (58/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.93, 2, 3, 0.96
    ),
    "holdout58": FreshHoldout(
        holdout(58), 180, "recall 0.950 (57/60), 0 urgent->none, 1 none->urgent, concern 59/60", 0.91, 2, 3, 0.95
    ),
    "holdout59": FreshHoldout(
        holdout(59), 180, "recall 0.917 (55/60), 0 urgent->none, 0 none->urgent, concern 58/60", 0.88, 2, 2, 0.93
    ),
    "holdout60": FreshHoldout(
        holdout(60), 180, "recall 0.933 (56/60), 1 urgent->none, 0 none->urgent, concern 60/60", 0.9, 3, 2, 0.96
    ),
    "holdout61": FreshHoldout(
        holdout(61), 180, "recall 0.967 (58/60), 1 urgent->none, 0 none->urgent, concern 60/60", 0.93, 3, 2, 0.96
    ),
    # Written during the twenty-fourth pass and measured once on the rule after its sixth batch (bdc9f5c), the
    # pass's final rule; never tuned on. holdout62: da 1.00 / en 1.00, 0 urgent judged none, none judged urgent da 5%
    # (2) / en 0%, none flagged da 20% / en 0%, concern flagged 1.00 / 1.00. holdout63: da 0.925 / en 0.95, none
    # judged urgent da 2.5% / en 10% (2), none flagged 10% / 15%. holdout64: da 0.95 / en 1.00, none judged urgent
    # da 2.5%, none flagged 7.5% / 10%. Within two turns 1.00 on all three.
    "holdout62": FreshHoldout(
        holdout(62), 180, "recall 1.000 (60/60), 0 urgent->none, 2 none->urgent, concern 60/60", 0.96, 2, 4, 0.96
    ),
    "holdout63": FreshHoldout(
        holdout(63), 180, "recall 0.933 (56/60), 0 urgent->none, 3 none->urgent, concern 60/60", 0.9, 2, 5, 0.96
    ),
    "holdout64": FreshHoldout(
        holdout(64), 180, "recall 0.967 (58/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.93, 2, 3, 0.96
    ),
    # Twenty-fifth pass (docs/TRIAGE.md), each measured once on the commit named, on this AVX-512 EPYC: holdout65 and
    # holdout66 on 36f6a9b (before the pass), holdout70 and holdout71 on 618a2c7, holdout67 on eabf0b4, holdout72 on
    # 3be13a1, holdout68, holdout69 and holdout73 on 467c770 (the sixth batch's rule); each tuned on after its
    # measurement.
    "holdout65": FreshHoldout(
        holdout(65), 180, "recall 0.967 (58/60), 0 urgent->none, 1 none->urgent, concern 59/60", 0.93, 2, 3, 0.95
    ),
    "holdout66": FreshHoldout(
        holdout(66), 180, "recall 0.933 (56/60), 1 urgent->none, 0 none->urgent, concern 59/60", 0.9, 3, 2, 0.95
    ),
    "holdout67": FreshHoldout(
        holdout(67), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.93, 2, 2, 0.95
    ),
    "holdout68": FreshHoldout(
        holdout(68), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.95, 2, 2, 0.96
    ),
    "holdout69": FreshHoldout(
        holdout(69), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 57/60", 0.93, 2, 2, 0.91
    ),
    "holdout70": FreshHoldout(
        holdout(70), 180, "recall 0.950 (57/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.91, 2, 3, 0.96
    ),
    "holdout71": FreshHoldout(
        holdout(71), 180, "recall 0.983 (59/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.95, 2, 3, 0.96
    ),
    "holdout72": FreshHoldout(
        holdout(72), 180, "recall 1.000 (60/60), 0 urgent->none, 2 none->urgent, concern 60/60", 0.96, 2, 4, 0.96
    ),
    "holdout73": FreshHoldout(
        holdout(73), 180, "recall 0.933 (56/60), 0 urgent->none, 2 none->urgent, concern 60/60", 0.9, 2, 4, 0.96
    ),
    # holdout74-76 were measured once on f16f0e7, the pass's final rule, and never tuned on.
    "holdout74": FreshHoldout(
        holdout(74), 180, "recall 0.933 (56/60), 1 urgent->none, 1 none->urgent, concern 59/60", 0.9, 3, 3, 0.95
    ),
    "holdout75": FreshHoldout(
        holdout(75), 180, "recall 0.917 (55/60), 0 urgent->none, 2 none->urgent, concern 59/60", 0.88, 2, 4, 0.95
    ),
    "holdout76": FreshHoldout(
        holdout(76), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.93, 2, 2, 0.96
    ),
    # Twenty-sixth pass: holdout77-79, measured once on eb8c3e7 (the twenty-fifth pass's final rule) before this pass
    # tuned on them; development sets from then on (docs/TRIAGE.md, "Twenty-sixth pass").
    "holdout77": FreshHoldout(
        holdout(77), 180, "recall 0.983 (59/60), 0 urgent->none, 1 none->urgent, concern 59/60", 0.95, 2, 3, 0.95
    ),
    "holdout78": FreshHoldout(
        holdout(78), 180, "recall 0.950 (57/60), 0 urgent->none, 1 none->urgent, concern 59/60", 0.91, 2, 3, 0.95
    ),
    "holdout79": FreshHoldout(
        holdout(79), 180, "recall 0.967 (58/60), 1 urgent->none, 1 none->urgent, concern 59/60", 0.93, 3, 3, 0.95
    ),
    # holdout80-82, written by new helpers during the twenty-sixth pass, kept outside the repository and measured once
    # on its second batch's rule (989f219, the commit that adds them); the third batch was written from their misses.
    "holdout80": FreshHoldout(
        holdout(80), 180, "recall 0.967 (58/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.93, 2, 3, 0.96
    ),
    "holdout81": FreshHoldout(
        holdout(81), 180, "recall 0.917 (55/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.88, 2, 2, 0.96
    ),
    "holdout82": FreshHoldout(
        holdout(82), 180, "recall 0.950 (57/60), 0 urgent->none, 3 none->urgent, concern 60/60", 0.91, 2, 5, 0.96
    ),
    # holdout83-85, measured once on the third batch's rule (fa64f90); the fourth batch was written from their misses.
    "holdout83": FreshHoldout(
        holdout(83), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.95, 2, 2, 0.95
    ),
    "holdout84": FreshHoldout(
        holdout(84), 180, "recall 0.933 (56/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.9, 2, 2, 0.95
    ),
    "holdout85": FreshHoldout(
        holdout(85), 180, "recall 0.933 (56/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.9, 2, 2, 0.95
    ),
    # holdout86-88, measured once on the fourth batch's rule (544bcf8); the fifth batch was written from their misses.
    "holdout86": FreshHoldout(
        holdout(86), 180, "recall 0.967 (58/60), 0 urgent->none, 1 none->urgent, concern 59/60", 0.93, 2, 3, 0.95
    ),
    "holdout87": FreshHoldout(
        holdout(87), 180, "recall 0.917 (55/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.88, 2, 3, 0.96
    ),
    "holdout88": FreshHoldout(
        holdout(88), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.95, 2, 2, 0.96
    ),
    # holdout89-91, written by new helpers during the twenty-sixth pass, kept outside the repository and measured once
    # on its final rule (d5e9291); never tuned on.
    "holdout89": FreshHoldout(
        holdout(89), 180, "recall 0.983 (59/60), 0 urgent->none, 1 none->urgent, concern 58/60", 0.95, 2, 3, 0.93
    ),
    "holdout90": FreshHoldout(
        holdout(90), 180, "recall 0.950 (57/60), 0 urgent->none, 1 none->urgent, concern 59/60", 0.91, 2, 3, 0.95
    ),
    "holdout91": FreshHoldout(
        holdout(91), 180, "recall 0.950 (57/60), 1 urgent->none, 0 none->urgent, concern 59/60", 0.91, 3, 2, 0.95
    ),
    # holdout92-94, written by new helpers during the twenty-seventh pass and measured once on its first batch's rule
    # (48b75ca); the second batch was written from their misses.
    "holdout92": FreshHoldout(
        holdout(92), 180, "recall 0.983 (59/60), 0 urgent->none, 2 none->urgent, concern 60/60", 0.95, 2, 4, 0.96
    ),
    "holdout93": FreshHoldout(
        holdout(93), 180, "recall 0.883 (53/60), 3 urgent->none, 0 none->urgent, concern 60/60", 0.85, 5, 2, 0.96
    ),
    "holdout94": FreshHoldout(
        holdout(94), 180, "recall 0.950 (57/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.91, 2, 3, 0.96
    ),
    # holdout95-97, written by new helpers during the twenty-seventh pass and measured once on its second batch's rule
    # (152b7d7); the third batch was written from their misses.
    "holdout95": FreshHoldout(
        holdout(95), 180, "recall 0.967 (58/60), 1 urgent->none, 1 none->urgent, concern 60/60", 0.93, 3, 3, 0.96
    ),
    "holdout96": FreshHoldout(
        holdout(96), 180, "recall 0.967 (58/60), 0 urgent->none, 2 none->urgent, concern 60/60", 0.93, 2, 4, 0.96
    ),
    "holdout97": FreshHoldout(
        holdout(97), 180, "recall 0.950 (57/60), 1 urgent->none, 0 none->urgent, concern 58/60", 0.91, 3, 2, 0.93
    ),
    # holdout98-100, written by new helpers during the twenty-seventh pass and measured once on its third batch's rule
    # (9284f70); the fourth batch was written from their misses.
    "holdout98": FreshHoldout(
        holdout(98), 180, "recall 1.000 (60/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.96, 2, 2, 0.96
    ),
    "holdout99": FreshHoldout(
        holdout(99), 180, "recall 0.900 (54/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.86, 2, 2, 0.96
    ),
    "holdout100": FreshHoldout(
        holdout(100), 180, "recall 0.967 (58/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.93, 2, 3, 0.96
    ),
    # holdout101-103, written by new helpers during the twenty-seventh pass, kept outside the repository and measured
    # once on its final rule (7eac9ba); never tuned on.
    "holdout101": FreshHoldout(
        holdout(101), 180, "recall 0.950 (57/60), 2 urgent->none, 1 none->urgent, concern 60/60", 0.91, 4, 3, 0.96
    ),
    "holdout102": FreshHoldout(
        holdout(102), 180, "recall 0.983 (59/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.95, 2, 3, 0.96
    ),
    "holdout103": FreshHoldout(
        holdout(103), 180, "recall 0.983 (59/60), 1 urgent->none, 0 none->urgent, concern 60/60", 0.95, 3, 2, 0.96
    ),
    # holdout104-106, written by new helpers at the start of the twenty-eighth pass, kept outside the repository and
    # measured once on the twenty-seventh pass's final rule (7eac9ba); the twenty-eighth pass's first batch was
    # written from their misses and holdout101-103's.
    "holdout104": FreshHoldout(
        holdout(104), 180, "recall 0.917 (55/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.88, 2, 2, 0.96
    ),
    "holdout105": FreshHoldout(
        holdout(105), 180, "recall 0.950 (57/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.91, 2, 2, 0.96
    ),
    "holdout106": FreshHoldout(
        holdout(106), 180, "recall 1.000 (60/60), 0 urgent->none, 1 none->urgent, concern 59/60", 0.96, 2, 3, 0.95
    ),
    # holdout107-109, written by new helpers during the twenty-eighth pass, kept outside the repository and measured once
    # on its first batch's rule, the pass's final rule; holdout110-112 likewise. None of the six was tuned on.
    "holdout107": FreshHoldout(
        holdout(107), 180, "recall 0.917 (55/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.88, 2, 3, 0.96
    ),
    "holdout108": FreshHoldout(
        holdout(108), 180, "recall 0.983 (59/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.95, 2, 3, 0.96
    ),
    "holdout109": FreshHoldout(
        holdout(109), 180, "recall 1.000 (60/60), 0 urgent->none, 1 none->urgent, concern 58/60", 0.96, 2, 3, 0.93
    ),
    "holdout110": FreshHoldout(
        holdout(110), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 58/60", 0.93, 2, 2, 0.93
    ),
    "holdout111": FreshHoldout(
        holdout(111), 180, "recall 0.983 (59/60), 0 urgent->none, 1 none->urgent, concern 58/60", 0.95, 2, 3, 0.93
    ),
    "holdout112": FreshHoldout(
        holdout(112), 180, "recall 0.983 (59/60), 1 urgent->none, 0 none->urgent, concern 58/60", 0.95, 3, 2, 0.93
    ),
    # holdout113-115, written by new helpers at the start of the twenty-ninth pass, kept outside the repository and
    # measured once on the twenty-eighth pass's final rule (c9039d7, the content of f5a7042); the twenty-ninth pass's
    # batch was written from their misses and holdout107-112's.
    "holdout113": FreshHoldout(
        holdout(113), 180, "recall 0.983 (59/60), 0 urgent->none, 1 none->urgent, concern 59/60", 0.95, 2, 3, 0.95
    ),
    "holdout114": FreshHoldout(
        holdout(114), 180, "recall 0.983 (59/60), 0 urgent->none, 2 none->urgent, concern 59/60", 0.95, 2, 4, 0.95
    ),
    "holdout115": FreshHoldout(
        holdout(115), 180, "recall 1.000 (60/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.96, 2, 2, 0.96
    ),
    # holdout116-121, written by new helpers during the twenty-ninth pass, kept outside the repository and measured once
    # on its batch (bc6b7cb), the pass's final rule. None of the six was tuned on.
    "holdout116": FreshHoldout(
        holdout(116), 180, "recall 0.950 (57/60), 2 urgent->none, 1 none->urgent, concern 59/60", 0.91, 4, 3, 0.95
    ),
    "holdout117": FreshHoldout(
        holdout(117), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.93, 2, 2, 0.96
    ),
    "holdout118": FreshHoldout(
        holdout(118), 180, "recall 0.950 (57/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.91, 2, 3, 0.96
    ),
    "holdout119": FreshHoldout(
        holdout(119), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.93, 2, 2, 0.95
    ),
    "holdout120": FreshHoldout(
        holdout(120), 180, "recall 1.000 (60/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.96, 2, 2, 0.96
    ),
    "holdout121": FreshHoldout(
        holdout(121), 180, "recall 0.967 (58/60), 0 urgent->none, 1 none->urgent, concern 58/60", 0.93, 2, 3, 0.93
    ),
    # holdout122-125, written by new helpers at the start of the thirtieth pass, kept outside the repository and
    # measured once on the twenty-ninth pass's final rule (8c83f93, the content of bc6b7cb); the thirtieth pass's batch
    # was written from their misses and holdout116-121's.
    "holdout122": FreshHoldout(
        holdout(122), 180, "recall 0.967 (58/60), 1 urgent->none, 2 none->urgent, concern 60/60", 0.93, 3, 4, 0.96
    ),
    "holdout123": FreshHoldout(
        holdout(123), 180, "recall 0.950 (57/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.91, 2, 3, 0.96
    ),
    "holdout124": FreshHoldout(
        holdout(124), 180, "recall 0.950 (57/60), 1 urgent->none, 1 none->urgent, concern 59/60", 0.91, 3, 3, 0.95
    ),
    "holdout125": FreshHoldout(
        holdout(125), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.95, 2, 2, 0.96
    ),
    # holdout126-131, written by new helpers during the thirtieth pass, kept outside the repository and measured once on
    # its final rule (ea03d6d's content). None of the six was tuned on.
    "holdout126": FreshHoldout(
        holdout(126), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.95, 2, 2, 0.96
    ),
    "holdout127": FreshHoldout(
        holdout(127), 180, "recall 1.000 (60/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.96, 2, 3, 0.96
    ),
    "holdout128": FreshHoldout(
        holdout(128), 180, "recall 0.950 (57/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.91, 2, 2, 0.95
    ),
    "holdout129": FreshHoldout(
        holdout(129), 180, "recall 0.933 (56/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.90, 2, 2, 0.96
    ),
    "holdout130": FreshHoldout(
        holdout(130), 180, "recall 0.967 (58/60), 0 urgent->none, 2 none->urgent, concern 60/60", 0.93, 2, 4, 0.96
    ),
    "holdout131": FreshHoldout(
        holdout(131), 180, "recall 0.967 (58/60), 1 urgent->none, 0 none->urgent, concern 59/60", 0.93, 3, 2, 0.95
    ),
    # holdout132-135, written by new helpers at the start of the thirty-first pass, kept outside the repository and
    # measured once on the thirtieth pass's final rule (7fb4fa2); the thirty-first pass's batch was written from their
    # misses and holdout126-131's.
    "holdout132": FreshHoldout(
        holdout(132), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.95, 2, 2, 0.96
    ),
    "holdout133": FreshHoldout(
        holdout(133), 180, "recall 0.950 (57/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.91, 2, 2, 0.96
    ),
    "holdout134": FreshHoldout(
        holdout(134), 180, "recall 1.000 (60/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.96, 2, 3, 0.96
    ),
    "holdout135": FreshHoldout(
        holdout(135), 180, "recall 0.917 (55/60), 0 urgent->none, 0 none->urgent, concern 58/60", 0.88, 2, 2, 0.93
    ),
    # holdout136-141, written by new helpers at the start of the thirty-first pass, kept outside the repository and
    # measured once on its final rule. None of the six was tuned on.
    "holdout136": FreshHoldout(
        holdout(136), 180, "recall 0.933 (56/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.90, 2, 3, 0.96
    ),
    "holdout137": FreshHoldout(
        holdout(137), 180, "recall 0.967 (58/60), 0 urgent->none, 1 none->urgent, concern 60/60", 0.93, 2, 3, 0.96
    ),
    "holdout138": FreshHoldout(
        holdout(138), 180, "recall 0.933 (56/60), 1 urgent->none, 1 none->urgent, concern 60/60", 0.90, 3, 3, 0.96
    ),
    "holdout139": FreshHoldout(
        holdout(139), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.95, 2, 2, 0.96
    ),
    "holdout140": FreshHoldout(
        holdout(140), 180, "recall 0.983 (59/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.95, 2, 2, 0.96
    ),
    "holdout141": FreshHoldout(
        holdout(141), 180, "recall 0.933 (56/60), 0 urgent->none, 0 none->urgent, concern 59/60", 0.90, 2, 2, 0.95
    ),
    # holdout142-145, written by new helpers after the thirty-first pass's rule was final, kept outside the repository
    # and measured once on it. None of the four was tuned on.
    "holdout142": FreshHoldout(
        holdout(142), 180, "recall 0.967 (58/60), 1 urgent->none, 1 none->urgent, concern 60/60", 0.93, 3, 3, 0.96
    ),
    "holdout143": FreshHoldout(
        holdout(143), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.93, 2, 2, 0.96
    ),
    "holdout144": FreshHoldout(
        holdout(144), 180, "recall 0.967 (58/60), 0 urgent->none, 0 none->urgent, concern 60/60", 0.93, 2, 2, 0.96
    ),
    "holdout145": FreshHoldout(
        holdout(145), 180, "recall 0.950 (57/60), 1 urgent->none, 1 none->urgent, concern 59/60", 0.91, 3, 3, 0.95
    ),
}
