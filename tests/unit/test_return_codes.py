"""Return codes (issue 18 part 1) without Redis: the word lists, how typed codes are read, the pepper's keys,
and production refusing a missing or weak LYT_RETURN_CODE_PEPPER. The whole loop: tests/integration."""

from __future__ import annotations

import re

import pydantic
import pytest

from api.services.return_codes import BUCKET_HEX_CHARS, CodeKeys, new_code, normalise, words
from api.settings import Settings

STRONG = "Vq3-pXc9_LmZ7tR2wYbN5sKd8HfJ4gUe6aQo1iCx"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_word_lists_are_plain_unique_and_large_enough(lang: str) -> None:
    listed = words(lang)
    assert len(listed) == len(set(listed)) >= 400  # 400**4 > 2.5e10 codes per language
    assert all(re.fullmatch(r"[a-z]{3,9}", word) for word in listed), "a-z only: easy on any phone keyboard"
    code = new_code(lang)
    assert len(code.split()) == 4 and all(word in listed for word in code.split())


def test_typed_codes_are_read_leniently() -> None:
    assert normalise("  Sol-HEST, bro.kage\n") == "sol hest bro kage"
    assert normalise("sol  hest\tbro_kage") == "sol hest bro kage"
    assert normalise("søl hæst brå") == "soel haest braa"  # æøå spelled out, never matched loosely


def test_the_pepper_keys_index_and_hash_separately() -> None:
    one, other = CodeKeys.from_pepper(STRONG), CodeKeys.from_pepper(STRONG[::-1])
    assert len(one.bucket("sol hest bro kage")) == BUCKET_HEX_CHARS
    assert one.peppered("sol hest bro kage") != other.peppered("sol hest bro kage")
    assert one.index_key != one.hash_key


@pytest.mark.parametrize(
    ("pepper", "why"),
    [
        (None, "looks like a placeholder"),  # unset: the settings' development default
        ("", "is not set"),
        ("change-me-to-a-long-random-string", "is a default or example value"),
        ("short-pepper-x7Gq2Lm9", "is shorter than 32 bytes"),
    ],
)
def test_production_refuses_a_weak_pepper_naming_it(pepper: str | None, why: str) -> None:
    env = {"LYT_ENV": "production", "LYT_EMERGENCY_DETAILS": "false", "LYT_JWT_SECRET": STRONG}
    if pepper is not None:
        env["LYT_RETURN_CODE_PEPPER"] = pepper
    with pytest.raises(pydantic.ValidationError, match=f"LYT_RETURN_CODE_PEPPER {why}") as refused:
        Settings(_env_file=None, **env)  # type: ignore[call-arg]
    assert not pepper or pepper not in str(refused.value)
    settings = Settings(_env_file=None, **env | {"LYT_RETURN_CODE_PEPPER": STRONG[::-1]})  # type: ignore[call-arg]
    assert settings.return_preference_seconds == 120
