"""Complaint tracking codes: the case code scheme (pintu.cases.tracking: 10 random symbols and a
check symbol from an alphabet without look-alikes) behind the prefix "P", a letter that alphabet
does not use, so a complaint code is never mistaken for a case code. Displayed P-XXXX-XXXX-XXX."""

from __future__ import annotations

from pintu.cases import tracking

PREFIX = "P"
CODE_LENGTH = 1 + tracking.CODE_LENGTH


def new_code() -> str:
    return PREFIX + tracking.new_code()


def normalize(raw: str) -> str:
    return tracking.normalize(raw)


def is_well_formed(code: str) -> bool:
    code = normalize(code)
    return len(code) == CODE_LENGTH and code[0] == PREFIX and tracking.is_well_formed(code[1:])


def format_code(code: str) -> str:
    code = normalize(code)
    if len(code) != CODE_LENGTH:
        return code
    return f"{PREFIX}-{tracking.format_code(code[1:])}"
