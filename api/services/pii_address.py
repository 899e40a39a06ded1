"""Street addresses in a message: the street-name token(s) plus a house number, and nothing more.

An address is anchored on a street word, never on a run of capitalised words:

- a word ending in a Danish street suffix (`Nørrebrogade`, `nørregade`, `Strandvejen`, `Åboulevard`,
  `Nytorv`, `Bakkehøj`), optionally after a known prefix word (`Gammel Kongevej`, `Ny Østergade`);
- a street word standing alone after a name (`Frederiksberg Allé`, `H.C. Andersens Boulevard`,
  `Peter Bangs Vej`, `Roskilde Landevej`), where the lone word `vej`, `gade`, `plads` or `torv` needs a
  capital letter or a genitive name before it, so `på vej 2 skolen` is ordinary Danish;
- English number-first forms (`221 Baker Street`, `42 oak road`).

The house number (`12`, `12A`, `nr. 12`, `12-14`) is required and must not be a count (`2 gange`,
`3 timer`) or a time (`14.30`). The span then takes the floor and side (`3. th`, `st. tv`, `2. sal`)
and a postcode with its town (`2200 København N`) when they follow.

The work is linear in the message: one pass of `\\w+` tokens and one pass of a suffix pattern whose
matches must end a word; every check after that looks at a fixed number of neighbouring tokens.
"""

from __future__ import annotations

import bisect
import re

_TOKEN = re.compile(r"\w+")

# suffix -> the shortest stem in front of it (0: the word may stand alone, see _STANDALONE)
_DA_SUFFIX_MIN_STEM = {
    "vej": 1, "vejen": 1, "gade": 1, "gaden": 2, "allé": 2, "alle": 3, "plads": 2, "pladsen": 2,
    "vænget": 1, "vænge": 2, "stræde": 1, "strædet": 1, "boulevard": 1, "torv": 2, "torvet": 2,
    "parken": 3, "have": 3, "haven": 4, "bakken": 3, "bakke": 3, "høj": 3, "højen": 3, "stien": 3,
    "toften": 3, "toft": 3, "løkken": 3, "løkke": 3, "kaj": 3, "kajen": 3, "vang": 3, "vangen": 3,
    "brygge": 3, "landevej": 1, "passage": 3,
}  # fmt: skip
# Danish street words that may stand alone after a name: "Frederiksberg Allé", "Islands Brygge".
_STANDALONE = {"vej", "gade", "allé", "alle", "plads", "boulevard", "torv", "stræde", "brygge", "landevej",
               "vænge", "vænget", "passage", "kaj"}  # fmt: skip
# ...of which these are also everyday words ("på vej", "alle 3", "der er plads") and need more evidence.
_EVERYDAY = {"vej", "gade", "plads", "torv", "alle", "kaj"}
_EN_TYPES = {"street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "boulevard", "blvd", "crescent",
             "way", "close", "court", "ct", "place", "pl", "terrace", "gardens", "grove", "square", "sq",
             "drive", "dr", "walk", "row", "hill", "mews"}  # fmt: skip
# English street words that are also ordinary words: the name and the street word must be capitalised.
_EN_AMBIGUOUS = {"way", "close", "court", "ct", "place", "pl", "terrace", "gardens", "grove", "square", "sq",
                 "drive", "dr", "walk", "row", "hill", "mews"}  # fmt: skip


_Trie = dict[str, "_Trie"]


