"""OpenAPI paths of the task chain (filled in by the task capability)."""
from __future__ import annotations


def task_paths() -> dict:
    return {}
