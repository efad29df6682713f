"""Log redaction: a phone number or the bot token logged anywhere never reaches the written log."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from app.logsafe import RedactingFilter, install_redaction, url_without_password
from app.settings import load_settings

TOKEN = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """A root handler writing to memory, as logging.basicConfig would set up; root restored afterwards."""
    root = logging.getLogger()
    saved_level = root.level
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(saved_level)
        for other in root.handlers:
            for existing in list(other.filters):
                if isinstance(existing, RedactingFilter):
                    other.removeFilter(existing)


def test_token_in_a_library_url_is_hidden(written: io.StringIO) -> None:
    install_redaction([TOKEN])
    logging.getLogger("httpx").info('HTTP Request: POST https://api.telegram.org/bot%s/getMe "200 OK"', TOKEN)
    output = written.getvalue()
    assert TOKEN not in output
    assert "https://api.telegram.org/bot***/getMe" in output


def test_url_encoded_token_is_hidden(written: io.StringIO) -> None:
    install_redaction([TOKEN])
    logging.getLogger("app").warning("redirect to ?next=%s", quote(TOKEN, safe=""))
    assert quote(TOKEN, safe="") not in written.getvalue()
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in written.getvalue()


def test_a_token_not_given_as_secret_is_still_hidden(written: io.StringIO) -> None:
    install_redaction([])
    other = "5999999999:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    logging.getLogger("app").error("second bot %s failed", other)
    assert other not in written.getvalue()
    assert "BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in written.getvalue()


@pytest.mark.parametrize(
    "number", ["+86 138 0013 8000", "13800138000", "138-0013-8000", "+1 (202) 555-0143", "１３８００１３８０００"]
)
def test_phone_numbers_are_masked(written: io.StringIO, number: str) -> None:
    install_redaction([TOKEN])
    logging.getLogger("services.cases").info("case for caller %s created", number)
    output = written.getvalue()
    digits = "".join(ch for ch in number if ch.isdigit())
    assert number not in output
    assert digits not in "".join(ch for ch in output if ch.isdigit() or ch == "*")
    assert "case for caller" in output and "*" in output


def test_masked_form_keeps_prefix_and_last_digits(written: io.StringIO) -> None:
    install_redaction([])
    logging.getLogger("x").warning("caller %s", "+8613800138000")
    assert "caller +8613*******00" in written.getvalue()


def test_token_and_number_inside_a_traceback_are_hidden(written: io.StringIO) -> None:
    install_redaction([TOKEN])
    try:
        raise ConnectionError(f"https://api.telegram.org/bot{TOKEN}/sendMessage chat 13800138000")
    except ConnectionError:
        logging.getLogger("telegram.ext").exception("send failed")
    output = written.getvalue()
    assert "Traceback" in output and "ConnectionError" in output
    assert TOKEN not in output
    assert "13800138000" not in output


def test_dates_and_short_numbers_stay_readable(written: io.StringIO) -> None:
    install_redaction([TOKEN])
    logging.getLogger("reminders").info("reminder %d due 2026-11-27 10:00:00 for step %s", 42, "caller_numbers")
    assert "reminder 42 due 2026-11-27 10:00:00 for step caller_numbers" in written.getvalue()


def test_a_bad_format_string_does_not_leak_or_raise(written: io.StringIO) -> None:
    install_redaction([TOKEN])
    logging.getLogger("x").warning("%d calls from %s", "many", "13800138000")
    output = written.getvalue()
    assert "13800138000" not in output
    assert "calls from" in output


def test_installing_twice_adds_secrets_not_filters(written: io.StringIO) -> None:
    install_redaction([TOKEN])
    install_redaction(["second-secret-value"])
    handler = logging.getLogger().handlers[-1]
    assert sum(isinstance(existing, RedactingFilter) for existing in handler.filters) == 1
    logging.getLogger("x").warning("tokens %s and %s", TOKEN, "second-secret-value")
    output = written.getvalue()
    assert TOKEN not in output and "second-secret-value" not in output
    assert output.count("***") == 2


def test_the_database_password_never_reaches_the_log(written: io.StringIO) -> None:
    url = "postgresql://bot:s3cr%40t-pw@db.internal:5432/bot?sslmode=require"
    settings = load_settings({"DATABASE_URL": url})
    install_redaction(settings.secrets)
    logging.getLogger("storage").error("cannot connect to %s (password s3cr@t-pw)", url)
    logging.getLogger("app").info("storage: PostgreSQL at %s", url_without_password(url))

    log = written.getvalue()
    assert "s3cr" not in log
    assert "postgresql://bot:***@db.internal:5432/bot?sslmode=require" in log


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bot:pw@db/bot", "postgresql://bot:***@db/bot"),
        ("postgresql://bot@db/bot?password=pw&sslmode=require", "postgresql://bot@db/bot?password=***&sslmode=require"),
        ("postgresql://postgres@/bot?host=/run/postgresql", "postgresql://postgres@/bot?host=/run/postgresql"),
    ],
)
def test_a_database_url_is_logged_without_its_password(url: str, shown: str) -> None:
    assert url_without_password(url) == shown


def test_database_url_must_name_postgresql_and_unset_means_sqlite() -> None:
    assert load_settings({}).database_url is None
    assert load_settings({"DATABASE_URL": " postgres://db/bot "}).database_url == "postgres://db/bot"
    with pytest.raises(SystemExit) as refused:
        load_settings({"DATABASE_URL": "mysql://bot:pw@db/bot"})
    assert "pw" not in str(refused.value)
