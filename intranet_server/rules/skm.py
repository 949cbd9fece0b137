"""The satisfaction survey (Survei Kepuasan Masyarakat, Permenpan RB 14/2017): elements, the index, grades
and the sample size. Pure: no Flask, no database; the report hands rows in.

- NRR (nilai rata-rata) of an element: the mean of its scores (1-4) over the respondents.
- IKM: the mean of the nine NRRs, each weighted exactly 1/9, times 25 -> 25..100. The regulation prints
  the weight rounded to 0.11, which caps the index at 4 x 9 x 0.11 x 25 = 99 and moves every figure a
  little; we compute with 1/9 exactly (Fractions) and round once, to two decimals, at the end.
- Grade: the rounded IKM against the regulation's conversion table (A 88.31-100, B 76.61-88.30,
  C 65.00-76.60, D 25.00-64.99).
- Sample: Krejcie & Morgan (1970), the table the regulation's guide refers to, for the period's
  population (the tickets served).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Iterable, Sequence

# The nine elements, in the order of the contract's `scores`, with the regulation's questionnaire wording
# of the four answers (1 = worst .. 4 = best).
ELEMENTS: tuple[dict, ...] = (
    {"key": "persyaratan", "id": "Persyaratan", "en": "Requirements",
     "q_id": "Kesesuaian persyaratan pelayanan dengan jenis pelayanannya",
     "q_en": "Do the requirements fit the kind of service?",
     "a_id": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
     "a_en": ("Not suitable", "Less suitable", "Suitable", "Very suitable")},
    {"key": "prosedur", "id": "Sistem, mekanisme dan prosedur", "en": "System, mechanism and procedure",
     "q_id": "Kemudahan prosedur pelayanan", "q_en": "How easy is the procedure?",
     "a_id": ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
     "a_en": ("Not easy", "Not very easy", "Easy", "Very easy")},
    {"key": "waktu", "id": "Waktu penyelesaian", "en": "Completion time",
     "q_id": "Kecepatan waktu pelayanan", "q_en": "How fast was the service?",
     "a_id": ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
     "a_en": ("Not fast", "Not very fast", "Fast", "Very fast")},
    {"key": "biaya", "id": "Biaya/tarif", "en": "Cost/fee",
     "q_id": "Kewajaran biaya/tarif pelayanan", "q_en": "How fair is the cost of the service?",
     "a_id": ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
     "a_en": ("Very expensive", "Rather expensive", "Cheap", "Free")},
    {"key": "produk", "id": "Produk spesifikasi jenis pelayanan", "en": "Service product specification",
     "q_id": "Kesesuaian hasil pelayanan dengan standar pelayanan",
     "q_en": "Does what you received match the service standard?",
     "a_id": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
     "a_en": ("Not matching", "Partly matching", "Matching", "Fully matching")},
    {"key": "kompetensi", "id": "Kompetensi pelaksana", "en": "Competence of the staff",
     "q_id": "Kompetensi/kemampuan petugas", "q_en": "How competent was the officer?",
     "a_id": ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
     "a_en": ("Not competent", "Less competent", "Competent", "Very competent")},
    {"key": "perilaku", "id": "Perilaku pelaksana", "en": "Behaviour of the staff",
     "q_id": "Kesopanan dan keramahan petugas", "q_en": "How polite and friendly was the officer?",
     "a_id": ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
     "a_en": ("Not polite", "Not very polite", "Polite and friendly", "Very polite and friendly")},
    {"key": "pengaduan", "id": "Penanganan pengaduan, saran dan masukan",
     "en": "Handling of complaints, suggestions and feedback",
     "q_id": "Penanganan pengaduan pengguna layanan", "q_en": "How are complaints handled?",
     "a_id": ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
     "a_en": ("There is none", "Exists but does not work", "Works, not fully", "Well managed")},
    {"key": "sarana", "id": "Sarana dan prasarana", "en": "Facilities and infrastructure",
     "q_id": "Kualitas sarana dan prasarana", "q_en": "How good are the facilities?",
     "a_id": ("Buruk", "Cukup", "Baik", "Sangat baik"),
     "a_en": ("Poor", "Fair", "Good", "Very good")},
)
KEYS: tuple[str, ...] = tuple(e["key"] for e in ELEMENTS)
WEIGHT = Fraction(1, len(ELEMENTS))   # exactly 1/9, not the printed 0.11

# The optional respondent profile the regulation's questionnaire asks (no name, no ID number).
PROFILE: dict[str, tuple[tuple[str, str, str], ...]] = {
    "age_band": (("<25", "< 25 tahun", "under 25"), ("25-34", "25–34 tahun", "25–34"),
                 ("35-44", "35–44 tahun", "35–44"), ("45-59", "45–59 tahun", "45–59"),
                 ("60+", "60 tahun ke atas", "60 and over")),
    "sex": (("L", "Laki-laki", "Male"), ("P", "Perempuan", "Female")),
    "education": (("sd", "SD ke bawah", "Primary or less"), ("smp", "SMP", "Junior high"),
                  ("sma", "SMA", "Senior high"), ("diploma", "D1/D2/D3/D4", "Diploma"),
                  ("s1", "S1", "Bachelor"), ("s2", "S2 ke atas", "Master or higher")),
    "occupation": (("pns", "PNS", "Civil servant"), ("tni_polri", "TNI/POLRI", "Military/police"),
                   ("swasta", "Pegawai swasta", "Private employee"), ("wirausaha", "Wirausaha", "Self-employed"),
                   ("pelajar", "Pelajar/Mahasiswa", "Student"), ("lainnya", "Lainnya", "Other")),
}

# (lowest rounded IKM, grade, Indonesian, English), best first. From the regulation's conversion table.
GRADES: tuple[tuple[Decimal, str, str, str], ...] = (
    (Decimal("88.31"), "A", "Sangat baik", "Very good"),
    (Decimal("76.61"), "B", "Baik", "Good"),
    (Decimal("65.00"), "C", "Kurang baik", "Poor"),
    (Decimal("25.00"), "D", "Tidak baik", "Bad"),
)
LOW_SCORE = 2   # a score at or below this is "kurang/tidak": its comment explains a weak element

# Krejcie & Morgan (1970), Table 1: population N -> sample s (95% confidence, 5% margin, P = 0.5).
KREJCIE_MORGAN: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44), (55, 48),
    (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76), (100, 80), (110, 86),
    (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118), (180, 123), (190, 127),
    (200, 132), (210, 136), (220, 140), (230, 144), (240, 148), (250, 152), (260, 155), (270, 159),
    (280, 162), (290, 165), (300, 169), (320, 175), (340, 181), (360, 186), (380, 191), (400, 196),
    (420, 201), (440, 205), (460, 210), (480, 214), (500, 217), (550, 226), (600, 234), (650, 242),
    (700, 248), (750, 254), (800, 260), (850, 265), (900, 269), (950, 274), (1000, 278), (1100, 285),
    (1200, 291), (1300, 297), (1400, 302), (1500, 306), (1600, 310), (1700, 313), (1800, 317),
    (1900, 320), (2000, 322), (2200, 327), (2400, 331), (2600, 335), (2800, 338), (3000, 341),
    (3500, 346), (4000, 351), (4500, 354), (5000, 357), (6000, 361), (7000, 364), (8000, 367),
    (9000, 368), (10000, 370), (15000, 375), (20000, 377), (30000, 379), (40000, 380), (50000, 381),
    (75000, 382), (1000000, 384),
)
_KM_N = [n for n, _ in KREJCIE_MORGAN]


class ScoreError(ValueError):
    pass


def check_scores(scores: Sequence) -> tuple[int, ...]:
    """Nine whole numbers 1-4 in the order of ELEMENTS, or ScoreError saying what is wrong."""
    if not isinstance(scores, (list, tuple)) or len(scores) != len(ELEMENTS):
        raise ScoreError(f"'scores' must be a list of {len(ELEMENTS)} whole numbers 1-4 ({', '.join(KEYS)})")
    for i, score in enumerate(scores):
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 4:
            raise ScoreError(f"'scores[{i}]' ({KEYS[i]}) must be a whole number 1-4, not {score!r}")
    return tuple(scores)


def krejcie_morgan(formula_n: float) -> float:
    """The formula behind the table: s = X²NP(1-P) / (d²(N-1) + X²P(1-P)), X² = 3.841, P = .5, d = .05."""
    chi2, p, d = 3.841, 0.5, 0.05
    return chi2 * formula_n * p * (1 - p) / (d * d * (formula_n - 1) + chi2 * p * (1 - p))


def required_sample(population: int) -> int:
    """Respondents the table asks for a population: the row for the population, or for the next
    larger population listed (so never fewer than asked); at most the population itself."""
    if population <= 0:
        return 0
    i = bisect.bisect_left(_KM_N, population)
    sample = KREJCIE_MORGAN[min(i, len(KREJCIE_MORGAN) - 1)][1]
    return min(sample, population)


def round2(value: Fraction) -> Decimal:
    """Half up to two decimals, from the exact fraction (no binary floating point on the way)."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def round3(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.001"), ROUND_HALF_UP)


