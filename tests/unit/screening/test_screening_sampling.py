import hashlib
from decimal import Decimal

import pytest

from zhengdun.sampling import ALGORITHM, Sample, SamplingError, draw_sample, rank_key, sample_size, verify_sample

CODES = [f"130102001{n:03d}" for n in range(1, 21)]


@pytest.mark.parametrize("n, ratio, expected", [
    (20, "0.15", 3),        # exactly 3.0: no rounding up past it
    (21, "0.15", 4),        # 3.15 → 4
    (20, Decimal("0.10"), 2),
    (1, "0.05", 1),         # at least one when the population is not empty
    (0, "0.5", 0),
    (7, 1, 7),
    (20, 0.15, 3),          # a float means its decimal text, not 0.1499999…
])
def test_sample_size_is_ceiling_of_ratio_at_least_one(n, ratio, expected):
    assert sample_size(n, ratio=ratio) == expected


def test_sample_size_by_count_is_capped_at_population():
    assert sample_size(5, size=3) == 3
    assert sample_size(5, size=9) == 5


@pytest.mark.parametrize("ratio", ["0", "-0.1", "1.01"])
def test_ratio_must_be_in_zero_one(ratio):
    with pytest.raises(SamplingError):
        sample_size(10, ratio=ratio)


def test_exactly_one_of_ratio_or_size():
    with pytest.raises(SamplingError):
        sample_size(10)
    with pytest.raises(SamplingError):
        sample_size(10, ratio="0.1", size=1)


def test_draw_is_reproducible_and_order_independent():
    first = draw_sample(CODES, "county-check-2020-08-16", ratio="0.2")
    again = draw_sample(list(reversed(CODES)) + CODES[:3], "county-check-2020-08-16", ratio="0.2")
    assert first.chosen == again.chosen
    assert len(first.chosen) == 4
    assert first.population == tuple(sorted(CODES))
    assert first.algorithm == ALGORITHM


def test_draw_matches_the_documented_algorithm():
    seed = "seed-42"
    by_hand = sorted(CODES, key=lambda c: hashlib.sha256(f"{seed}:{c}".encode()).hexdigest())[:5]
    assert draw_sample(CODES, seed, size=5).chosen == tuple(sorted(by_hand))
    assert rank_key(seed, CODES[0]) == hashlib.sha256(f"{seed}:{CODES[0]}".encode()).hexdigest()


def test_different_seeds_give_different_samples():
    samples = {draw_sample(CODES, f"seed-{i}", size=3).chosen for i in range(10)}
    assert len(samples) > 1


def test_seed_is_required():
    with pytest.raises(SamplingError):
        draw_sample(CODES, "", ratio="0.1")


def test_verify_detects_a_hand_picked_sample():
    sample = draw_sample(CODES, "s", ratio="0.2")
    assert verify_sample(sample)
    hand_picked = Sample(sample.algorithm, sample.seed, sample.population, sample.ratio, None, tuple(CODES[:4]))
    assert hand_picked.chosen != sample.chosen
    assert not verify_sample(hand_picked)


def test_empty_population_draws_nothing():
    assert draw_sample([], "s", ratio="0.5").chosen == ()
