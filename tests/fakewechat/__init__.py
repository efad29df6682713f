"""A fake WeChat API server for the tests: tokens, media, custom and template messages, menus, faults."""
from tests.fakewechat.server import FakeWeChatApi, Fault, Sent

__all__ = ["FakeWeChatApi", "Fault", "Sent"]
