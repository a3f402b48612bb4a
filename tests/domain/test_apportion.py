"""Costs shared by area in fen (RULES §11): exact sums, within a fen of the quota, monotone, order-free."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.apportion import apportion
from app.domain.errors import RuleViolation

unit_ids = st.builds(lambda b, n: f"{b}-{n}", st.integers(1, 30), st.integers(101, 2604))
scopes = st.dictionaries(unit_ids, st.integers(1, 50_000_00), min_size=1, max_size=40)
costs = st.integers(1, 10**12)


@given(costs, scopes)
def test_shares_add_up_exactly_to_the_cost(cost: int, areas: dict[str, int]) -> None:
    shares = apportion(cost, areas)
    assert set(shares) == set(areas)
    assert sum(shares.values()) == cost


@given(costs, scopes)
def test_each_share_is_within_one_fen_of_its_exact_quota(cost: int, areas: dict[str, int]) -> None:
    total = sum(areas.values())
    for unit, share in apportion(cost, areas).items():
        quota = Fraction(cost * areas[unit], total)
        assert quota - 1 < share < quota + 1
        assert share in (quota.numerator // quota.denominator, -(-quota.numerator // quota.denominator))


@given(costs, scopes)
def test_a_larger_area_never_bears_a_smaller_share(cost: int, areas: dict[str, int]) -> None:
    shares = apportion(cost, areas)
    for a in areas:
        for b in areas:
            if areas[a] > areas[b]:
                assert shares[a] >= shares[b]


@given(costs, scopes, st.randoms(use_true_random=False))
def test_the_order_of_the_units_does_not_matter(cost: int, areas: dict[str, int], rnd: random.Random) -> None:
    items = list(areas.items())
    rnd.shuffle(items)
    assert apportion(cost, dict(items)) == apportion(cost, areas)


def test_equal_areas_share_evenly_and_the_odd_fen_go_to_the_smaller_unit_ids() -> None:
    # 100 fen over three equal units: 33 each, one fen left, to 1-101.
    assert apportion(100, {"1-201": 8950, "1-101": 8950, "1-1001": 8950}) == {"1-101": 34, "1-201": 33, "1-1001": 33}


def test_the_largest_remainders_get_the_fen_left_over() -> None:
    # 1,000 fen over 89.50 + 75.00 + 120.25 = 284.75 m²: quotas 314.30, 263.39, 422.30 → 314, 263, 422 and one fen left;
    # the remainders are 0.30 (1-101: 8950 × 1000 mod 28475 = 8550), 0.39 (1-102: 11125) and 0.30 (1-103: 8550),
    # so 1-102 gets it.
    assert apportion(1000, {"1-101": 8950, "1-102": 7500, "1-103": 12025}) == {"1-101": 314, "1-102": 264, "1-103": 422}


def test_the_larger_remainder_gets_the_fen() -> None:
    # 5 fen over areas 1 and 3: quotas 1.25 and 3.75 → 1 and 3, the fen to the larger remainder (3.75).
    assert apportion(5, {"a": 100, "b": 300}) == {"a": 1, "b": 4}
    # 3 fen over areas 1, 1, 2 (total 4): quotas 0.75, 0.75, 1.5 → floors 0, 0, 1, two fen left; the remainders
    # 3/4, 3/4 come before 2/4.
    assert apportion(3, {"x-1": 100, "x-2": 100, "x-3": 200}) == {"x-1": 1, "x-2": 1, "x-3": 1}


def test_equal_remainders_go_to_the_larger_area_before_the_smaller_unit_id() -> None:
    # 4 fen over areas 1, 3, 4 (total 8): quotas 0.5, 1.5, 2 → floors 0, 1, 2, one fen left; the remainders of 9-1 and
    # 1-1 are both 1/2: the larger area (1-1) gets it.
    assert apportion(4, {"9-1": 100, "1-1": 300, "5-1": 400}) == {"1-1": 2, "5-1": 2, "9-1": 0}
    # The same with the larger area on the larger id: the area still wins.
    assert apportion(4, {"1-1": 100, "9-1": 300, "5-1": 400}) == {"1-1": 0, "5-1": 2, "9-1": 2}


def test_one_unit_bears_it_all() -> None:
    assert apportion(123456, {"3-1-101": 8950}) == {"3-1-101": 123456}


@pytest.mark.parametrize(
    ("cost", "areas", "field"),
    [
        (0, {"1-101": 8950}, "cost"),
        (-5, {"1-101": 8950}, "cost"),
        (100, {}, "scope"),
        (100, {"1-101": 8950, "1-102": 0}, "areas[1-102]"),
        (100, {"1-101": -1}, "areas[1-101]"),
    ],
)
def test_what_cannot_be_shared_is_refused_naming_the_field(cost: int, areas: dict[str, int], field: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        apportion(cost, areas)
    assert caught.value.field == field
