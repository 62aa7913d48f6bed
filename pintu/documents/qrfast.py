"""QR codes for verification URLs, fast.

Every verification URL has the same shape — a constant prefix, a code of fixed length, a constant
suffix — and a QR code with fixed version, error level, mode and mask is an affine function over
GF(2) of its data bits (Reed–Solomon error correction is linear, placement is a permutation,
masking is an XOR). So for each URL shape the QR matrix is learnt once from segno (the all-zero
code, plus one matrix per code bit) and every later code is the XOR of a few precomputed integers:
microseconds instead of segno's ~20 ms (mask selection) or ~4 ms (fixed mask). The result is the
very matrix segno produces with the same parameters (tests compare them).
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass

import segno

ERROR = "m"
MASK = 0  # any of the 8 masks is valid for readers; fixed so that the code is affine


@dataclass(frozen=True)
class _Shape:
    size: int
    base: int  # the matrix of the all-zero code, one bit per module (row-major)
    contributions: tuple[tuple[int, ...], ...]  # [byte index][bit 0..7] → xor mask


_shapes: dict[tuple[str, int, str], _Shape] = {}
_lock = threading.Lock()


def _segno_matrix(data: bytes, version: int | None):
    qr = segno.make(
        data, error=ERROR, mask=MASK, boost_error=False, mode="byte", micro=False, version=version
    )
    return qr


def _as_int(matrix) -> int:
    value = 0
    for row in matrix:
        for module in row:
            value = (value << 1) | (module & 1)
    return value


def _learn(prefix: str, length: int, suffix: str) -> _Shape:
    head, tail = prefix.encode(), suffix.encode()
    zero = _segno_matrix(head + bytes(length) + tail, None)
    version = zero.version
    base = _as_int(zero.matrix)
    contributions = []
    for index in range(length):
        per_bit = []
        for bit in range(8):
            code = bytearray(length)
            code[index] = 1 << bit
            qr = _segno_matrix(head + bytes(code) + tail, version)
            per_bit.append(_as_int(qr.matrix) ^ base)
        contributions.append(tuple(per_bit))
    return _Shape(size=len(zero.matrix), base=base, contributions=tuple(contributions))


def _shape(prefix: str, length: int, suffix: str) -> _Shape:
    key = (prefix, length, suffix)
    shape = _shapes.get(key)
    if shape is None:
        with _lock:
            shape = _shapes.get(key)
            if shape is None:
                shape = _learn(prefix, length, suffix)
                _shapes[key] = shape
    return shape


def qr_matrix_bits(prefix: str, code: str, suffix: str = "") -> tuple[int, int]:
    """(size, bits): the QR matrix of ``prefix + code + suffix`` as a row-major integer."""
    data = code.encode()
    shape = _shape(prefix, len(data), suffix)
    bits = shape.base
    for index, byte in enumerate(data):
        per_bit = shape.contributions[index]
        for bit in range(8):
            if byte >> bit & 1:
                bits ^= per_bit[bit]
    return shape.size, bits


def matrix_rows(size: int, bits: int) -> list[str]:
    text = format(bits, f"0{size * size}b")
    return [text[i : i + size] for i in range(0, size * size, size)]


@functools.lru_cache(maxsize=8)
def _path_pieces(size: int, border: int) -> tuple[list[list[str]], list[str]]:
    """The path's pieces, formatted once per matrix size: the move to each module
    (``M{x} {y}``) and each run length (``h{n}v1h-{n}z``)."""
    moves = [[f"M{x + border} {y + border}" for x in range(size)] for y in range(size)]
    runs = ["", *(f"h{n}v1h-{n}z" for n in range(1, size + 1))]
    return moves, runs


def svg(prefix: str, code: str, suffix: str = "", *, border: int = 4) -> str:
    """An SVG of the QR code (one path of horizontal runs; quiet zone ``border`` modules)."""
    size, bits = qr_matrix_bits(prefix, code, suffix)
    text = format(bits, f"0{size * size}b")
    moves, runs = _path_pieces(size, border)
    parts: list[str] = []
    add = parts.append
    for y in range(size):
        row, x = moves[y], 0
        for run in text[y * size : (y + 1) * size].split("0"):  # runs of dark modules
            if run:
                n = len(run)
                add(row[x])
                add(runs[n])
                x += n + 1
            else:
                x += 1
    dim = size + 2 * border
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {dim} {dim}" width="{dim * 4}" height="{dim * 4}">'
        f'<rect width="{dim}" height="{dim}" fill="#fff"/><path fill="#111" d="{"".join(parts)}"/></svg>'
    )
