"""Emergency details: the key (environment, development key file, rotation) and the sealing itself."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from api.services.emergency import (
    EmergencyConfigError,
    EmergencyDetail,
    EmergencyVault,
    is_fernet_key,
    load_vault,
    read_or_create_key_file,
)
from api.settings import Settings


def settings(tmp_path: Path, **values: object) -> Settings:
    values.setdefault("LYT_JWT_SECRET", "a-long-production-secret-" + "x" * 40)  # production refuses weak ones
    values.setdefault("LYT_RETURN_CODE_PEPPER", "a-long-return-code-pepper-" + "y" * 40)
    return Settings(LYT_VAR_DIR=tmp_path, **values)  # type: ignore[call-arg]


def test_production_without_a_key_refuses_and_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(EmergencyConfigError, match="LYT_EMERGENCY_KEY is not set"):
        load_vault(settings(tmp_path, LYT_ENV="production"))
    assert not (tmp_path / "emergency.key").exists()  # production never falls back to a key file
    assert load_vault(settings(tmp_path, LYT_ENV="production", LYT_EMERGENCY_DETAILS=False)) is None


def test_an_invalid_key_refuses_in_any_environment_without_echoing_it(tmp_path: Path) -> None:
    for env in ("development", "production"):
        with pytest.raises(EmergencyConfigError, match="key 2 .* is not a Fernet key") as caught:
            load_vault(settings(tmp_path, LYT_ENV=env, LYT_EMERGENCY_KEY=Fernet.generate_key().decode() + ",nope-x"))
        assert "nope-x" not in str(caught.value)


def test_development_key_file_is_created_once_and_private(tmp_path: Path) -> None:
    first = load_vault(settings(tmp_path))
    key_file = tmp_path / "emergency.key"
    assert first is not None and key_file.exists() and key_file.stat().st_mode & 0o077 == 0
    second = load_vault(settings(tmp_path))
    assert second is not None
    sealed = first.seal(EmergencyDetail("address", "Vestergade 4", int(time.time() * 1000)))
    assert "Vestergade" not in sealed
    assert second.open(sealed) == EmergencyDetail("address", "Vestergade 4", first.open(sealed).at_ms)  # type: ignore[union-attr]
    assert [p.name for p in tmp_path.iterdir()] == ["emergency.key"]  # no temporary file left behind


def _race(path: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    out.put(read_or_create_key_file(Path(path)))


def test_gateways_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "var" / "emergency.key"
    results: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    workers = [multiprocessing.Process(target=_race, args=(str(path), results)) for _ in range(6)]
    for worker in workers:
        worker.start()
    keys = {results.get(timeout=30) for _ in workers}
    for worker in workers:
        worker.join(10)
    assert len(keys) == 1 and is_fernet_key(keys.pop())


def test_rotation_reads_old_values_and_writes_with_the_new_key(tmp_path: Path) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    before = load_vault(settings(tmp_path, LYT_EMERGENCY_KEY=old))
    after = load_vault(settings(tmp_path, LYT_EMERGENCY_KEY=f"{new}, {old}"))
    assert before is not None and after is not None
    sealed_before = before.seal(EmergencyDetail("phone", "20304050", 1))
    assert after.open(sealed_before) is not None
    sealed_after = after.seal(EmergencyDetail("phone", "20304050", 2))
    assert Fernet(new.encode()).decrypt(sealed_after.encode())  # the first key encrypts
    assert before.open(sealed_after) is None  # a vault without the new key cannot read it
    assert load_vault(settings(tmp_path, LYT_EMERGENCY_KEY=new)).open(sealed_before) is None  # type: ignore[union-attr]


def test_a_value_older_than_the_limit_is_never_opened() -> None:
    key = Fernet.generate_key()
    vault = EmergencyVault([key], max_age_seconds=60)
    too_old = Fernet(key).encrypt_at_time(b'{"k": "email", "v": "a@b.dk", "t": 1}', int(time.time()) - 61)
    assert vault.open(too_old.decode()) is None
    assert vault.open(Fernet(key).encrypt(b'{"k": "email", "v": "a@b.dk", "t": 1}').decode()) is not None


def test_the_limit_is_24_hours_or_the_conversation_ttl_if_shorter(tmp_path: Path) -> None:
    key = Fernet.generate_key().decode()
    assert load_vault(settings(tmp_path, LYT_EMERGENCY_KEY=key)).max_age_seconds == 24 * 3600  # type: ignore[union-attr]
    short = load_vault(settings(tmp_path, LYT_EMERGENCY_KEY=key, LYT_CONVERSATION_TTL=3600))
    assert short is not None and short.max_age_seconds == 3600


def test_the_widget_privacy_note_says_it_in_both_languages() -> None:
    from api.copy import TEXTS
    from api.settings import REPO_ROOT

    widget = (REPO_ROOT / "api" / "static" / "widget" / "frame.js").read_text(encoding="utf-8")  # the chat, in its iframe
    note = TEXTS["emergency_details_note"]
    assert "24 timer" in note["da"] and "krypteret" in note["da"] and "Kun din rådgiver" in note["da"]
    assert "24 hours" in note["en"] and "encrypted" in note["en"] and "Only your counsellor" in note["en"]
    for lang in ("da", "en"):
        assert f'intro5: "{note[lang]}"' in widget
    assert '"intro4", "intro5"]' in widget  # and it is shown in the intro
