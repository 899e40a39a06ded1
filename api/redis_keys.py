"""The Redis key schema. Every key the gateway writes is built here and nowhere else.

Key                                   Type    TTL                   Holds
lyt:conv:{cid}                        hash    conversation TTL      meta: token_hash, lang, mode, level, score,
                                                                    topics, counsellor, band, created/active times
lyt:conv:{cid}:events                 stream  conversation TTL      every event shown to the young person (ids = event ids)
lyt:conv:{cid}:idem                   hash    conversation TTL      client_msg_id -> JSON list of reply event ids
lyt:conv:{cid}:recent                 list    conversation TTL      last few scrubbed youth messages (triage context)
lyt:conv:{cid}:triage                 list    conversation TTL      triage results (JSON) for the handover summary
lyt:conv:{cid}:notes                  list    conversation TTL      counsellors' private notes
lyt:conv:{cid}:answered               list    conversation TTL      titles of articles the bot answered with
lyt:conv:{cid}:cards                  list    conversation TTL      action cards shown (JSON: flow, topic, title, answers)
lyt:conv:{cid}:safety                 string  conversation TTL      the direct safety question: "pending:{kind}:{asker}" while
                                                                    the answer is awaited, then "answered:{answer}" (asked once)
lyt:conv:{cid}:retcode                hash    conversation TTL      the return code issued for this conversation: its argon2id hash (of a
                                                                    peppered HMAC of the code) and its index bucket; one code per conversation,
                                                                    replaced on re-issue, deleted when used, with the conversation and on
                                                                    delete-my-chat (api/services/return_codes.py)
lyt:retcode:bucket:{bucket}           set     2 x conversation TTL  cids whose current code falls in this index bucket ({bucket}: 4 hex
                                                                    characters of a keyed HMAC of the code, 65,536 buckets); stale members
                                                                    are dropped when read; a code is found without scanning all hashes
lyt:conv:{cid}:emergency              list    <= 24 h, never extended  emergency details: Fernet tokens of the personal data
                                                                    the scrubber removed while urgent (api/services/emergency.py);
                                                                    deleted on close and with the conversation
lyt:queue                             zset    none (ids expire)     waiting cids, score = band * 1e13 + enqueue ms
lyt:queue:leases                      zset    none                  claimed cids, score = lease expiry ms
lyt:counsellor:{name}                 hash    none                  account: password hash, role, capacity, disabled ("1"),
                                                                    tokens_after (unix s: tokens issued before are void)
lyt:login:fail:{source}:{name}        hash    1 hour (reset on set) failed logins for one (hashed source, name): count, last ms
lyt:counsellor:{name}:held            set     lease-refreshed       cids the counsellor holds
lyt:counsellor:{name}:held_urgent     set     lease-refreshed       the urgent ones among them (capacity rule)
lyt:counsellors:online                zset    none                  name -> last heartbeat ms
lyt:stats:waits:{band}                hash    none (aggregate)      EWMA of waits per band
lyt:stats:day:{yyyymmdd}              hash    8 days                aggregate counters for charts (no ids)
lyt:kb:feedback                       hash    conversation TTL      "{article id}:{yes|no}" -> count (article ids only, never text)
lyt:kb:gaps                           zset    30 days per member    "{ms}:{nonce}:{scrubbed question}", score = ms; pruned by
                                                                    score on every write, capped at KB_GAPS_MAX members
lyt:conv:{cid}:gaps                   list    conversation TTL      this conversation's members of lyt:kb:gaps (removed with it)
lyt:deleted:{hash}                    string  DELETED_TTL (15 min)  tombstone of a deleted conversation ({hash}: sha256 of the
                                                                    cid); every late writer (gateway, Rasa's tracker store)
                                                                    checks it and erases what it wrote
lyt:ratesalt:{day}                    string  25 hours              the salt all replicas hash client addresses with today
lyt:conv:{cid}:sockets                zset    60 s lease (renewed)  open youth sockets of one chat: socket id -> lease expiry ms
lyt:counsellor:{name}:sockets         zset    60 s lease (renewed)  open sockets of one counsellor (dashboard and chats)
lyt:ratelimit:{bucket}                string  <= 1 hour            counters keyed by a salted hash, never a raw IP
lyt:audit:emergency:{yyyymmdd}        list    90 days               reads of emergency details (JSON: who, when, conversation
                                                                    reference, how many values; never a value)
lyt:qvec:{cid}:{nonce}                list    10 s                  triage's embedding of one message for the knowledge
                                                                    search (knowledge/search/shared_vector.py); taken
                                                                    by the action server, or expires
lyt:alert:{kind}:{hash}                string  ALERT_CLAIM_TTL (48 h) claims one webhook alert (kind long_wait, out_of_hours,
                                                                    no_counsellor) or the youth's "still waiting" notice
                                                                    (kind youth_notice) for one conversation, across replicas
                                                                    (SET NX EX); {hash} is a keyed hash, never the cid
lyt:review:item:{id}                  hash    REVIEW_TTL (90 days)  one counsellor's correction of triage for curators: the stored (scrubbed)
                                                                    text of one youth message, lang, triage_level, level, kind (raised,
                                                                    lowered, missed, false_alarm), reason (fixed set), day; never a cid,
                                                                    event id, counsellor name or token; no TTL once a curator keeps it
                                                                    (`lyt triage review keep`); deleted on accept/reject (api/services/reviews.py)
lyt:review:week:{yyyy}-W{ww}          hash    REVIEW_WEEK_TTL (400 d)  corrections per ISO week: raised, lowered, missed, false_alarm -> count
Pub/sub channels: lyt:pub:conv:{cid} (new events for one conversation), lyt:pub:dashboard (queue changes: every
"queue:*" payload is also the queue-changed broadcast after which each gateway recomputes the positions of its own
waiting youth sockets, api/services/queue_push.py), lyt:pub:counsellor:{name} (risk events for the chats one
counsellor holds, JSON, to their dashboard sockets on every replica; never subscribed by a youth socket),
lyt:pub:revoke:{name} (the account was disabled or its tokens voided: every socket of that counsellor closes, 4401).
Rasa's own tracker store uses "rasa:tracker:{cid}" (record_exp = conversation TTL), its lock store "rasalock:lock:{cid}"
(bot/lock_store.py: deleted after each message, PX = ticket lifetime + 1 s while held). The gateway's warm-up turn
(api/services/first_turn.py) uses the sender "lyt-warmup-{random}" in place of a cid: its "rasa:tracker:...",
"rasalock:lock:..." and "lyt:qvec:..." keys (TTLs as above) are deleted at the end of the turn.
"""

