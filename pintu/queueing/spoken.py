"""How a ticket is announced: "Nomor antrian A nol dua belas, silakan ke loket tiga".

Ticket numbers are read the way Indonesian callers read them: the letters one by one, then the
digits with their leading zeros as "nol" and the rest as one number ("012" → "nol dua belas",
"105" → "seratus lima").
"""

from __future__ import annotations

from num2words import num2words

LETTERS = {
    "A": "A", "B": "Be", "C": "Ce", "D": "De", "E": "E", "F": "Ef", "G": "Ge", "H": "Ha", "I": "I",
    "J": "Je", "K": "Ka", "L": "El", "M": "Em", "N": "En", "O": "O", "P": "Pe", "Q": "Ki", "R": "Er",
    "S": "Es", "T": "Te", "U": "U", "V": "Fe", "W": "We", "X": "Eks", "Y": "Ye", "Z": "Zet",
}  # fmt: skip


def number_words(value: int) -> str:
    return num2words(value, lang="id")


def digits_words(digits: str) -> str:
    """ "012" → "nol dua belas"; "000" → "nol nol nol"."""
    zeros = len(digits) - len(digits.lstrip("0"))
    rest = digits[zeros:]
    words = ["nol"] * zeros
    if rest:
        words.append(number_words(int(rest)))
    return " ".join(words)


def ticket_words(display_number: str) -> str:
    letters = "".join(ch for ch in display_number if ch.isalpha())
    digits = "".join(ch for ch in display_number if ch.isdigit())
    spoken_letters = " ".join(LETTERS.get(ch.upper(), ch) for ch in letters)
    return f"{spoken_letters} {digits_words(digits)}".strip()


def announcement(display_number: str, counter_number: int) -> str:
    return f"Nomor antrian {ticket_words(display_number)}, silakan ke loket {number_words(counter_number)}"