def grade(ikm: Decimal) -> tuple[str, str, str]:
    """(grade, Indonesian, English) of an IKM already rounded to two decimals."""
    if not Decimal(25) <= ikm <= Decimal(100):
        raise ValueError(f"an IKM is between 25 and 100, not {ikm}")
    for low, letter, name_id, name_en in GRADES:
        if ikm >= low:
            return letter, name_id, name_en
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Answer:
    """One response as the index needs it."""
    scores: tuple[int, ...]
    comment: str = ""
    service: str = ""
    unit: str = ""
    answered_at: str = ""


@dataclass
class Element:
    key: str
    nrr: Fraction
    low: int                     # respondents who scored it LOW_SCORE or below
    comments: list[str] = field(default_factory=list)   # comments of those respondents

    def as_dict(self) -> dict:
        element = ELEMENTS[KEYS.index(self.key)]
        return {"key": self.key, "name_id": element["id"], "name_en": element["en"],
                "nrr": float(round3(self.nrr)), "weighted": float(round3(self.nrr * WEIGHT)),
                "low": self.low, "comments": list(self.comments)}


@dataclass
class Index:
    respondents: int
    population: int | None
    elements: list[Element]      # in questionnaire order
    ikm_exact: Fraction | None

    @property
    def ikm(self) -> Decimal | None:
        return None if self.ikm_exact is None else round2(self.ikm_exact)

    @property
    def grade(self) -> tuple[str, str, str] | None:
        return None if self.ikm is None else grade(self.ikm)

    @property
    def required(self) -> int | None:
        return None if self.population is None else required_sample(self.population)

    @property
    def sample_ok(self) -> bool | None:
        return None if self.required is None else self.respondents >= self.required

    def lowest_first(self) -> list[Element]:
        """Weakest element first (what a unit improves); ties in questionnaire order."""
        return sorted(self.elements, key=lambda e: (e.nrr, KEYS.index(e.key)))

    def as_dict(self) -> dict:
        g = self.grade
        return {
            "respondents": self.respondents, "population": self.population,
            "required_sample": self.required, "sample_ok": self.sample_ok,
            "ikm": None if self.ikm is None else float(self.ikm),
            "grade": g[0] if g else None, "grade_id": g[1] if g else None, "grade_en": g[2] if g else None,
            "elements": [e.as_dict() for e in self.elements],
            "lowest_first": [e.key for e in self.lowest_first()],
        }


