"""Realtime: websocket consumers and after-commit broadcasts through the channel layer."""
