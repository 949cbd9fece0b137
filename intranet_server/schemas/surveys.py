"""The satisfaction survey's payloads: a response, the kiosk's ticket look-up, the SKM report."""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, field_validator

from intranet_server.rules.skm import ELEMENTS, PROFILE
from intranet_server.schemas import Body, Out

Score = Annotated[int, Field(strict=True, ge=1, le=4)]


def _choices(name: str):
    return Literal[tuple(code for code, _, _ in PROFILE[name])]   # type: ignore[misc]


class SurveyIn(Body):
    """`scores`: nine whole numbers 1-4 in the order persyaratan, prosedur, waktu, biaya, produk,
    kompetensi, perilaku, pengaduan, sarana. The profile keys are optional and may be null."""
    ticket_id: int = Field(strict=True, ge=1, le=2**63 - 1)
    scores: list[Score] = Field(min_length=len(ELEMENTS), max_length=len(ELEMENTS))
    comment: str | None = Field(default=None, max_length=1000)
    age_band: _choices("age_band") | None = None          # type: ignore[valid-type]
    sex: _choices("sex") | None = None                    # type: ignore[valid-type]
    education: _choices("education") | None = None        # type: ignore[valid-type]
    occupation: _choices("occupation") | None = None      # type: ignore[valid-type]

    @field_validator("comment")
    @classmethod
    def _clean(cls, value):
        if value is None:
            return None
        value = value.strip()
        value.encode("utf-8")   # a lone surrogate is refused here (422), not at the database (500)
        return value or None


class SurveyOut(Out):
    id: int
    ticket_id: int
    channel: Literal["tablet", "kiosk", "booth"]
    answered_at: str


class TicketLookupQuery(Body):
    number: str = Field(min_length=2, max_length=8, description="the number printed on today's ticket, e.g. P001")


class SurveyTicketOut(Out):
    ticket_id: int
    number: str
    service: str
    service_name_id: str
    service_name_en: str


class SkmQuery(Body):
    from_: dt.date | None = Field(default=None, alias="from", description="first local day (default: 1st of month)")
    to: dt.date | None = Field(default=None, description="last local day, included (default: today)")
    service: str | None = Field(default=None, max_length=32)
    unit: str | None = Field(default=None, max_length=32)


class SkmElementOut(Out):
    key: str
    name_id: str
    name_en: str
    nrr: float
    weighted: float
    low: int
    comments: list[str]


class SkmIndexOut(Out):
    respondents: int
    population: int | None
    required_sample: int | None
    sample_ok: bool | None
    ikm: float | None
    grade: Literal["A", "B", "C", "D"] | None
    grade_id: str | None
    grade_en: str | None
    elements: list[SkmElementOut]
    lowest_first: list[str]


class SkmGroupOut(SkmIndexOut):
    code: str
    name: str


class SkmReportOut(SkmIndexOut):
    from_: str = Field(alias="from")
    to: str
    service: str | None
    unit: str | None
    per_service: list[SkmGroupOut]
    per_unit: list[SkmGroupOut]
    comments: list[str]


# ---- the form and the tablet ------------------------------------------------------------------

class ElementText(Out):
    key: str
    id: str
    en: str
    q_id: str = Field(description="the question, Bahasa Indonesia")
    q_en: str
    a_id: list[str] = Field(description="the four answers, 1 to 4")
    a_en: list[str]


class ProfileChoice(Out):
    code: str
    id: str
    en: str


class SurveyForm(Out):
    elements: list[ElementText]
    profile: dict[str, list[ProfileChoice]] = Field(description="age_band, sex, education, occupation")


class SurveyOffer(Out):
    ticket_id: int
    number: str
    service: str
    service_name: dict[str, str]
    language: str
    finished_at: str | None


class TabletBooth(Out):
    number: int
    label: str


class TabletState(Out):
    name: str
    booth: TabletBooth
    room: str
    offer: SurveyOffer | None