@dataclass(frozen=True)
class Tally:
    """What the index needs from a group of answers: how many, the sum of each element's scores and how
    many scored each element LOW_SCORE or below. Tallies add up (services -> unit -> the whole), so the
    database can count and sum and hand over a few rows instead of every answer."""
    n: int = 0
    sums: tuple[int, ...] = (0,) * len(ELEMENTS)
    lows: tuple[int, ...] = (0,) * len(ELEMENTS)

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.n + other.n, tuple(a + b for a, b in zip(self.sums, other.sums, strict=True)),
                     tuple(a + b for a, b in zip(self.lows, other.lows, strict=True)))


def tally(answers: Iterable[Answer]) -> Tally:
    answers = list(answers)
    columns = list(zip(*(a.scores for a in answers), strict=True)) or [()] * len(ELEMENTS)
    return Tally(len(answers), tuple(sum(c) for c in columns),
                 tuple(sum(1 for x in c if x <= LOW_SCORE) for c in columns))


def index_of(counts: Tally, commented: Iterable[Answer] = (), population: int | None = None) -> Index:
    """The index of a tally; `commented` are the group's answers that carry a comment (in the order to
    show them), `population` (tickets served) gives the sample check."""
    if counts.n == 0:
        return Index(0, population, [], None)
    commented = [a for a in commented if a.comment]
    elements = [Element(key, Fraction(counts.sums[i], counts.n), counts.lows[i],
                        [a.comment for a in commented if a.scores[i] <= LOW_SCORE])
                for i, key in enumerate(KEYS)]
    ikm = sum((e.nrr * WEIGHT for e in elements), Fraction(0)) * 25
    return Index(counts.n, population, elements, ikm)


def index(answers: Iterable[Answer], population: int | None = None) -> Index:
    """The index of these responses (row by row; the report hands tallies to index_of)."""
    answers = list(answers)
    return index_of(tally(answers), answers, population)


def group_by(answers: Iterable[Answer], attribute: str) -> dict[str, list[Answer]]:
    groups: dict[str, list[Answer]] = {}
    for answer in answers:
        groups.setdefault(getattr(answer, attribute), []).append(answer)
    return dict(sorted(groups.items()))


def formula_sample(population: int) -> int:
    """The formula rounded to the nearest whole respondent: every row of the table equals it (a test
    checks), which is why looking up the next larger row never asks for fewer than the formula."""
    return round(krejcie_morgan(population))
