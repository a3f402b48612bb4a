"""The committee around its election: setup, slate check, term, vacancies, the chair vote (temporary committees: test_formation)."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from app.domain import committee as c
from app.domain.rules import PartyTarget, get_profile

CN = get_profile("cn-national").settings
TARGET = PartyTarget(Fraction(1, 2), 3)


def test_seats_must_be_odd_and_within_the_profile_range() -> None:
    assert c.setup_problems(CN, 5, 0) == []
    assert c.setup_problems(CN, 11, 11) == []
    assert c.setup_problems(CN, 4, 0) == [("seats", "seats_range")]
    assert c.setup_problems(CN, 13, 0) == [("seats", "seats_range")]
    assert c.setup_problems(CN, 6, 0) == [("seats", "seats_even")]
    assert c.setup_problems(CN, 7, 8) == [("alternates", "alternates_range")]
    assert c.setup_problems(CN, 7, -1) == [("alternates", "alternates_range")]


@given(st.integers(1, 15))
def test_the_party_minimum_is_the_larger_of_the_share_and_the_count(seats: int) -> None:
    needed = c.party_needed(TARGET, seats)
    assert needed >= 3 and Fraction(needed, seats) >= Fraction(1, 2)
    assert needed == 3 or Fraction(needed - 1, seats) < Fraction(1, 2)


def test_the_slate_check_says_whether_the_target_can_be_met_at_all() -> None:
    # 5 seats need 3 verified party members; a declared but unverified one does not count.
    short = c.slate_check(TARGET, 5, [True, True, False, False, False, False])
    assert (short.needed, short.verified_party, short.feasible, short.enough_candidates) == (3, 2, False, True)
    assert c.slate_check(TARGET, 5, [True, True, True, False]).feasible is True
    assert c.slate_check(TARGET, 5, [True, True, True, False]).enough_candidates is False
    assert c.slate_check(None, 5, [False] * 5).feasible is None


def test_a_term_ends_the_day_before_its_anniversary() -> None:
    assert c.term_end(date(2026, 3, 1), 5) == date(2031, 2, 28)
    assert c.term_end(date(2024, 2, 29), 5) == date(2029, 2, 27)  # 29 February: the anniversary is the 28th


def test_the_reelection_is_flagged_three_months_before_the_end() -> None:
    end = date(2027, 2, 10)
    assert not c.term_status(end, date(2026, 11, 9), seats=5, seated=5).reelection_due
    assert c.term_status(end, date(2026, 11, 10), seats=5, seated=5).flags == ["reelection_due"]
    assert c.term_status(end, end + timedelta(days=1), seats=5, seated=5).flags == ["expired"]


def test_fewer_than_half_the_seats_filled_flags_a_reelection() -> None:
    assert c.term_status(date(2030, 1, 1), date(2026, 1, 1), seats=7, seated=4).below_half is False
    assert c.term_status(date(2030, 1, 1), date(2026, 1, 1), seats=7, seated=3).flags == ["below_half"]


def test_the_highest_ranked_active_alternate_fills_a_vacancy() -> None:
    seats = [c.Seat("m1", None, True), c.Seat("a2", 2, True), c.Seat("a1", 1, False), c.Seat("a3", 3, True)]
    assert c.next_alternate(seats) == "a2"
    assert c.next_alternate([c.Seat("m1", None, True)]) is None


def test_the_chair_needs_more_than_half_of_all_members_not_of_those_voting() -> None:
    # 7 members: 3 votes of 3 cast is unanimous but not more than half of all members.
    assert c.chair_outcome("chair", 7, {"1": "a", "2": "a", "3": "a"}).elected is None
    assert c.chair_outcome("chair", 7, {"1": "a", "2": "a", "3": "a", "4": "a"}).elected == "a"
    assert c.chair_outcome("chair", 6, {str(i): "a" for i in range(3)}).needed == 4


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.integers(-24, 24))
def test_adding_months_keeps_the_day_or_the_end_of_month(day: date, months: int) -> None:
    moved = c.add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(days=1)).day == 1)


def test_the_chair_vote_runs_7_days_from_seating_or_to_the_day_a_reordered_vote_runs_to() -> None:
    day = date(2026, 3, 1)
    assert c.chair_vote_deadline(day) == date(2026, 3, 8)
    assert c.chair_vote_deadline(day, date(2026, 4, 2)) == date(2026, 4, 2)
    assert c.chair_vote_reopened_until(date(2026, 3, 20)) == date(2026, 3, 27)
    assert c.chair_vote_open(date(2026, 3, 8), date(2026, 3, 8)) and not c.chair_vote_open(date(2026, 3, 9), date(2026, 3, 8))


@given(st.dates(date(2000, 1, 1), date(2090, 12, 31)), st.integers(-30, 30), st.booleans())
def test_the_chair_vote_is_flagged_only_past_its_last_day_with_an_office_still_to_fill(seated: date, days: int, filled: bool) -> None:
    deadline = c.chair_vote_deadline(seated)
    today = seated + timedelta(days=days)
    assert c.chair_vote_overdue(today, deadline, offices_filled=filled) == (not filled and days > c.CHAIR_ELECTION_DAYS)
    reopened = c.chair_vote_reopened_until(today)
    assert not c.chair_vote_overdue(today, c.chair_vote_deadline(seated, reopened), offices_filled=filled)
