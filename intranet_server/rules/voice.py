"""Bahasa Indonesia voice call for the lobby display board.

Pure rules, stdlib only.  A call such as ticket ``A007`` to booth ``3`` is spoken as

    "Nomor antrean A nol nol tujuh, silakan menuju booth tiga"

and is played by the display (``static/js/voice.js``) as a chime followed by a sequence of
pre-recorded clips.  The clip set is FIXED and small (see :data:`ALL_CLIPS`): two phrases,
the 26 letter names and 16 number words, which together cover every ticket ``A000`` ..
``Z999`` (spelled letter by letter and digit by digit) and every booth ``1`` .. ``999``
(spoken as a natural Indonesian number: 12 -> "dua belas", 115 -> "seratus lima belas").

Clip names are ascii slugs (also the file names, ``<name>.wav``):

* ``nomor_antrean``            "Nomor antrean"
* ``silakan_menuju_booth``     "silakan menuju booth"
* ``letter_a`` .. ``letter_z`` Indonesian letter names: a, be, ce, de, e, ef, ge, ha, ...
* ``word_<w>``                 number words: nol, satu .. sembilan, sepuluh, sebelas, seratus,
                               belas, puluh, ratus
"""

from __future__ import annotations

import re
import string

__all__ = [
    "ALL_CLIPS",
    "CHIME",
    "CLIP_TEXT",
    "LETTER_NAMES",
    "NUMBER_WORDS",
    "PHRASE_BOOTH",
    "PHRASE_NOMOR",
    "booth_clips",
    "call_clips",
    "call_text",
    "number_words_id",
    "ticket_clips",
]

#: Name of the two-tone chime played before every announcement (not part of call_clips()).
CHIME = "chime"

PHRASE_NOMOR = "nomor_antrean"
PHRASE_BOOTH = "silakan_menuju_booth"

DIGIT_WORDS: tuple[str, ...] = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
)

#: Every word number_words_id() can return.
NUMBER_WORDS: tuple[str, ...] = DIGIT_WORDS + ("sepuluh", "sebelas", "seratus", "belas", "puluh", "ratus")

#: How each letter is named in Indonesian (the alphabet as taught in school; V is said "fe").
LETTER_NAMES: dict[str, str] = {
    "A": "a",
    "B": "be",
    "C": "ce",
    "D": "de",
    "E": "e",
    "F": "ef",
    "G": "ge",
    "H": "ha",
    "I": "i",
    "J": "je",
    "K": "ka",
    "L": "el",
    "M": "em",
    "N": "en",
    "O": "o",
    "P": "pe",
    "Q": "ki",
    "R": "er",
    "S": "es",
    "T": "te",
    "U": "u",
    "V": "fe",
    "W": "we",
    "X": "eks",
    "Y": "ye",
    "Z": "zet",
}

_PHRASE_TEXT = {PHRASE_NOMOR: "Nomor antrean", PHRASE_BOOTH: "silakan menuju booth"}

# Words that may precede the booth number in a label ("Booth 3", "Loket 2"); the announcement
# already says "booth", so they are not spelled out.
_BOOTH_PREFIXES = frozenset({"booth", "loket", "meja", "counter", "konter"})

_ASCII_LETTERS = frozenset(string.ascii_letters)
_ASCII_DIGITS = frozenset(string.digits)
_TOKEN_RE = re.compile(r"[A-Za-z0-9]+")
_RUN_RE = re.compile(r"[A-Za-z]+|[0-9]+")


def _letter_clip(ch: str) -> str:
    return "letter_" + ch.lower()


def _word_clip(word: str) -> str:
    return "word_" + word


#: Display text of every clip (the letter itself for letters), used to build captions.
CLIP_TEXT: dict[str, str] = {
    **_PHRASE_TEXT,
    **{_letter_clip(ch): ch for ch in LETTER_NAMES},
    **{_word_clip(w): w for w in NUMBER_WORDS},
}

#: The complete, fixed set of clips any call_clips() result is drawn from (chime excluded).
ALL_CLIPS: tuple[str, ...] = tuple(CLIP_TEXT)