def word_alternation(words: set[str] | list[str] | tuple[str, ...], fold: bool = True) -> str:
    """A pattern for any of `words` as a trie ("v(?:ej(?:en)?|ang)"), case-insensitive unless `fold` is false:
    the regex engine then skips every position whose character cannot start a word, which a plain `a|b|c`
    with IGNORECASE does not."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for char in word.lower():
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def emit(node: _Trie) -> str:
        alternatives = [
            (_char_class(char) if fold else re.escape(char)) + emit(child) for char, child in sorted(node.items()) if char
        ]
        if not alternatives:
            return ""
        body = alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _char_class(char: str) -> str:
    upper = char.upper()
    return f"[{re.escape(char)}{re.escape(upper)}]" if len(upper) == 1 and upper != char else re.escape(char)


# A street word's suffix at the end of a word ("gade" in "Nørrebrogade").
_SUFFIX_WORD = re.compile(word_alternation(set(_DA_SUFFIX_MIN_STEM) | _EN_TYPES) + r"(?!\w)")
_SUFFIX_WORD_LOWER = re.compile(word_alternation(set(_DA_SUFFIX_MIN_STEM) | _EN_TYPES, fold=False) + r"(?!\w)")
_DIGIT = re.compile(r"\d")
_WORD_CHAR = re.compile(r"\w")
_NUMBER_AFTER = re.compile(r"[ \t]{1,3}(?:[nN][rR]\.?[ \t]{0,2})?\d")
WINDOW = 64  # characters either side of a street word: more than any address needs
# Ordinary words that end like a street: detours, parking lots, gardens, "sky-high".
_NOT_STREETS = {
    "omvej", "omvejen", "genvej", "genvejen", "udvej", "udvejen", "nødudvej", "motorvej", "motorvejen",
    "sidevej", "sidevejen", "halvvej", "hovedvej", "skolevej", "skolevejen", "hjemvej", "hjemvejen",
    "cykelvej", "brigade", "parkeringsplads", "parkeringspladsen", "arbejdsplads", "arbejdspladsen",
    "legeplads", "legepladsen", "førsteplads", "andenplads", "tredjeplads", "siddeplads", "praktikplads",
    "læreplads", "ståplads", "boldplads", "campingplads", "behave", "baghave", "baghaven", "forhave",
    "forhaven", "køkkenhave", "skolehave", "skyhøj", "kæmpehøj", "cykelstien", "gangstien", "skateparken",
    "forlystelsesparken", "legeparken", "hundeparken", "nedadbakke", "opadbakke", "alle", "halle",
}  # fmt: skip
# Words before a Danish street word that belong to its name: "Gammel Kongevej", "Sankt Annæ Plads".
_PREFIX_WORDS = {
    "gammel", "gl", "ny", "nye", "store", "lille", "nørre", "søndre", "nordre", "vester", "øster", "sankt",
    "skt", "sct", "kong", "kongens", "dronning", "dronningens", "prins", "prinsesse", "christian", "frederik",
}  # fmt: skip
# Streets named after a town or district: "Valby Langgade", "Lyngby Hovedgade", "Køge Landevej".
_TOWN_STREETS = {"langgade", "hovedgade", "landevej", "bygade", "kongevej", "strandvej", "stationsvej"}
# Words that never name a street: "på vej 2 skolen", "hele vej", "the 2 best road trips".
STOPWORDS = {
    "på", "i", "til", "fra", "ad", "af", "med", "mod", "om", "over", "under", "ved", "hos", "ind", "ud", "op",
    "ned", "hjem", "jeg", "du", "han", "hun", "den", "det", "de", "vi", "man", "min", "mit", "mine", "din",
    "dit", "dine", "sin", "sit", "sine", "hans", "hendes", "deres", "vores", "jeres", "en", "et", "og",
    "eller", "men", "at", "som", "der", "her", "er", "var", "har", "havde", "skal", "vil", "kan", "må", "bor",
    "boede", "går", "gik", "kører", "kørte", "hele", "samme", "anden", "andet", "andre", "rigtige",
    "forkerte", "lange", "korte", "ene", "næste", "sidste", "første", "ingen", "nogen", "noget", "alle",
    "hver", "hvilken", "hvilket", "denne", "dette", "disse", "lige", "langt", "halvvejs", "videre",
    "tilbage", "så", "nu", "da", "når", "hvor", "ikke", "også", "bare", "mig", "dig", "os", "jer", "dem",
    "ham", "hende", "sig", "the", "a", "an", "on", "in", "to", "of", "my", "your", "his", "our",
    "their", "its", "this", "that", "these", "those", "down", "up", "across", "along", "into", "by",
    "and", "or", "but", "is", "was", "are", "you", "he", "she", "we", "they", "me", "one", "two", "three",
    "first", "second", "next", "last", "same", "wrong", "right", "long", "short", "whole", "every",
    "each", "other", "another", "no", "some", "any", "live", "lives", "near", "behind", "opposite",
    "best", "big", "small", "dirt", "busy", "empty", "dark",
}  # fmt: skip
# A number followed by one of these is a count, not a house number: "Rådhuspladsen 3 gange".
UNITS = {
    "timer", "time", "t", "minutter", "minut", "sek", "sekunder", "dage", "dag", "døgn", "uger",
    "uge", "måneder", "måned", "år", "gange", "gang", "kr", "kroner", "dkk", "euro", "km", "m", "meter",
    "cm", "kg", "procent", "pct", "personer", "mennesker", "stk", "styk", "piller", "pille", "klasse",
    "point", "sider", "gram", "g", "mg", "ml", "liter", "øl", "elever", "venner", "børn", "hours", "hour",
    "minutes", "mins", "seconds", "days", "day", "weeks", "week", "months", "years", "times", "miles",
    "pills", "people", "kids", "friends", "pm", "am", "x", "stykker", "drinks", "shots", "kilo",
}  # fmt: skip
_HOUSE_NUMBER = re.compile(r"\d{1,4}[a-zA-Z]?")
_EN_HOUSE_NUMBER = re.compile(r"\d{1,5}[a-zA-Z]?")
_FLOOR_SIDE = re.compile(r"\d{1,2}(?:th|tv|mf)")
_SIDES = {"th", "tv", "mf"}
_SPACE = re.compile(r"[ \t]{1,3}")
_COMMA_SPACE = re.compile(r"[ \t]{0,2},?[ \t]{0,3}")
_DOT_SPACE = re.compile(r"\.?[ \t]{0,2}")


class _Tokens:
    """The `\\w+` tokens of text[lo:hi] (a window around one street word), with offsets into the whole text."""

    def __init__(self, text: str, lo: int, hi: int) -> None:
        self.text, self.limit = text, hi
        spans = [m.span() for m in _TOKEN.finditer(text, lo, hi)]
        if spans and lo > 0 and spans[0][0] == lo and _WORD_CHAR.match(text, lo - 1):
            spans.pop(0)  # cut by the window
        if spans and hi < len(text) and spans[-1][1] == hi and _WORD_CHAR.match(text, hi):
            spans.pop()
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]

    def index_ending_at(self, end: int) -> int | None:
        i = bisect.bisect_left(self.ends, end)
        return i if i < len(self.ends) and self.ends[i] == end else None

    def __len__(self) -> int:
        return len(self.starts)

    def word(self, i: int) -> str:
        return self.text[self.starts[i] : self.ends[i]]

    def gap(self, i: int) -> str:
        """The text between token i and token i + 1 (bounded: long gaps are cut, they never qualify)."""
        end = self.starts[i + 1] if i + 1 < len(self.starts) else self.limit
        return self.text[self.ends[i] : min(end, self.ends[i] + 8)]

    def gap_is(self, i: int, pattern: re.Pattern[str]) -> bool:
        if i + 1 >= len(self.starts) or self.starts[i + 1] - self.ends[i] > 8:
            return False
        return pattern.fullmatch(self.gap(i)) is not None


def _is_name(word: str) -> bool:
    return word.isalpha() and len(word) >= 2 and word.lower() not in STOPWORDS


def _house_number_end(toks: _Tokens, i: int) -> int | None:
    """Token index of the last token of the house number after street token i (None: there is none)."""
    j = i + 1
    if j < len(toks) and toks.word(j).lower() == "nr" and toks.gap_is(i, _SPACE) and toks.gap_is(j, _DOT_SPACE):
        i, j = j, j + 1
    elif not toks.gap_is(i, _SPACE):
        return None
    if j >= len(toks) or not _HOUSE_NUMBER.fullmatch(toks.word(j)):
        return None
    if not _is_house_number_use(toks, j):
        return None
    if j + 1 < len(toks) and toks.gap(j) == "-" and toks.word(j + 1).isdigit():  # "12-14"
        j += 1
    if j + 1 < len(toks) and toks.gap(j) == " " and len(toks.word(j + 1)) == 1 and toks.word(j + 1) in "ABCDEFGH":
        j += 1  # "12 A"
    return j


def _is_house_number_use(toks: _Tokens, j: int) -> bool:
    """False for a count ("3 gange"), a time ("14.30") or a decimal ("2,5")."""
    if j + 1 >= len(toks):
        return True
    gap = toks.gap(j)
    if gap in (".", ":", ","):
        return gap == "," and _floor_end(toks, j) is not None  # "12,3. th" but not "2,5 km"
    return not (toks.gap_is(j, _SPACE) and toks.word(j + 1).lower() in UNITS)


def _floor_end(toks: _Tokens, j: int) -> int | None:
    """After house number token j: the last token of a floor and side ("3. th", "st. tv", "2. sal")."""
    k = j + 1
    if k >= len(toks) or not toks.gap_is(j, _COMMA_SPACE):
        return None
    word = toks.word(k).lower()
    if word in _SIDES or _FLOOR_SIDE.fullmatch(word):
        return k
    if (word.isdigit() and len(word) <= 2) or word == "st":
        if k + 1 < len(toks) and toks.gap_is(k, _DOT_SPACE):
            nxt = toks.word(k + 1).lower()
            if nxt in _SIDES or nxt == "sal":
                return k + 1
            if nxt == "t" and k + 2 < len(toks) and toks.gap(k + 1) == "." and toks.word(k + 2).lower() in "hv":
                return k + 2  # "t.h."
        if word == "st":
            return k
    return None


def _postcode_end(toks: _Tokens, j: int) -> int | None:
    """After the address's last token j: ", 2200 København N" -> the town's last token."""
    k = j + 1
    if k + 1 >= len(toks) or not toks.gap_is(j, _COMMA_SPACE):
        return None
    code = toks.word(k)
    if not (len(code) == 4 and code.isdigit() and code[0] != "0" and toks.gap_is(k, _SPACE)):
        return None
    if not toks.word(k + 1).isalpha() or toks.word(k + 1).lower() in STOPWORDS:
        return None
    end = k + 1
    if end + 1 < len(toks) and toks.gap_is(end, _SPACE):
        district = toks.word(end + 1)
        if district.isupper() and len(district) <= 2:
            end += 1
    return end


def _address_end(toks: _Tokens, number_end: int) -> int:
    end = _floor_end(toks, number_end) or number_end
    return _postcode_end(toks, end) or end


def _prefix_start(toks: _Tokens, i: int, limit: int = 2) -> int:
    """Extend street token i backwards over known prefix words ("Gammel Kongevej")."""
    start = i
    while limit and start > 0 and toks.word(start - 1).lower() in _PREFIX_WORDS and toks.gap_is(start - 1, _DOT_SPACE):
        start -= 1
        limit -= 1
    return start


def _initials_start(toks: _Tokens, i: int) -> int:
    """Token i preceded by initials "H.C. " -> the first initial's token."""
    start = i
    while start > 0 and len(toks.word(start - 1)) == 1 and toks.word(start - 1).isupper():
        if not toks.gap(start - 1).startswith("."):
            break
        start -= 1
    return start