from __future__ import annotations

PREFIX = "lyt"
QUEUE = f"{PREFIX}:queue"
QUEUE_LEASES = f"{PREFIX}:queue:leases"
COUNSELLORS_ONLINE = f"{PREFIX}:counsellors:online"
KB_FEEDBACK = f"{PREFIX}:kb:feedback"
KB_GAPS = f"{PREFIX}:kb:gaps"
DASHBOARD_CHANNEL = f"{PREFIX}:pub:dashboard"
RASA_TRACKER_PREFIX = "rasa"
RASA_LOCK_PREFIX = "rasalock"


def conversation(cid: str) -> str:
    return f"{PREFIX}:conv:{cid}"


def events(cid: str) -> str:
    return f"{PREFIX}:conv:{cid}:events"


def idempotency(cid: str) -> str:
    return f"{PREFIX}:conv:{cid}:idem"


def recent_messages(cid: str) -> str:
    return f"{PREFIX}:conv:{cid}:recent"


def triage_log(cid: str) -> str:
    return f"{PREFIX}:conv:{cid}:triage"


def notes(cid: str) -> str:
    return f"{PREFIX}:conv:{cid}:notes"


def answered_articles(cid: str) -> str:
    return f"{PREFIX}:conv:{cid}:answered"


def shown_cards(cid: str) -> str:
    """Action cards the bot showed, with the answers that chose their steps (handover summary)."""
    return f"{PREFIX}:conv:{cid}:cards"


