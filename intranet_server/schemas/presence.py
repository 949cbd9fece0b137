"""Presence: who is connected now, per unit and per booth."""
from __future__ import annotations

from intranet_server.schemas import Out


class PersonPresence(Out):
    username: str
    full_name: str
    role: str
    connected: bool
    since: str | None
    pages: list[str]
    last_seen_at: str | None


class UnitPresence(Out):
    code: str
    name: str
    name_en: str | None
    people: list[PersonPresence]


class BoothPresence(Out):
    number: int
    label: str
    people: list[PersonPresence]


class PresenceOut(Out):
    now: str
    units: list[UnitPresence]
    booths: list[BoothPresence]