def _standalone_start(toks: _Tokens, i: int) -> int | None:
    """A lone Danish street word at token i: the first token of its name, or None when it is not a street."""
    if i == 0 or not toks.gap_is(i - 1, _SPACE):
        return None
    word, name = toks.word(i), toks.word(i - 1)
    genitive = name.lower().endswith("s") and len(name) >= 4
    if not _is_name(name):
        # "Sankt Hans Torv": a stopword that is part of a name after a prefix word
        if i >= 2 and name[:1].isupper() and toks.word(i - 2).lower() in _PREFIX_WORDS and name.isalpha():
            return i - 2
        return None
    lower = word.lower()
    if lower == "alle" and not (word[0].isupper() and name[0].isupper()):
        return None  # "alle 3" means "all three"
    if lower in _EVERYDAY and not (word[0].isupper() or name[0].isupper() or genitive):
        return None
    start = i - 1
    if start > 0 and toks.gap_is(start - 1, _SPACE):
        before = toks.word(start - 1)
        if before.lower() in _PREFIX_WORDS or (genitive and _is_name(before)):
            start -= 1  # "Kong Georgs Vej", "Peter Bangs Vej"
    elif start > 0 and toks.gap_is(start - 1, _DOT_SPACE):
        start = _initials_start(toks, start)  # "H.C. Andersens Boulevard"
    return _prefix_start(toks, start, limit=1)


