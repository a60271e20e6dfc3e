"""Reproducible random samples (随机抽查) that anybody can re-derive.

Used by the county check and the city spot check in screening, and by acceptance's
city/province spot checks.  The draw is a pure function of (population, seed, size):

1. the population is de-duplicated and sorted;
2. k = ceil(ratio × n) computed exactly in decimal (at least 1 when n > 0), or a given size
   (capped at n);
3. each code is ranked by the hex SHA-256 of ``seed + ":" + code`` (UTF-8), ties by code;
4. the first k of that ranking are chosen; the result is reported sorted.

Because the seed is recorded with the sample, an inspector can recompute the same sample
with a few lines in any language and see that nobody chose the villages by hand.

Nobody chooses the seed either (``derived_seed``): when a population is frozen (a township
submits its list, a county standing committee decides one) the platform draws a random secret
and publishes only its SHA-256 (the commitment). The draw reveals the secret, and the seed is

    SHA-256 of  secret ":" label ":" population digest ":" attempt

where the population digest is the SHA-256 of the sorted codes joined by newlines. The drawer
cannot pick a seed, the unit whose list is checked cannot foresee it when it freezes the list,
and anyone can check the revealed secret against the commitment published before.
"""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

ALGORITHM = "sha256-rank-v1"


class SamplingError(ValueError):
    pass


@dataclass(frozen=True)
class Sample:
    algorithm: str
    seed: str
    population: tuple[str, ...]     # sorted, distinct
    ratio: Decimal | None
    size: int | None
    chosen: tuple[str, ...]         # sorted


def _exact(ratio: Decimal | int | float | str) -> Fraction:
    # Floats go through their shortest decimal repr so 0.15 means 15/100, not its binary value.
    if isinstance(ratio, float):
        ratio = repr(ratio)
    value = Fraction(ratio)
    if not 0 < value <= 1:
        raise SamplingError(f"抽样比例须在(0,1]之间 / ratio must be in (0, 1]: {ratio}")
    return value


def sample_size(population_size: int, *, ratio=None, size: int | None = None) -> int:
    """How many to draw: ceil(ratio × n), at least 1 when n > 0; or ``size`` capped at n."""
    if (ratio is None) == (size is None):
        raise SamplingError("须且只能给出比例或数量之一 / give exactly one of ratio or size")
    if population_size <= 0:
        return 0
    if size is not None:
        if size < 0:
            raise SamplingError(f"抽样数量不能为负 / size must not be negative: {size}")
        return min(size, population_size)
    return max(1, math.ceil(_exact(ratio) * population_size))


def rank_key(seed: str, code: str) -> str:
    return hashlib.sha256(f"{seed}:{code}".encode("utf-8")).hexdigest()


def draw_sample(population, seed: str, *, ratio=None, size: int | None = None) -> Sample:
    if not seed:
        raise SamplingError("须记录抽样种子 / a seed string is required")
    codes = tuple(sorted(set(population)))
    k = sample_size(len(codes), ratio=ratio, size=size)
    ranked = sorted(codes, key=lambda code: (rank_key(seed, code), code))
    return Sample(
        algorithm=ALGORITHM,
        seed=seed,
        population=codes,
        ratio=Decimal(str(ratio)) if ratio is not None else None,
        size=size,
        chosen=tuple(sorted(ranked[:k])),
    )


def verify_sample(sample: Sample) -> bool:
    """True when re-drawing from the recorded inputs gives exactly the recorded choice."""
    if sample.algorithm != ALGORITHM:
        return False
    again = draw_sample(sample.population, sample.seed, ratio=sample.ratio, size=sample.size)
    return again.chosen == sample.chosen


def population_digest(population) -> str:
    """SHA-256 of the distinct codes, sorted and joined by newlines."""
    return hashlib.sha256("\n".join(sorted(set(population))).encode("utf-8")).hexdigest()


def new_secret() -> str:
    return secrets.token_hex(16)


def commitment_to(secret: str) -> str:
    """What is published when the population is frozen, long before the secret is revealed."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def derived_seed(secret: str, label: str, population, attempt: int) -> str:
    """The seed of one draw: the drawer gives none. ``label`` tells apart the samples of one step
    (e.g. a township's listed and unlisted villages); ``attempt`` is 1, then 2… for recorded re-draws."""
    if attempt < 1:
        raise SamplingError(f"抽样次序须从1开始 / attempt must be at least 1: {attempt}")
    return hashlib.sha256(f"{secret}:{label}:{population_digest(population)}:{attempt}".encode("utf-8")).hexdigest()
