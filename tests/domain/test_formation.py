"""The preparatory group's composition and deadlines, and the temporary committee's rule, from the profile (RULES §10)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import formation as f
from app.domain.rules import get_profile, profile_names

CN = get_profile("cn-national").settings


def seats(owners: int, *, developer: int = 0, office: int = 1, residents: int = 1, leader: str = "office") -> list[f.Seat]:
    out = [f.Seat("owner") for _ in range(owners)]
    out += [f.Seat("developer") for _ in range(developer)]
    out += [f.Seat("office") for _ in range(office)]
    out += [f.Seat("residents_committee") for _ in range(residents)]
    index = next(i for i, s in enumerate(out) if s.kind == leader)
    out[index] = f.Seat(out[index].kind, leader=True)
    return out


def test_every_profile_has_the_group_and_temporary_settings_of_cn_national() -> None:
    for name in profile_names():
        s = get_profile(name).settings
        assert (s.group_odd, s.group_owner_share, s.group_publish_days, s.first_assembly_days) == (True, Fraction(1, 2), 7, 90)
        assert (s.temporary_min, s.temporary_odd, s.temporary_owner_share) == (7, True, Fraction(1, 2))


def test_a_group_of_owners_office_and_residents_committee_led_by_the_office_is_sound() -> None:
    assert f.group_problems(CN, seats(3), developer_holds_units=False) == []
    assert f.group_problems(CN, seats(3, developer=1, residents=0), developer_holds_units=True) == []


def test_each_rule_of_the_composition_names_its_problem() -> None:
    assert f.group_problems(CN, [], developer_holds_units=True) == ["members_none"]
    assert f.group_problems(CN, seats(2), developer_holds_units=False) == ["members_even"]
    assert f.group_problems(CN, seats(1, developer=1, residents=0), developer_holds_units=True) == ["owners_share"]
    assert f.group_problems(CN, seats(3, developer=1, residents=0), developer_holds_units=False) == ["developer_without_units"]
    assert f.group_problems(CN, seats(3, leader="owner"), developer_holds_units=False) == ["leader_not_office"]
    no_leader = [dataclasses.replace(s, leader=False) for s in seats(3)]
    assert f.group_problems(CN, no_leader, developer_holds_units=False) == ["leader_count"]
    two_leaders = [dataclasses.replace(s, leader=s.kind in ("office", "residents_committee")) for s in seats(3)]
    assert f.group_problems(CN, two_leaders, developer_holds_units=False) == ["leader_count"]


def test_an_even_group_is_allowed_where_the_profile_says_so() -> None:
    relaxed = dataclasses.replace(CN, group_odd=False, group_owner_share=Fraction(2, 3))
    assert f.group_problems(relaxed, seats(2), developer_holds_units=False) == ["owners_share"]
    assert f.group_problems(relaxed, seats(4), developer_holds_units=False) == []


@given(
    st.integers(0, 12),
    st.integers(0, 2),
    st.integers(0, 3),
    st.integers(0, 3),
    st.booleans(),
    st.sampled_from(["owner", "developer", "office", "residents_committee", None]),
    st.sampled_from([Fraction(1, 2), Fraction(2, 3), Fraction(1, 3)]),
)
def test_the_composition_is_sound_exactly_when_every_rule_holds(
    owners: int, developer: int, office: int, residents: int, holds: bool, leader: str | None, share: Fraction
) -> None:
    members = [f.Seat("owner", leader == "owner" and i == 0) for i in range(owners)]
    members += [f.Seat("developer", leader == "developer" and i == 0) for i in range(developer)]
    members += [f.Seat("office", leader == "office" and i == 0) for i in range(office)]
    members += [f.Seat("residents_committee", leader == "residents_committee" and i == 0) for i in range(residents)]
    settings = dataclasses.replace(CN, group_owner_share=share)
    problems = f.group_problems(settings, members, developer_holds_units=holds)
    total = len(members)
    leaders = [m for m in members if m.leader]
    ok = (
        total > 0
        and total % 2 == 1
        and Fraction(owners, total) >= share
        and (holds or developer == 0)
        and len(leaders) == 1
        and leaders[0].kind == "office"
    )
    assert (problems == []) == ok
    if total and Fraction(owners, total) < share:
        assert "owners_share" in problems


def test_the_share_is_compared_exactly() -> None:
    assert f.at_least_share(1, 2, Fraction(1, 2)) and not f.at_least_share(4, 9, Fraction(1, 2))
    assert f.at_least_share(5, 9, Fraction(1, 2)) and not f.at_least_share(0, 0, Fraction(0))


@given(st.integers(1, 15), st.integers(0, 15))
def test_temporary_committee_rules_come_from_the_profile(members: int, representatives: int) -> None:
    representatives = min(members, representatives)
    problems = f.temporary_problems(CN, members, representatives)
    ok = members >= 7 and members % 2 == 1 and 2 * representatives >= members
    assert (problems == []) == ok


def test_a_local_profile_may_ask_for_more_temporary_members_and_owners() -> None:
    local = dataclasses.replace(CN, temporary_min=9, temporary_owner_share=Fraction(2, 3), temporary_odd=False)
    assert f.temporary_problems(local, 7, 7) == ["members_min"]
    assert f.temporary_problems(local, 10, 6) == ["representatives_share"]
    assert f.temporary_problems(local, 10, 7) == []
    assert f.temporary_problems(CN, 8, 4) == ["members_even"]


FORMED = date(2027, 3, 1)


def test_the_member_list_is_due_within_seven_days_and_the_first_assembly_within_ninety() -> None:
    d = f.group_deadlines(CN, FORMED, None, None, FORMED + timedelta(days=7))
    assert (d.publish_by, d.assemble_by) == (date(2027, 3, 8), date(2027, 5, 30)) and d.flags == []
    assert f.group_deadlines(CN, FORMED, None, None, date(2027, 3, 9)).flags == ["members_unpublished_overdue"]
    late = f.group_deadlines(CN, FORMED, date(2027, 3, 10), None, date(2027, 3, 11))
    assert late.flags == [] and late.publish_late
    assert f.group_deadlines(CN, FORMED, date(2027, 3, 2), None, date(2027, 5, 31)).flags == ["first_assembly_overdue"]
    assert f.group_deadlines(CN, FORMED, None, None, date(2027, 5, 31)).flags == ["members_unpublished_overdue", "first_assembly_overdue"]
    held = f.group_deadlines(CN, FORMED, date(2027, 3, 2), date(2027, 5, 30), date(2027, 8, 1))
    assert held.flags == [] and not held.assembly_late
    assert f.group_deadlines(CN, FORMED, date(2027, 3, 2), date(2027, 6, 2), date(2027, 8, 1)).assembly_late


@given(
    st.dates(date(2020, 1, 1), date(2040, 1, 1)),
    st.integers(0, 200),
    st.one_of(st.none(), st.integers(0, 200)),
    st.one_of(st.none(), st.integers(0, 200)),
)
def test_a_flag_is_raised_exactly_when_the_deadline_has_passed_with_nothing_done(
    formed: date, days: int, published: int | None, held: int | None
) -> None:
    today = formed + timedelta(days=days)
    d = f.group_deadlines(
        CN,
        formed,
        None if published is None else formed + timedelta(days=published),
        None if held is None else formed + timedelta(days=held),
        today,
    )
    assert ("members_unpublished_overdue" in d.flags) == (published is None and days > CN.group_publish_days)
    assert ("first_assembly_overdue" in d.flags) == (held is None and days > CN.first_assembly_days)


@pytest.mark.parametrize("kind", f.MEMBER_KINDS)
def test_every_kind_may_sit_in_a_group(kind: f.MemberKind) -> None:
    members = seats(3, developer=1 if kind == "developer" else 0, residents=0 if kind == "developer" else 1)
    assert f.group_problems(CN, members, developer_holds_units=True) == []
