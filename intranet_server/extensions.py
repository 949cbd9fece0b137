"""Capabilities that plug into the app beyond the queue (the task chain, the SLA engine)."""
from __future__ import annotations


def register(app, settings: dict) -> None:
    return None
