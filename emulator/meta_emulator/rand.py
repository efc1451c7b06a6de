"""Deterministic randomness: seeded generators for the world, hashes for per-(ad, day) values."""

from __future__ import annotations

import hashlib
import random
import struct

_SCALE = 1.0 / 2**32


def rng(*parts: object) -> random.Random:
    """A generator seeded from `parts` (stable across runs and platforms)."""
    return random.Random(":".join(str(p) for p in parts))


def uniforms(*parts: object) -> tuple[float, ...]:
    """Sixteen uniform floats in [0, 1) derived from a hash of `parts`."""
    digest = hashlib.blake2b(":".join(str(p) for p in parts).encode(), digest_size=64).digest()
    return tuple(v * _SCALE for v in struct.unpack("<16I", digest))


def unit(*parts: object) -> float:
    """One uniform float in [0, 1) derived from a hash of `parts`."""
    digest = hashlib.blake2b(":".join(str(p) for p in parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") / 2**64
