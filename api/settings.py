"""Gateway configuration from environment variables (see .env.example)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.secret_rules import WeakSecretError, production_secret_problems, redis_password
from api.widget_frame import checked_ancestors

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """All gateway settings. Every field maps to an upper-case environment variable."""

    # hide_input_in_errors: a refusal (e.g. a weak LYT_JWT_SECRET) must never print the secret itself.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    env: str = Field("development", alias="LYT_ENV", description="development or production")
    host: str = Field("127.0.0.1", alias="LYT_HOST")
    port: int = Field(8000, alias="LYT_PORT")
    redis_url: str = Field("redis://127.0.0.1:6379/0", alias="REDIS_URL")
    redis_timeout_seconds: float = Field(2.0, alias="LYT_REDIS_TIMEOUT")
    rasa_url: str = Field("http://127.0.0.1:5005", alias="RASA_URL")
    action_server_url: str = Field("http://127.0.0.1:5055", alias="ACTION_SERVER_URL")
    rasa_timeout_seconds: float = Field(8.0, alias="LYT_RASA_TIMEOUT")
    # Bot turns in flight to Rasa at once, per gateway process; the rest wait in order (FIFO). Rasa
    # interleaves everything it is given, so under load every answer would take as long as all of them.
    rasa_max_in_flight: int = Field(4, ge=1, le=256, alias="LYT_RASA_MAX_IN_FLIGHT")
    # The triage thread's niceness (0 = as the rest of the gateway). Triage runs beside Rasa and the
    # action server and only has to finish before the bot's answer does; at 10 the kernel gives the
    # answer's path the CPU first and triage takes the gaps (docs/PERFORMANCE.md).
    triage_nice: int = Field(10, ge=0, le=19, alias="LYT_TRIAGE_NICE")
    var_dir: Path = Field(REPO_ROOT / "var", alias="LYT_VAR_DIR")
    conversation_ttl_seconds: int = Field(30 * 24 * 3600, alias="LYT_CONVERSATION_TTL")
    max_message_chars: int = Field(2000, alias="LYT_MAX_MESSAGE_CHARS")
    messages_per_minute: int = Field(30, alias="LYT_MESSAGES_PER_MINUTE")
    conversations_per_ip_hour: int = Field(20, alias="LYT_CONVERSATIONS_PER_IP_HOUR")
    jwt_secret: str = Field("dev-only-change-me-0123456789abcdef", alias="LYT_JWT_SECRET")
    jwt_previous_secret: str | None = Field(None, alias="LYT_JWT_PREVIOUS_SECRET")
    # Counsellor token lifetime; POST /api/v1/auth/refresh gives a fresh one while the dashboard is in use.
    jwt_ttl_minutes: int = Field(8 * 60, ge=5, le=24 * 60, alias="LYT_JWT_TTL_MINUTES")
    cors_origins: list[str] = Field(default_factory=list, alias="LYT_CORS_ORIGINS")
    opening_hours: str = Field("mon-sun 00:00-24:00", alias="LYT_OPENING_HOURS")
    urgent_wait_alert_seconds: int = Field(120, alias="LYT_URGENT_WAIT_ALERT_SECONDS")
    # Escalation beyond the dashboard (api/services/alerts.py, escalation.py): JSON alerts are POSTed here
    # (optional); every replica checks the waiting urgent chats every LYT_ALERT_CHECK_SECONDS.
    alert_webhook_url: str | None = Field(None, alias="LYT_ALERT_WEBHOOK_URL")
    alert_lang: str = Field("da", pattern="^(da|en)$", alias="LYT_ALERT_LANG")
    alert_check_seconds: float = Field(2.0, gt=0, le=60, alias="LYT_ALERT_CHECK_SECONDS")
    counsellor_capacity: int = Field(3, alias="LYT_COUNSELLOR_CAPACITY")
    counsellor_urgent_capacity: int = Field(2, alias="LYT_COUNSELLOR_URGENT_CAPACITY")
    reserved_urgent_slots: int = Field(1, alias="LYT_RESERVED_URGENT_SLOTS")
    urgent_stretch_slots: int = Field(1, alias="LYT_URGENT_STRETCH_SLOTS")
    claim_lease_seconds: int = Field(120, alias="LYT_CLAIM_LEASE_SECONDS")
    # Where the widget's quick exit sends the whole tab (top-level location.replace); the widget's iframe page
    # reads it from here (api/widget_frame.py). http(s) only.
    exit_url: str = Field("https://www.dmi.dk", pattern=r"^https?://[^\s\"'<>]+$", alias="LYT_EXIT_URL")
    # Origins allowed to embed the widget's iframe (CSP frame-ancestors of /widget/frame), a JSON list such as
    # ["https://partner.example"]. Empty: the gateway's own origin, and in development also http://localhost:*
    # and http://127.0.0.1:* (api/widget_frame.py).
    widget_frame_ancestors: list[str] = Field(default_factory=list, alias="LYT_WIDGET_FRAME_ANCESTORS")
    ws_idle_timeout_seconds: int = Field(600, alias="LYT_WS_IDLE_TIMEOUT")
    ws_max_frame_bytes: int = Field(16 * 1024, alias="LYT_WS_MAX_FRAME_BYTES")
    # Flooding and addresses (docs/SECURITY.md): the proxies whose X-Forwarded-For is believed (an explicit
    # list of addresses, never "*"; empty: nobody's), the request-body cap (413 before any parsing), the
    # open sockets one chat / one counsellor may have, and /handoff + /leave-queue calls per chat per minute.
    trusted_proxies: list[str] = Field(default_factory=list, alias="LYT_TRUSTED_PROXIES")
    max_body_bytes: int = Field(64 * 1024, ge=1024, alias="LYT_MAX_BODY_BYTES")
    max_sockets_per_chat: int = Field(4, ge=1, alias="LYT_MAX_SOCKETS_PER_CHAT")
    max_sockets_per_counsellor: int = Field(8, ge=1, alias="LYT_MAX_SOCKETS_PER_COUNSELLOR")
    queue_actions_per_minute: int = Field(10, ge=1, alias="LYT_QUEUE_ACTIONS_PER_MINUTE")
    # Production serves /metrics only with this bearer token (404 without it); /docs is off in production.
    metrics_token: SecretStr | None = Field(None, alias="LYT_METRICS_TOKEN")
    # Rasa's --auth-token (docker-compose.yml): the gateway's readiness check sends it to Rasa's /status.
    rasa_auth_token: SecretStr | None = Field(None, alias="LYT_RASA_AUTH_TOKEN")
    # Emergency details (docs/PRIVACY.md): while a conversation is urgent, the personal data the scrubber
    # removed is kept Fernet-encrypted for at most 24 h, readable only by the counsellor holding the chat.
    emergency_details: bool = Field(True, alias="LYT_EMERGENCY_DETAILS")
    # One Fernet key, or several separated by commas (the first encrypts, all decrypt: rotation). Required
    # in production when emergency details are on; elsewhere a key file is used (LYT_EMERGENCY_KEY_FILE).
    emergency_key: SecretStr | None = Field(None, alias="LYT_EMERGENCY_KEY")
    # Outside production, without LYT_EMERGENCY_KEY: the key file every gateway on the machine shares
    # (created on first start). Empty means var/emergency.key under LYT_VAR_DIR.
    emergency_key_file: Path | None = Field(None, alias="LYT_EMERGENCY_KEY_FILE")

    # Anonymous return codes (issue 18 part 1, api/services/return_codes.py): the pepper keys the codes' index
    # and their argon2id hashes (production refuses a missing, default or weak one, api/secret_rules.py); an
    # earlier counsellor online with capacity is offered a returning chat alone for this many seconds (never an
    # urgent one); wrong codes per (hashed) source per hour before 429.
    return_code_pepper: SecretStr = Field(
        SecretStr("dev-only-return-code-pepper-0123456789"), alias="LYT_RETURN_CODE_PEPPER"
    )
    return_preference_seconds: float = Field(120, ge=0, le=3600, alias="LYT_RETURN_PREFERENCE_SECONDS")
    return_code_failures_per_hour: int = Field(10, ge=1, le=1000, alias="LYT_RETURN_CODE_FAILURES_PER_HOUR")

    @field_validator("widget_frame_ancestors")
    @classmethod
    def frame_ancestors_are_origins(cls, value: list[str]) -> list[str]:
        return checked_ancestors(value)

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @model_validator(mode="after")
    def production_secrets_are_strong(self) -> Settings:
        """LYT_ENV=production refuses to start with a missing, default, example or short secret (api/secret_rules.py)."""
        if not self.is_production:
            return self
        # LYT_EMERGENCY_KEY is checked by api/services/emergency.load_vault (required, Fernet keys only).
        secrets: dict[str, str | None] = {
            "LYT_JWT_SECRET": self.jwt_secret,
            "LYT_JWT_PREVIOUS_SECRET": self.jwt_previous_secret,
            "REDIS_URL (its password)": redis_password(self.redis_url),
            "LYT_RETURN_CODE_PEPPER": self.return_code_pepper.get_secret_value(),
        }
        optional = frozenset({"LYT_JWT_PREVIOUS_SECRET", "REDIS_URL (its password)"})
        problems = production_secret_problems(secrets, optional)
        if problems:
            raise WeakSecretError("LYT_ENV=production refuses to start: " + " | ".join(problems))
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment on first use."""
    return Settings()  # type: ignore[call-arg]  # values come from the environment
