"""Log redaction: phone numbers and secrets (the bot token, the database password) never reach a log line.

A filter on the root logger's handlers sees every record that is written, including those propagated from
library loggers (httpx logs request URLs, and Telegram's URLs carry the token: /bot<token>/getMe).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import quote, urlsplit, urlunsplit

from engine.parsing.phones import mask_number

SECRET_MASK = "***"

# A Telegram bot token even where it was not given as a secret (e.g. a second bot's).
_BOT_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")
# ISO dates and times are left alone: they look like digit runs but are what makes a log readable.
_DATE_OR_PHONE = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)"
    r"|(?P<phone>\+?\(?\d(?:[\s\-().–—·]{0,3}\d){6,})"
)


class RedactingFilter(logging.Filter):
    """Rewrites each record so that its message, traceback and stack hold no secret and no phone number."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets: list[str] = []
        self.add_secrets(secrets)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Also hide these, in plain and URL-encoded form; longest first, so no secret is half replaced."""
        forms = set(self._secrets)
        for secret in secrets:
            if secret:
                forms.update({secret, quote(secret, safe="")})
        self._secrets = sorted(forms, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """The text with secrets replaced by "***" and phone-number-like digit runs masked."""
        for secret in self._secrets:
            text = text.replace(secret, SECRET_MASK)
        text = _BOT_TOKEN.sub(SECRET_MASK, text)
        return _DATE_OR_PHONE.sub(_mask_phone, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string is the handler's to report, after redaction
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatter.format uses exc_text when set, so the redacted traceback is the one written.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def url_without_password(url: str) -> str:
    """A database URL fit for a log line: its password (user:password@ or ?password=) masked."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, host = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}:{SECRET_MASK}@{host}"
    query = re.sub(r"(^|&)password=[^&]*", rf"\1password={SECRET_MASK}", parts.query)
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def _mask_phone(match: re.Match[str]) -> str:
    if match["date"]:
        return match["date"]
    return mask_number(match["phone"])


def install_redaction(secrets: Iterable[str]) -> None:
    """Attach a RedactingFilter to every handler of the root logger; calling again adds secrets, not filters.

    Handlers added to the root logger later are not covered, so call this after logging is configured.
    """
    secrets = list(secrets)
    for handler in logging.getLogger().handlers:
        present = [existing for existing in handler.filters if isinstance(existing, RedactingFilter)]
        if present:
            present[0].add_secrets(secrets)
        else:
            handler.addFilter(RedactingFilter(secrets))
