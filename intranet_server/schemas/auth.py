"""Signing in: the login body and the staff member the API answers with."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from intranet_server.schemas import Body, Out


class Login(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class BoothRef(Out):
    number: int
    label: str


class StaffOut(Out):
    username: str
    full_name: str
    role: Literal["p0", "p1", "p2", "supervisor", "admin", "pimpinan"]
    unit: str | None
    booth: BoothRef | None
    language: Literal["id", "en"]
