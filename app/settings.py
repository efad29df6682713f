"""Settings: the only place that reads the environment (secrets never come from files in the repo)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    flows_path: Path
    channels_path: Path
    telegram_token: str | None
    telegram_api_base_url: str
    log_level: str
    reminder_time_scale: float
    telegram_webhook_secret: str | None = None
    telegram_max_file_mb: float | None = None
    # Library loggers (aiosqlite, asyncpg, PTB, httpx, aiohttp …) log whole SQL parameters and updates at
    # DEBUG: they stay at WARNING unless LOG_LIBRARIES=1 asks for them too.
    log_libraries: bool = False
    cjk_font_path: Path | None = None
    reminder_rate_per_second: float = 20.0
    database_url: str | None = None
    wechat_token: str | None = None
    wechat_app_id: str | None = None
    wechat_app_secret: str | None = None
    wechat_encoding_aes_key: str | None = None
    wechat_api_base_url: str = "https://api.weixin.qq.com"
    wechat_reminder_template_id: str | None = None
    # Screenshots are read (OCR) for facts to propose; "0" keeps them unread.
    ocr_enabled: bool = True

    @property
    def secrets(self) -> list[str]:
        """What logs must never show: bot tokens and secrets, the database password."""
        found = [
            self.telegram_token,
            self.telegram_webhook_secret,
            *_url_passwords(self.database_url),
            self.wechat_token,
            self.wechat_app_secret,
            self.wechat_encoding_aes_key,
        ]
        return [s for s in found if s]


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read every setting once; defaults make `python bot.py` work on a fresh clone."""
    env = dict(os.environ if env is None else env)
    scale = env.get("REMINDER_TIME_SCALE", "1") or "1"
    try:
        time_scale = float(scale)
    except ValueError:
        raise SystemExit(f"REMINDER_TIME_SCALE must be a number, got {scale!r}") from None
    if time_scale <= 0:
        raise SystemExit("REMINDER_TIME_SCALE must be greater than 0")
    max_file_mb = _positive_or_none(env, "TELEGRAM_MAX_FILE_MB")
    database_url = (env.get("DATABASE_URL") or "").strip() or None
    if database_url is not None and urlsplit(database_url).scheme not in ("postgresql", "postgres"):
        # The value is not echoed: it may hold a password.
        raise SystemExit("DATABASE_URL must be a postgresql:// URL; leave it unset for SQLite in DATA_DIR")
    return Settings(
        data_dir=Path(env.get("DATA_DIR") or "data"),
        flows_path=Path(env.get("FLOWS_PATH") or ROOT / "flows.yaml"),
        channels_path=Path(env.get("CHANNELS_PATH") or ROOT / "channels.yaml"),
        telegram_token=(env.get("TELEGRAM_BOT_TOKEN") or "").strip() or None,
        telegram_api_base_url=(env.get("TELEGRAM_API_BASE_URL") or "https://api.telegram.org").rstrip("/"),
        log_level=(env.get("LOG_LEVEL") or "WARNING").upper(),
        log_libraries=(env.get("LOG_LIBRARIES") or "").strip().lower() in ("1", "true", "yes", "on"),
        reminder_time_scale=time_scale,
        telegram_webhook_secret=(env.get("TELEGRAM_WEBHOOK_SECRET") or "").strip() or None,
        telegram_max_file_mb=max_file_mb,
        reminder_rate_per_second=_positive_or_none(env, "REMINDER_RATE_PER_SECOND") or 20.0,
        cjk_font_path=Path(env["CJK_FONT_PATH"].strip()).expanduser() if (env.get("CJK_FONT_PATH") or "").strip() else None,
        database_url=database_url,
        wechat_token=_optional(env, "WECHAT_TOKEN"),
        wechat_app_id=_optional(env, "WECHAT_APP_ID"),
        wechat_app_secret=_optional(env, "WECHAT_APP_SECRET"),
        wechat_encoding_aes_key=_optional(env, "WECHAT_ENCODING_AES_KEY"),
        wechat_api_base_url=(env.get("WECHAT_API_BASE_URL") or "https://api.weixin.qq.com").strip().rstrip("/"),
        wechat_reminder_template_id=_optional(env, "WECHAT_REMINDER_TEMPLATE_ID"),
        ocr_enabled=(env.get("OCR") or "1").strip().lower() not in ("0", "no", "off", "false"),
    )


def _optional(env: dict[str, str], name: str) -> str | None:
    """An optional text setting; blank counts as unset."""
    return (env.get(name) or "").strip() or None


def _url_passwords(url: str | None) -> list[str]:
    """The password a database URL carries (user:password@ or ?password=), as written and decoded."""
    if url is None:
        return []
    parts = urlsplit(url)
    written = [parts.password or "", *parse_qs(parts.query).get("password", [])]
    return list(dict.fromkeys(form for password in written if password for form in (password, unquote(password))))


def _positive_or_none(env: dict[str, str], name: str) -> float | None:
    """An optional positive number setting; empty means "use the default"."""
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SystemExit(f"{name} must be greater than 0")
    return value
