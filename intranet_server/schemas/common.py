"""Pieces every domain's models share: bounded numbers and texts, names in two languages."""
from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator, Field, RootModel

from intranet_server.schemas import Out

# The database stores integers as signed 64-bit: anything larger can never name a row.
DB_INT_MAX = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=DB_INT_MAX, strict=True)]
Count = Annotated[int, Field(ge=0, le=DB_INT_MAX)]
# No control characters in codes and names, no NUL anywhere (PostgreSQL refuses it in text: a 500).
NO_CONTROL = r"^[^\x00-\x1f\x7f]+$"
NO_NUL = r"^[^\x00]*$"
Code = Annotated[str, Field(min_length=1, max_length=32, pattern=NO_CONTROL)]   # a service or unit code
ShortText = Annotated[str, Field(max_length=255, pattern=NO_NUL)]
LongText = Annotated[str, Field(max_length=5000, pattern=NO_NUL)]
Username = Annotated[str, Field(min_length=1, max_length=64, pattern=NO_CONTROL)]


def _sane_year(value: dt.date) -> dt.date:
    if not 2000 <= value.year <= 2100:
        raise ValueError("the year must be between 2000 and 2100")
    return value


# A date an office could plan for: far-off years are typos (and overflow the calendar code).
SaneDate = Annotated[dt.date, AfterValidator(_sane_year)]


class Names(Out):
    id: str
    en: str


class Ok(Out):
    ok: bool


class Error(Out):
    """Every 4xx/5xx answer: a stable code, a text in the requester's language, the developer's detail."""
    error: str
    message: str
    detail: str | None = None


def list_of(model, name: str):
    """A named JSON array of `model` (a RootModel, so it has a name in the OpenAPI components)."""
    return type(name, (RootModel[list[model]],), {"__doc__": f"A list of {model.__name__}."})
