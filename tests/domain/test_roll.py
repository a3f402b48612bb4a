from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import RuleViolation
from app.domain.roll import UnitRecord, derive_roll


def unit(uid: str, area: int, *holders: str, votes: bool = True, delivered: bool = True) -> UnitRecord:
    return UnitRecord(uid, area, frozenset(holders), votes=votes, delivered=delivered)


RULES_8_UNITS = [
    unit("101", 8000, "A"),
    unit("102", 10000, "B"),
    unit("103", 12000, "C"),
    unit("104", 9000, "D"),
    unit("105", 6000, "D"),
    unit("106", 15000, "dev", delivered=False),
    unit("107", 15000, "dev", delivered=False),
    unit("108", 10000, "E", "F"),
]


def test_worked_community_of_rules_section_8() -> None:
    roll = derive_roll(RULES_8_UNITS, developer="dev")
    assert roll.total_area_centi == 85000
    assert roll.total_heads == 6
    areas = {v.key: v.area_centi for v in roll.voters}
    assert areas == {"A": 8000, "B": 10000, "C": 12000, "D": 15000, "dev": 30000, "E|F": 10000}
    assert all(v.headcount == 1 for v in roll.voters)


def test_owner_of_several_units_counts_once_with_summed_area() -> None:
    roll = derive_roll([unit("1", 100, "P"), unit("2", 250, "P")])
    assert roll.total_heads == 1
    assert roll.voters[0].area_centi == 350
    assert roll.voters[0].units == ("1", "2")


def test_unsold_and_undelivered_units_all_count_for_the_developer() -> None:
    roll = derive_roll(
        [unit("1", 100, "dev", delivered=False), unit("2", 200, "buyer", delivered=False), unit("3", 300, "X")],
        developer="dev",
    )
    assert {v.key: v.area_centi for v in roll.voters} == {"dev": 300, "X": 300}


def test_person_alone_and_with_a_co_owner_are_two_voters() -> None:
    roll = derive_roll([unit("A", 100, "P"), unit("B", 100, "P", "Q")])
    assert roll.total_heads == 2


def test_co_owners_in_any_order_are_the_same_voter() -> None:
    roll = derive_roll([unit("A", 100, "P", "Q"), unit("B", 100, "Q", "P")])
    assert roll.total_heads == 1


def test_non_voting_units_are_left_out_of_area_and_headcount() -> None:
    roll = derive_roll([unit("1-101", 8950, "p1"), unit("P-001", 1250, "p1", votes=False), unit("P-002", 1250, "p9", votes=False)])
    assert roll.total_area_centi == 8950
    assert roll.total_heads == 1
    assert roll.voter_for_unit("P-001") is None


def test_undelivered_unit_without_developer_names_the_unit() -> None:
    with pytest.raises(RuleViolation) as err:
        derive_roll([unit("9-1", 100, "buyer", delivered=False)])
    assert err.value.field == "units[9-1].holders"


def test_counting_unit_without_holder_is_refused() -> None:
    with pytest.raises(RuleViolation, match=r"units\[1\]\.holders"):
        derive_roll([unit("1", 100)])


def test_duplicate_unit_is_refused() -> None:
    with pytest.raises(RuleViolation, match="duplicate"):
        derive_roll([unit("1", 100, "A"), unit("1", 100, "B")])


def test_roll_digest_does_not_depend_on_register_order() -> None:
    a = derive_roll(RULES_8_UNITS, developer="dev")
    b = derive_roll(list(reversed(RULES_8_UNITS)), developer="dev")
    assert a.digest() == b.digest()
    changed = derive_roll([*RULES_8_UNITS[:-1], unit("108", 10001, "E", "F")], developer="dev")
    assert changed.digest() != a.digest()


PEOPLE = st.sampled_from(["A", "B", "C", "D", "E", "dev"])
UNITS = st.lists(
    st.builds(
        lambda i, area, holders, votes, delivered: UnitRecord(f"u{i}", area, frozenset(holders), votes, delivered),
        st.integers(0, 10_000),
        st.integers(1, 10**9),
        st.sets(PEOPLE, min_size=1, max_size=3),
        st.booleans(),
        st.booleans(),
    ),
    max_size=60,
    unique_by=lambda u: u.unit_id,
)


@given(UNITS)
def test_totals_equal_the_sum_over_counting_units(units: list[UnitRecord]) -> None:
    roll = derive_roll(units, developer="dev")
    assert roll.total_area_centi == sum(u.area_centi for u in units if u.votes)
    assert roll.total_heads == len(roll.voters)
    assert sum(v.area_centi for v in roll.voters) == roll.total_area_centi


@given(UNITS)
def test_every_counting_unit_belongs_to_exactly_one_voter(units: list[UnitRecord]) -> None:
    roll = derive_roll(units, developer="dev")
    listed = [uid for v in roll.voters for uid in v.units]
    assert sorted(listed) == sorted(u.unit_id for u in units if u.votes)
    for u in units:
        voter = roll.voter_for_unit(u.unit_id)
        if u.votes:
            assert voter is not None and u.unit_id in voter.units
            assert voter.holders == (u.holders if u.delivered else frozenset({"dev"}))
        else:
            assert voter is None


@given(UNITS)
def test_voters_are_distinct_holder_sets(units: list[UnitRecord]) -> None:
    roll = derive_roll(units, developer="dev")
    assert len({v.holders for v in roll.voters}) == len(roll.voters)