def emergency_details(cid: str) -> str:
    """Not in `conversation_keys`: its TTL is never refreshed with the conversation's (at most 24 h)."""
    return f"{PREFIX}:conv:{cid}:emergency"


EMERGENCY_AUDIT_TTL_SECONDS = 90 * 86400


def emergency_audit(day: str) -> str:
    return f"{PREFIX}:audit:emergency:{day}"


def query_vector(cid: str, nonce: str) -> str:
    return f"{PREFIX}:qvec:{cid}:{nonce}"


def safety_question(cid: str) -> str:
    return f"{PREFIX}:conv:{cid}:safety"


def return_code(cid: str) -> str:
    """The return code issued for this conversation (api/services/return_codes.py); in `conversation_keys`, so
    it lives, is refreshed and is erased with the conversation."""
    return f"{PREFIX}:conv:{cid}:retcode"


def return_code_bucket(bucket: str) -> str:
    return f"{PREFIX}:retcode:bucket:{bucket}"


def conversation_keys(cid: str) -> list[str]:
    """Every key that belongs to one conversation (for TTL refresh and deletion)."""
    return [
        conversation(cid),
        events(cid),
        idempotency(cid),
        recent_messages(cid),
        triage_log(cid),
        notes(cid),
        answered_articles(cid),
        shown_cards(cid),
        conversation_gaps(cid),
        safety_question(cid),
        return_code(cid),
    ]


def conversation_channel(cid: str) -> str:
    return f"{PREFIX}:pub:conv:{cid}"


def counsellor_channel(name: str) -> str:
    return f"{PREFIX}:pub:counsellor:{name}"


def counsellor_revoke_channel(name: str) -> str:
    return f"{PREFIX}:pub:revoke:{name}"


LOGIN_FAILURES_TTL_SECONDS = 3600


def login_failures(source_hash: str, name: str) -> str:
    return f"{PREFIX}:login:fail:{source_hash}:{name}"


def counsellor(name: str) -> str:
    return f"{PREFIX}:counsellor:{name}"


def counsellor_held(name: str) -> str:
    return f"{PREFIX}:counsellor:{name}:held"


def counsellor_held_urgent(name: str) -> str:
    return f"{PREFIX}:counsellor:{name}:held_urgent"


def wait_stats(band: int) -> str:
    return f"{PREFIX}:stats:waits:{band}"


DAY_STATS_TTL_SECONDS = 8 * 86400


def day_stats(day: str) -> str:
    return f"{PREFIX}:stats:day:{day}"


def rate_limit(bucket: str) -> str:
    return f"{PREFIX}:ratelimit:{bucket}"


ALERT_CLAIM_TTL_SECONDS = 48 * 3600


def alert_claim(kind: str, hashed_cid: str) -> str:
    return f"{PREFIX}:alert:{kind}:{hashed_cid}"


def rasa_tracker(cid: str) -> str:
    return f"{RASA_TRACKER_PREFIX}:tracker:{cid}"


KB_GAPS_MAX = 5000
DELETED_TTL_SECONDS = 15 * 60


def conversation_gaps(cid: str) -> str:
    return f"{PREFIX}:conv:{cid}:gaps"


def deleted(cid: str) -> str:
    """The tombstone of a deleted conversation. Rasa's tracker store builds the same name (bot/tracker_store.py)."""
    import hashlib

    return f"{PREFIX}:deleted:{hashlib.sha256(cid.encode()).hexdigest()[:32]}"


def rate_salt(day: int) -> str:
    return f"{PREFIX}:ratesalt:{day}"


def conversation_sockets(cid: str) -> str:
    return f"{PREFIX}:conv:{cid}:sockets"


def counsellor_sockets(name: str) -> str:
    return f"{PREFIX}:counsellor:{name}:sockets"


REVIEW_TTL_SECONDS = 90 * 86400
REVIEW_WEEK_TTL_SECONDS = 400 * 86400


def review_item(item_id: str) -> str:
    """A review item (api/services/reviews.py); `review_item("")` is the prefix the curator's SCAN matches."""
    return f"{PREFIX}:review:item:{item_id}"


def review_week(iso_week: str) -> str:
    return f"{PREFIX}:review:week:{iso_week}"