def number_words_id(n: int) -> list[str]:
    """Indonesian words for ``0 <= n <= 999``, one list item per spoken word.

    >>> number_words_id(12), number_words_id(21), number_words_id(115)
    (['dua', 'belas'], ['dua', 'puluh', 'satu'], ['seratus', 'lima', 'belas'])
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number must be an int, got {n!r}")
    if not 0 <= n <= 999:
        raise ValueError(f"number out of range 0..999: {n}")
    if n < 10:
        return [DIGIT_WORDS[n]]
    if n == 10:
        return ["sepuluh"]
    if n == 11:
        return ["sebelas"]
    if n < 20:
        return [DIGIT_WORDS[n - 10], "belas"]
    if n < 100:
        tens, unit = divmod(n, 10)
        return [DIGIT_WORDS[tens], "puluh"] + (number_words_id(unit) if unit else [])
    hundreds, rest = divmod(n, 100)
    words = ["seratus"] if hundreds == 1 else [DIGIT_WORDS[hundreds], "ratus"]
    return words + (number_words_id(rest) if rest else [])


def _spell(text: str) -> list[str]:
    """Letter by letter / digit by digit."""
    clips = []
    for ch in text:
        if ch in _ASCII_LETTERS:
            clips.append(_letter_clip(ch))
        elif ch in _ASCII_DIGITS:
            clips.append(_word_clip(DIGIT_WORDS[int(ch)]))
    return clips


def ticket_clips(ticket_number: str) -> list[str]:
    """Clips for a ticket number, spoken letter by letter and digit by digit.

    ``"A007"`` -> ``["letter_a", "word_nol", "word_nol", "word_tujuh"]``.  Case is ignored and
    separators (space, ``-``, ``.``, ...) are skipped; a non-ascii letter or digit cannot be
    spoken and raises ValueError, as does a ticket with nothing to say.
    """
    text = str(ticket_number)
    for ch in text:
        if ch.isalnum() and ch not in _ASCII_LETTERS and ch not in _ASCII_DIGITS:
            raise ValueError(f"cannot speak character {ch!r} in ticket number {text!r}")
    clips = _spell(text)
    if not clips:
        raise ValueError(f"nothing to speak in ticket number {text!r}")
    return clips


def booth_clips(booth_label: str) -> list[str]:
    """Clips for a booth label.

    * With digits (``"3"``, ``"Booth 12"``, ``"Loket 2B"``): the first word containing digits
      is spoken, each run of digits as a natural number (``"12"`` -> "dua belas"; a run above
      999 is read digit by digit) and letters glued to it spelled (``"2B"`` -> "dua be").
      Other words are ignored.
    * Without digits (``"A"``, ``"Booth VIP"``): the letters are spelled, after dropping a
      leading "booth"/"loket"/"meja"/"counter"/"konter".

    Raises ValueError when nothing is left to speak.
    """
    label = str(booth_label)
    tokens = _TOKEN_RE.findall(label)
    with_digits = [t for t in tokens if any(ch in _ASCII_DIGITS for ch in t)]
    clips: list[str] = []
    if with_digits:
        for run in _RUN_RE.findall(with_digits[0]):
            if run[0] in _ASCII_DIGITS and int(run) <= 999:
                clips.extend(_word_clip(w) for w in number_words_id(int(run)))
            else:
                clips.extend(_spell(run))
    else:
        while tokens and tokens[0].lower() in _BOOTH_PREFIXES:
            tokens = tokens[1:]
        for token in tokens:
            clips.extend(_spell(token))
    if not clips:
        raise ValueError(f"nothing to speak in booth label {label!r}")
    return clips


def call_clips(ticket_number: str, booth_label: str) -> list[str]:
    """Ordered clip names (no extension) for the whole announcement, chime excluded.

    >>> call_clips("A007", "Booth 3")  # doctest: +NORMALIZE_WHITESPACE
    ['nomor_antrean', 'letter_a', 'word_nol', 'word_nol', 'word_tujuh',
     'silakan_menuju_booth', 'word_tiga']
    """
    return [PHRASE_NOMOR, *ticket_clips(ticket_number), PHRASE_BOOTH, *booth_clips(booth_label)]


def call_text(ticket_number: str, booth_label: str) -> str:
    """The announcement as text, word for word what the clips say (captions, speechSynthesis).

    >>> call_text("A007", "Booth 3")
    'Nomor antrean A nol nol tujuh, silakan menuju booth tiga'
    """
    ticket = " ".join(CLIP_TEXT[c] for c in ticket_clips(ticket_number))
    booth = " ".join(CLIP_TEXT[c] for c in booth_clips(booth_label))
    return f"{_PHRASE_TEXT[PHRASE_NOMOR]} {ticket}, {_PHRASE_TEXT[PHRASE_BOOTH]} {booth}"
