"""A committee motion passes with more than half of ALL members (RULES §5), vacancies and suspensions included."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.meetings import MemberStanding, decision_due, may_convene, motion_outcome, needed, vote_problem

ACTIVE, SUSPENDED = MemberStanding.ACTIVE, MemberStanding.SUSPENDED


def members(n: int, *, suspended: int = 0) -> dict[str, MemberStanding]:
    return {f"m{i}": SUSPENDED if i < suspended else ACTIVE for i in range(n)}


def test_three_of_five_pass_and_two_to_two_with_one_absent_fails() -> None:
    five = members(5)
    passed = motion_outcome(5, {"m0": "agree", "m1": "agree", "m2": "agree", "m3": "disagree"}, five)
    assert passed.passed and passed.share_text == "3/5" and passed.needed == 3
    tied = motion_outcome(5, {"m0": "agree", "m1": "agree", "m2": "disagree", "m3": "disagree"}, five)
    assert not tied.passed and tied.voted == 4


def test_a_vacant_seat_still_counts_in_all_members() -> None:
    # Five seats, two vacant: the three members agreeing are 3/5, enough; two of three are not, though a majority present.
    three = members(3)
    assert motion_outcome(5, {"m0": "agree", "m1": "agree", "m2": "agree"}, three).passed
    assert not motion_outcome(5, {"m0": "agree", "m1": "agree", "m2": "disagree"}, three).passed


def test_a_suspended_member_keeps_the_seat_but_cannot_vote() -> None:
    five = members(5, suspended=1)
    assert vote_problem("m0", "agree", five, ()) == "suspended"
    with pytest.raises(ValueError, match="m0: suspended"):
        motion_outcome(5, {"m0": "agree", "m1": "agree", "m2": "agree"}, five)
    # The other four must find three agreeing members among them: the suspended seat is not taken off the base.
    assert not motion_outcome(5, {"m1": "agree", "m2": "agree", "m3": "abstain", "m4": "disagree"}, five).passed
    assert motion_outcome(5, {"m1": "agree", "m2": "agree", "m3": "agree"}, five).passed


def test_each_refusal_names_its_rule() -> None:
    five = members(5)
    assert vote_problem("stranger", "agree", five, ()) == "not_a_member"
    assert vote_problem("m1", "agree", five, ["m1"]) == "twice"
    assert vote_problem("m1", "yes", five, ()) == "choice"
    assert vote_problem("m1", "abstain", five, ["m2"]) is None
    with pytest.raises(ValueError, match="more members than seats"):
        motion_outcome(3, {}, members(4))


@given(
    seats=st.integers(min_value=1, max_value=15),
    data=st.data(),
)
def test_a_motion_passes_exactly_when_more_than_half_of_all_seats_agree(seats: int, data: st.DataObject) -> None:
    seated = data.draw(st.integers(min_value=0, max_value=seats))
    standings = members(seated, suspended=data.draw(st.integers(min_value=0, max_value=seated)))
    voters = [m for m, s in standings.items() if s is ACTIVE]
    votes = {m: data.draw(st.sampled_from(("agree", "disagree", "abstain"))) for m in voters if data.draw(st.booleans())}
    outcome = motion_outcome(seats, votes, standings)
    agree = sum(1 for c in votes.values() if c == "agree")
    assert outcome.passed == (2 * agree > seats)
    # Whoever else comes and votes against or abstains, the outcome is the agreeing members' alone.
    more = {m: "abstain" for m in voters if m not in votes}
    assert motion_outcome(seats, {**votes, **more}, standings).passed == outcome.passed
    assert needed(seats) == seats // 2 + 1


def test_the_chair_or_a_third_of_all_members_convene() -> None:
    third = Fraction(1, 3)
    assert may_convene(chair=True, requesters=0, seats=5, share=third)
    assert not may_convene(chair=False, requesters=1, seats=5, share=third)
    assert may_convene(chair=False, requesters=2, seats=5, share=third)  # ceil(5/3) = 2
    assert may_convene(chair=False, requesters=3, seats=9, share=third) and not may_convene(chair=False, requesters=2, seats=9, share=third)


def test_the_decision_notice_falls_due_the_profiles_days_after_the_decision() -> None:
    assert decision_due(date(2026, 12, 30), 3) == date(2027, 1, 2)
