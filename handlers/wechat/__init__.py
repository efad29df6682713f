"""The WeChat official account adapter: pushes in, the conversation service, replies and custom messages out."""
