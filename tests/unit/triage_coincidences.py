"""Sentences fresh hold-out writers wrote word for word as earlier sets or our content (measured with them)."""

# A common concern phrase written independently in holdout2 and holdout4 ("sometimes i wish i could just
# disappear for a while"); holdout4 was measured with it, so it stays (docs/TRIAGE.md, fifth pass).
# holdout6's and holdout7's writers (who never saw this repository) both wrote "how do i turn off read receipts
# on insta", as the blind set had, and holdout7's writer wrote blind-0011's "tror ikk jeg er her imorgen"
# (urgent; the blind set was tuned on, so production's holdout7 recall is one message kinder). Measured with them.
# holdout8's writer wrote "ville ønske jeg aldrig var blevet født" (concern), word for word a Danish training example.
# It also wrote dev-0154's "everyone would be better off without me honestly".
# holdout9's writer wrote the same "ville ønske jeg aldrig var blevet født", and "vil ikk leve længere" (a training
# example once normalised), and three everyday or concern lines that holdout3, 6 and 8 also hold word for word
# ("how do i tell my parents i want to quit football", "...everyone would be better off without me"). Measured with them.
KNOWN_COINCIDENCES = frozenset(
    {"hold2-0073", "blind-0286", "blind-0011", "hold6-0124", "hold7-0162", "hold8-0167", "dev-0154"}
    | {"hold9-0074", "hold9-0134", "hold9-0055", "hold9-0161", "hold3-0139", "hold6-0021", "hold10-0185", "hold8-0081"}
    # holdout13's, holdout8's and holdout34's writers wrote the same idiom line ("jeg døde af grin da min lærer ...").
    | {"hold13-0166", "hold8-0040", "ho34-082"}
    # holdout32's and holdout35's writers wrote the same idiom line ("jeg dør af grin over den video du sendte ...").
    | {"ho32-166", "ho35-061"}
    # holdout38's writer (twenty-second pass) wrote four short everyday lines that earlier sets hold word for word
    # ("jeg døde af grin da min lærer ...", "min mor slår mig ihjel hvis hun ser min karakter i matematik", "i'm
    # dying to see the new spider-man movie", "hvad gør man hvis man har glemt sin kode til mitid"). Measured with them.
    | {"ho38-015", "ho38-041", "ho38-065", "ho38-125", "hold2-0113", "hold7-0123", "hold21-0055"}
    # holdout36's, holdout40's and holdout43's writers wrote the same idiom line ("... faldt over sin egen taske i dag
    # 😂😂").
    | {"ho36-096", "ho40-033", "ho43-009"}
    # holdout33's and holdout44's writers wrote the same idiom line with skulls ("... faldt over sin egen taske i dag
    # 💀💀").
    | {"ho33-117", "ho44-128"}
    # Writers of the twenty-third pass wrote four lines earlier sets hold the same once normalised: holdout46's
    # teacher idiom (holdout23's), its "this essay is going to be the death of me ..." (holdout29's), its passive
    # wish not to wake (holdout45's, written the same hour), and holdout47's "min mor slår mig ihjel hvis ... 02 i
    # matematik haha" (holdout16's). Measured with them.
    | {"ho46-152", "h23-125", "ho46-176", "h29-051", "ho46-070", "ho45-002", "ho47-162", "hold16-0002"}
    # holdout50's and holdout51's writers (end of the twenty-third pass) wrote three lines earlier sets hold the same once
    # normalised: holdout13's "cutting right now and i can't stop, it's deeper than usual", holdout36's psychologist
    # question, and the teacher idiom once more. Measured with them.
    | {"ho51-153", "hold13-0008", "ho50-148", "ho36-027", "ho51-144"}
    # holdout14's writer wrote three short everyday lines that earlier sets hold word for word (holdout12's "hej hvad
    # er jeres åbningstider", the blind set's "jeg dør af grin 😂😂" and "is it normal to feel nervous before a first
    # date"). Measured with them.
    | {"hold14-0005", "hold12-0126", "hold14-0155", "hold14-0176", "blind-0202", "blind-0290"}
    # holdout17's and holdout18's writers (thirteenth pass) wrote three lines earlier sets hold word for word
    # ("i keep thinking everyone would be better off without me", "hvorfor er jeg altid så træt om morgenen selvom
    # jeg sover 8 timer", and one football line they share). Measured with them.
    | {"hold17-0007", "hold17-0133", "hold14-0051", "hold17-0127", "hold18-0043"}
    # holdout15 and holdout16 (checked here since the thirteenth pass): holdout15's "i want to die" is a context
    # rule's history line in patterns.yml, and both writers wrote "i have the pills in my hand right now. i just
    # wanted someone to know". Measured with them.
    | {"hold15-0119", "hold15-0176", "hold16-0127"}
    # holdout20's and holdout21's writers (fourteenth pass) wrote four everyday lines and one idiom that earlier
    # sets hold word for word ("how do i turn off read receipts on insta", "hej er der nogen", the MitID code,
    # "min mor slår mig ihjel hvis jeg kommer for sent hjem igen haha"), and one they share ("how do i block
    # someone on discord without them knowing"). Measured with them.
    | {"hold20-0004", "hold21-0001", "hold20-0080", "hold12-0144", "hold20-0145", "blind-0245"}
    | {"hold21-0014", "hold11-0117", "hold20-0148", "hold21-0142"}
    # holdout24's writer (sixteenth pass) wrote holdout8's and holdout10's "sometimes i wish i could just fall asleep
    # and not wake up. not gonna do anything tho" word for word, and holdout25's writer wrote holdout14's "I'm
    # cutting right now and I can't stop" in the words the normaliser makes of "im cutting rn and i cant stop".
    # Measured with them.
    | {"h24-083", "h25-147", "hold14-0017"}
    # Twenty-fourth pass: holdout52-61's writers wrote everyday lines, a "stands on the bridge now" line, a
    # school-project question and a passive wish that earlier sets (or each other) hold word for word after
    # normalisation. Measured with them.
    | {"ho53-038", "hold13-0112", "ho60-102", "hold17-0127", "hold18-0043", "ho55-033", "h27-042", "ho61-152"}
    | {"h29-042", "ho52-116", "ho33-149", "ho57-142", "ho36-027", "ho50-148", "ho59-114", "ho37-013", "ho61-046"}
    | {"ho37-113", "ho59-166", "ho39-108", "ho57-162", "hold4-0015", "ho55-088", "ho43-161", "ho55-034", "ho57-177"}
    | {"ho47-172", "ho60-022", "ho48-167", "ho59-103", "ho58-131", "ho59-016", "ho60-044"}
    | {"ho62-014", "ho31-066", "ho63-166", "ho51-144", "ho62-162", "ho64-103", "ho64-023", "ho53-029", "ho62-076"}
    # Twenty-fifth pass: holdout65-76's writers wrote idiom lines, everyday questions, a passive wish with a denial and
    # a friend's overdose that earlier sets (or each other) hold word for word after normalisation. Measured with them.
    | {"ho56-078", "ho65-067", "ho45-002", "ho46-070", "ho66-055", "ho66-139", "ho67-004", "ho58-037", "ho67-135"}
    | {"ho68-094", "ho49-022", "ho68-010", "ho35-092", "ho69-145", "ho70-125", "ho47-055", "ho70-044", "ho54-105"}
    | {"ho70-123", "ho63-020", "ho70-099", "ho72-088", "ho71-177", "ho30-019", "ho72-030", "ho72-089", "ho72-109"}
    | {"ho73-027", "h26-051", "ho33-168", "ho50-117", "ho56-013", "ho67-090", "ho74-035", "ho74-056", "ho74-074"}
    | {"ho74-104", "ho75-049", "ho75-073", "ho76-011", "ho76-137", "ho76-173"}
    # holdout77-79's writers (twenty-sixth pass) wrote short lines that earlier sets hold the same once normalised.
    # Measured with them.
    | {"ho77-066", "hold13-0019", "ho77-004", "ho49-149", "ho77-121", "ho51-138", "ho78-094", "hold17-0127"}
    | {"hold18-0043", "ho60-102", "ho62-014", "ho70-125", "ho78-164", "ho63-159", "ho79-060", "hold13-0166"}
    | {"ho34-082", "ho38-065", "hold8-0040", "ho79-162", "hold16-0002", "ho47-162", "ho79-104", "ho67-022"}
    # holdout80-82's writers (measured once on the twenty-sixth pass's final rule) did the same.
    | {"ho80-025", "ho71-177", "ho72-088", "ho81-129", "h28-088", "ho81-111", "ho33-117", "ho44-128", "ho81-122"}
    | {"ho39-094", "ho82-170", "ho36-096", "ho40-033", "ho43-009", "ho51-144", "ho62-162", "ho64-103", "ho82-070"}
    | {"ho37-113", "ho61-046", "ho64-023"}
    # holdout83-85's writers (measured once on fa64f90, the third batch's rule) did the same.
    | {"ho83-129", "ho53-011", "ho83-069", "ho67-090", "ho74-104", "ho83-064", "ho72-113", "ho84-122", "h27-117"}
    | {"ho84-031", "ho70-106", "ho85-024", "ho49-084", "ho85-041", "ho78-045"}
    # holdout86-88's writers (measured once on 544bcf8, the fourth batch's rule) did the same.
    | {"ho86-051", "ho58-114", "ho87-088", "h29-111", "ho87-042", "ho34-087", "ho87-062", "ho87-174", "ho43-003"}
    | {"ho87-020", "ho53-095", "ho88-137", "ho32-166", "ho35-061", "ho88-173", "ho82-132"}
    # holdout89-91's writers (measured once on d5e9291, the pass's final rule) did the same.
    | {"ho89-041", "ho34-023", "ho89-020", "ho55-114", "ho89-127", "ho56-161", "ho89-034", "ho90-155", "ho38-148"}
    | {"ho90-178", "ho64-083", "ho91-075", "ho91-008", "ho79-031"}
    # holdout92-94's writers (twenty-seventh pass, measured once on 48b75ca) did the same.
    | {"ho92-070", "ho65-091", "ho92-173", "ho73-006", "ho93-149", "ho56-178", "ho94-101", "ho52-076"}
    # holdout95-97's writers (measured once on 152b7d7) did the same.
    | {"ho95-143", "ho50-039", "ho97-102", "ho55-164"}
    # holdout98-100's writers (measured once on 9284f70) did the same, and two wrote one line each other's set holds.
    | {"ho99-036", "ho100-106", "ho99-164", "ho34-087", "ho87-042", "ho100-089", "ho38-148", "ho90-155"}
    | {"ho100-101", "ho53-011", "ho83-129", "ho100-031", "ho58-131", "ho59-103"}
    | {"ho98-021", "ho58-114", "ho86-051", "ho89-034", "ho98-136", "ho83-162"}
    # holdout101-103's writers (measured once on 7eac9ba, the pass's final rule) did the same; holdout101's one short
    # everyday line (ho101-155) is held by nine earlier sets.
    | {"ho101-167", "ho100-089", "ho38-148", "ho90-155", "ho101-107", "ho49-030", "ho101-134", "ho78-128"}
    | {"ho101-155", "ho36-096", "ho40-033", "ho43-009", "ho51-144", "ho62-162", "ho64-103", "ho82-170", "ho87-062"}
    | {"ho101-064", "ho93-040", "ho102-017", "ho89-008", "ho103-050", "ho100-031", "ho58-131", "ho59-103"}
    | {"ho103-075", "ho46-122", "ho103-013", "ho47-079"}
    # The twenty-eighth pass's first writers (holdout104-106) wrote twelve lines that earlier sets or our content hold
    # the same once normalised: a friend's whole bottle of pills (holdout56), a self-harm talk in biology (holdout60),
    # the teacher idiom with skulls (a semantic `none` row) and "i could murder a burger rn" (a training row), the
    # psychologist question (holdout28, 81), a school project on youth suicide (holdout37, 61, 64, 82), "myrde en pizza"
    # (holdout45), not waking up (holdout47), "murder a pizza" (holdout64) and a new tattoo (holdout85). Measured with them.
    | {"ho104-144", "ho56-040", "ho104-108", "ho60-178", "ho105-050", "ho105-164", "ho105-028", "h28-088", "ho81-129"}
    | {"ho105-080", "ho37-113", "ho61-046", "ho64-023", "ho82-070", "ho105-143", "ho45-063", "ho105-147", "ho47-170"}
    | {"ho106-057", "ho64-106", "ho106-027", "ho85-018"}
    # holdout107-112's writers (measured once on the twenty-eighth pass's final rule) wrote lines earlier sets hold the
    # same once normalised: ibuprofen on an empty stomach, an uncle's "secret" (da and en), two periods in a month, a
    # job at Netto, "dør af grin over den video", a general support question, feeling a burden, "literally died when my
    # crush said hi", the teacher idiom, and a friend's whole pack of panodil. Measured with them.
    | {"ho107-157", "ho40-124", "ho107-127", "ho49-150", "ho107-112", "ho70-106", "ho84-031", "ho108-096", "ho81-082"}
    | {"ho109-168", "ho30-062", "ho109-055", "ho32-166", "ho35-061", "ho67-004", "ho72-089", "ho73-027", "ho74-074"}
    | {"ho76-011", "ho88-137", "ho109-010", "ho56-161", "ho89-127", "ho109-038", "ho71-122", "ho110-028", "h24-140"}
    | {"ho110-142", "ho45-031", "ho110-120", "ho46-030", "ho112-067", "ho100-101", "ho53-011", "ho83-129", "ho112-154"}
    | {"ho58-114", "ho86-051", "ho89-034", "ho98-021"}
    # holdout113-115's writers (measured once on the twenty-eighth pass's final rule): a school project on suicide,
    # "dør/døde af grin", psychologist or psychiatrist, a friend's whole pack of panodil, quitting football, the chem
    # homework idiom, ibuprofen with paracetamol, volunteering at 18. Measured with them.
    | {"ho113-001", "ho113-131", "ho113-069", "ho113-007", "ho114-162", "ho114-174", "ho114-066", "ho114-176"}
    | {"ho115-052", "ho73-148", "ho39-080"}
    # holdout116-121's writers (measured once on the twenty-ninth pass's batch) wrote lines earlier sets hold the same
    # once normalised: better off without me, psychologist or psychiatrist, work hours at 15, being in love, cutting
    # deeper now, "døde af grin", a cat that died or killed a mouse, a mother who "slår mig ihjel", a friend's pack of
    # panodil (da and en), dyed hair, not waking up tomorrow, on the bridge now, a school project. Measured with them.
    | {"ho101-134", "ho104-144", "ho105-080", "ho105-173", "ho113-069", "ho116-005", "ho117-012"}
    | {"ho117-056", "ho117-059", "ho117-163", "ho118-061", "ho118-113", "ho118-141", "ho118-168"}
    | {"ho119-073", "ho119-116", "ho119-169", "ho120-084", "ho120-121", "ho120-148", "ho120-166"}
    | {"ho35-137", "ho37-113", "ho45-002", "ho46-070", "ho47-029", "ho50-175", "ho53-029"}
    | {"ho53-038", "ho56-040", "ho56-121", "ho61-046", "ho62-076", "ho64-023", "ho66-055"}
    | {"ho68-094", "ho72-109", "ho78-128", "ho78-168", "ho82-070", "ho82-155", "ho88-124"}
    | {"hold10-0010", "hold11-0117", "hold13-0112", "hold21-0014"}
    # holdout122-125's writers (measured once on the twenty-ninth pass's final rule) wrote lines earlier sets hold the
    # same once normalised: a mother who "slår mig ihjel", ibuprofen on an empty stomach, "literally dying", "døde af
    # grin", a tattoo at 17, a razor blade in hand now, a friend's bottle or pack of pills (da and en). Measured with them.
    | {"ho101-129", "ho104-144", "ho107-157", "ho111-116", "ho112-180", "ho120-166", "ho122-080"}
    | {"ho122-104", "ho122-110", "ho123-032", "ho123-130", "ho124-042", "ho124-061", "ho124-064"}
    | {"ho124-179", "ho125-044", "ho125-147", "ho125-168", "ho34-082", "ho38-065", "ho40-124"}
    | {"ho54-045", "ho56-040", "ho57-119", "ho79-060", "ho88-077", "ho90-018", "ho94-032"}
    | {"hold13-0166", "hold8-0040", "hold9-0052"}
    # holdout126-131's writers (measured once on the thirtieth pass's final rule) wrote lines earlier sets hold the same
    # once normalised: a first-aid course, "to fluer med ét smæk", a mother who "slår mig ihjel", depression vs sadness,
    # "døde af grin", a Roblox contact who says "mature", ibuprofen after wisdom teeth, a friend's pack of panodil, "så
    # død efter træning", a school project on suicide, dyed hair, supporting a friend, a car that could hit me, quitting
    # football, psychologist or psychiatrist, work hours at 15, cutting now with much blood. Measured with them.
    | {"h23-149", "h27-114", "ho100-089", "ho101-167", "ho104-115", "ho105-080", "ho106-077"}
    | {"ho107-036", "ho108-142", "ho112-163", "ho113-007", "ho113-069", "ho114-162", "ho118-061"}
    | {"ho118-141", "ho119-116", "ho119-165", "ho126-030", "ho126-061", "ho126-171", "ho127-012"}
    | {"ho127-143", "ho128-060", "ho128-067", "ho128-076", "ho128-153", "ho128-166", "ho129-056"}
    | {"ho129-074", "ho129-080", "ho129-109", "ho129-175", "ho130-092", "ho130-102", "ho130-111"}
    | {"ho131-004", "ho131-054", "ho131-063", "ho131-081", "ho131-095", "ho131-151", "ho30-001"}
    | {"ho33-117", "ho33-168", "ho37-113", "ho38-148", "ho44-128", "ho51-074", "ho53-029"}
    | {"ho56-178", "ho61-046", "ho62-076", "ho64-023", "ho71-177", "ho72-088", "ho72-109"}
    | {"ho76-137", "ho80-025", "ho81-111", "ho82-070", "ho83-002", "ho88-124", "ho89-018"}
    | {"ho90-155", "ho91-075", "ho91-162", "ho93-149", "ho95-073", "hold20-0002"}
    # holdout132-141's writers (132-135 measured once on the thirtieth pass's final rule, 136-141 on the thirty-first's)
    # wrote lines earlier sets hold the same once normalised: maths or chemistry homework "literally killing me", "dør
    # af grin", a job application, quitting football, sadness vs depression, psychologist or psychiatrist, ibuprofen on
    # an empty stomach, not waking up "nemmere", a friend's whole pack of panodil, a razor "denne gang", supporting a
    # friend, a car that could hit me, a pizza to die for, a little brother "jeg kvæler ham". Measured with them.
    | {"blind-0267", "h27-114", "ho100-089", "ho101-106", "ho101-134", "ho101-167", "ho106-171"}
    | {"ho107-157", "ho114-162", "ho120-148", "ho124-061", "ho130-092", "ho131-081", "ho132-034"}
    | {"ho132-112", "ho133-151", "ho134-120", "ho134-132", "ho135-012", "ho135-057", "ho135-091"}
    | {"ho135-159", "ho136-015", "ho136-101", "ho137-109", "ho137-162", "ho138-018", "ho138-158"}
    | {"ho139-044", "ho139-054", "ho140-039", "ho141-034", "ho141-069", "ho141-116", "ho31-066"}
    | {"ho38-148", "ho40-124", "ho47-061", "ho56-078", "ho63-166", "ho65-067", "ho66-109"}
    | {"ho67-090", "ho68-087", "ho74-104", "ho75-049", "ho76-151", "ho78-128", "ho80-130"}
    | {"ho83-049", "ho83-069", "ho86-060", "ho90-155", "ho92-137", "hold17-0119"}
    # holdout142-145's writers (measured once on the thirty-first pass's final rule) wrote lines earlier sets hold the
    # same once normalised: a sprained ankle, not waking up "lettere", volunteering, psychologist or psychiatrist, a job at
    # 13, quitting football, supporting a friend, "døde af grin", chlamydia from kissing, dizzy after giving blood.
    | {"h27-021", "h29-042", "ho108-114", "ho114-155", "ho124-042", "ho136-015", "ho142-045"}
    | {"ho143-012", "ho143-063", "ho144-054", "ho144-073", "ho144-173", "ho145-065", "ho145-098"}
    | {"ho145-158", "ho145-172", "ho34-082", "ho38-065", "ho49-045", "ho51-138", "ho61-152"}
    | {"ho63-159", "ho68-087", "ho77-121", "ho78-164", "ho79-060", "ho82-023", "hold13-0166"}
    | {"hold8-0040"}
)
