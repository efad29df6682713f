"""Fixtures for the fake Bot API's own tests."""
from tests.fakebotapi.fixtures import fake_bot_api  # noqa: F401