def _english_start(toks: _Tokens, i: int) -> int | None:
    """An English street word at token i ("221 Baker Street"): the house number's token, or None."""
    word = toks.word(i)
    ambiguous = word.lower() in _EN_AMBIGUOUS
    if ambiguous and not word[0].isupper():
        return None
    k = i - 1
    names = 0
    while k >= 0 and names < 3 and toks.gap_is(k, _SPACE):
        w = toks.word(k)
        if _EN_HOUSE_NUMBER.fullmatch(w) and w[0].isdigit():
            return k if names else None
        if not _is_name(w) or w.lower() in _EN_TYPES or w.lower() in UNITS or (ambiguous and not w[0].isupper()):
            return None
        names += 1
        k -= 1
    return None


def find_addresses(text: str) -> list[tuple[int, int]]:
    """Character spans of street addresses in `text`, in order."""
    if _DIGIT.search(text) is None:
        return []
    lower_text = text.lower()
    if len(lower_text) == len(text):  # lower-casing kept every offset: the faster pattern
        hits = _SUFFIX_WORD_LOWER.finditer(lower_text)
    else:
        hits = _SUFFIX_WORD.finditer(text)
    found: list[tuple[int, int]] = []
    for hit in hits:
        lo, hi = max(0, hit.start() - WINDOW), min(len(text), hit.end() + WINDOW)
        if _NUMBER_AFTER.match(text, hit.end()) is None and _DIGIT.search(text, lo, hit.start()) is None:
            continue  # no house number after it (Danish) or before it (English): not an address
        if hit.group().lower() not in _DA_SUFFIX_MIN_STEM and hit.start() and _WORD_CHAR.match(text, hit.start() - 1):
            continue  # "first": an English street word only counts as a whole word
        toks = _Tokens(text, lo, hi)
        i = toks.index_ending_at(hit.end())
        if i is None:
            continue
        word = toks.word(i)
        lower, suffix = word.lower(), hit.group().lower()
        stem = hit.start() - toks.starts[i]
        start: int | None = None
        number_end: int | None = None
        if suffix in _EN_TYPES and stem == 0:
            start = _english_start(toks, i)
            number_end = i if start is not None else None
        if start is None:
            if stem == 0 and lower in _STANDALONE:
                start = _standalone_start(toks, i)
            elif stem == 0 and lower in _EN_TYPES and word[0].isupper():  # "Baker Street 12", both capitalised
                start = _standalone_start(toks, i)
                start = start if start is not None and toks.word(start)[0].isupper() else None
            elif stem and suffix in _DA_SUFFIX_MIN_STEM and stem >= _DA_SUFFIX_MIN_STEM[suffix]:
                start = _prefix_start(toks, i) if word.isalpha() and lower not in _NOT_STREETS else None
                if start == i and lower in _TOWN_STREETS and i and toks.gap_is(i - 1, _SPACE):
                    town = toks.word(i - 1)
                    start = i - 1 if _is_name(town) and town[0].isupper() else i
            number_end = _house_number_end(toks, i) if start is not None else None
        if start is None or number_end is None:
            continue
        end = _address_end(toks, number_end)
        span = (toks.starts[start], toks.ends[end])
        if found and span[0] < found[-1][1]:
            found[-1] = (found[-1][0], max(found[-1][1], span[1]))
        else:
            found.append(span)
    return found

