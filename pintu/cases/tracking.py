"""Tracking codes: short, easy to read aloud, not guessable, with a check character.

Alphabet: the digits 2–9 and the letters A H K M R U W X. Left out are symbols that look alike
(0/O, 1/I/L, 5/S, 8/B, 2/Z) and letters whose Indonesian names sound alike on a phone line
(be/de/pe/te/ge/ce, em/en, ef/es). Ten random symbols give 16**10 ≈ 1.1·10**12 codes: with a
million cases a guess hits one in about a million tries, and lookups are rate-limited. The
eleventh symbol is a Luhn mod-16 check that catches any single wrong symbol and most swaps of
neighbours, so a mistyped code is reported as mistyped rather than as unknown.
Displayed as XXXX-XXXX-XXX; stored without dashes.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789AHKMRUWX"
RANDOM_LENGTH = 10
CODE_LENGTH = RANDOM_LENGTH + 1
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


def _check_symbol(payload: str) -> str:
    n = len(ALPHABET)
    total = 0
    factor = 2
    for ch in reversed(payload):
        addend = factor * _INDEX[ch]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_code() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return payload + _check_symbol(payload)


def normalize(raw: str) -> str:
    """Upper-case, drop spaces and dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def is_well_formed(code: str) -> bool:
    code = normalize(code)
    if len(code) != CODE_LENGTH or any(ch not in _INDEX for ch in code):
        return False
    return _check_symbol(code[:-1]) == code[-1]


def format_code(code: str) -> str:
    code = normalize(code)
    return f"{code[:4]}-{code[4:8]}-{code[8:]}" if len(code) == CODE_LENGTH else code
