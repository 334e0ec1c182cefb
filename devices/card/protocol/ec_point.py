"""Elliptic-curve point arithmetic over prime fields, as PACE Generic Mapping needs it (ICAO 9303-11 §4.4.3.3.2).

The mapping G~ = s·G + H adds two points, which the `cryptography` package does not expose, so the few curve
operations PACE needs are done here in Jacobian coordinates. Curves are ICAO's standardized domain parameters
(9303-11 §9.5.1, table of parameter IDs); plain ECDH on a fixed curve (Chip Authentication) uses `cryptography`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

Point = tuple[int, int] | None  # None is the point at infinity


@dataclass(frozen=True)
class Curve:
    name: str
    p: int
    a: int
    b: int
    gx: int
    gy: int
    n: int

    @property
    def size(self) -> int:
        return (self.p.bit_length() + 7) // 8

    @property
    def generator(self) -> tuple[int, int]:
        return self.gx, self.gy

    def contains(self, point: Point) -> bool:
        if point is None:
            return False
        x, y = point
        return 0 <= x < self.p and 0 <= y < self.p and (y * y - x * x * x - self.a * x - self.b) % self.p == 0

    def encode(self, point: Point) -> bytes:
        """Uncompressed encoding 04 ‖ X ‖ Y (BSI TR-03111 §3.2.1)."""
        if point is None:
            raise ValueError("the point at infinity has no encoding")
        return b"\x04" + point[0].to_bytes(self.size, "big") + point[1].to_bytes(self.size, "big")

    def decode(self, data: bytes) -> tuple[int, int]:
        if len(data) != 1 + 2 * self.size or data[0] != 0x04:
            raise ValueError("not an uncompressed point of this curve")
        point = (int.from_bytes(data[1 : 1 + self.size], "big"), int.from_bytes(data[1 + self.size :], "big"))
        if not self.contains(point):
            raise ValueError("point is not on the curve")
        return point

    def add(self, p1: Point, p2: Point) -> Point:
        return _to_affine(self, _jadd(self, _to_jacobian(p1), _to_jacobian(p2)))

    def multiply(self, k: int, point: Point) -> Point:
        result = None
        addend = _to_jacobian(point)
        for bit in bin(k % self.n)[2:]:
            result = _jdouble(self, result)
            if bit == "1":
                result = _jadd(self, result, addend)
        return _to_affine(self, result)

    def random_scalar(self) -> int:
        return 1 + secrets.randbelow(self.n - 1)


_Jacobian = tuple[int, int, int] | None


def _to_jacobian(point: Point) -> _Jacobian:
    return None if point is None else (point[0], point[1], 1)


def _to_affine(curve: Curve, point: _Jacobian) -> Point:
    if point is None:
        return None
    x, y, z = point
    zinv = pow(z, -1, curve.p)
    zinv2 = zinv * zinv % curve.p
    return x * zinv2 % curve.p, y * zinv2 * zinv % curve.p


def _jdouble(curve: Curve, point: _Jacobian) -> _Jacobian:
    if point is None:
        return None
    x, y, z = point
    p = curve.p
    if y == 0:
        return None
    yy = y * y % p
    s = 4 * x * yy % p
    zz = z * z % p
    m = (3 * x * x + curve.a * zz * zz) % p
    nx = (m * m - 2 * s) % p
    ny = (m * (s - nx) - 8 * yy * yy) % p
    nz = 2 * y * z % p
    return nx, ny, nz


def _jadd(curve: Curve, p1: _Jacobian, p2: _Jacobian) -> _Jacobian:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    p = curve.p
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    z1z1, z2z2 = z1 * z1 % p, z2 * z2 % p
    u1, u2 = x1 * z2z2 % p, x2 * z1z1 % p
    s1, s2 = y1 * z2 * z2z2 % p, y2 * z1 * z1z1 % p
    if u1 == u2:
        return _jdouble(curve, p1) if s1 == s2 else None
    h = (u2 - u1) % p
    r = (s2 - s1) % p
    hh = h * h % p
    hhh = h * hh % p
    v = u1 * hh % p
    nx = (r * r - hhh - 2 * v) % p
    ny = (r * (v - nx) - s1 * hhh) % p
    nz = h * z1 * z2 % p
    return nx, ny, nz


SECP256R1 = Curve(
    "secp256r1",
    p=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
    a=0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC,
    b=0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B,
    gx=0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
    gy=0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5,
    n=0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
)

BRAINPOOLP256R1 = Curve(
    "brainpoolP256r1",
    p=0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377,
    a=0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9,
    b=0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6,
    gx=0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262,
    gy=0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997,
    n=0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
)

# ICAO 9303-11 §9.5.1 standardized domain parameter IDs.
CURVES_BY_PARAMETER_ID: dict[int, Curve] = {12: SECP256R1, 13: BRAINPOOLP256R1}
CURVES_BY_NAME: dict[str, Curve] = {c.name: c for c in CURVES_BY_PARAMETER_ID.values()}
PARAMETER_ID_BY_NAME: dict[str, int] = {c.name: i for i, c in CURVES_BY_PARAMETER_ID.items()}
