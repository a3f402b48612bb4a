"""complete_ballot: the one check of a ballot's choices, for the phone, the paper entry and the recount."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.ballot import BallotRefused, complete_ballot, id_order
from app.domain.election import Candidate
from app.domain.result import SessionItem

QUESTION = SessionItem("7", "cn.other", "Repaint the gates", 1)
ELECTION = SessionItem("12", "cn.elect_committee", "Committee", 2, "election", 3, 1, tuple(Candidate(str(c)) for c in (5, 9, 10, 11)))
ITEMS = (QUESTION, ELECTION)


def test_blank_items_abstain_and_approvals_come_in_id_order() -> None:
    assert complete_ballot(ITEMS, {}) == {"7": "abstain", "12": "abstain"}
    assert complete_ballot(ITEMS, {"7": "agree", "12": ["10", "9"]}) == {"7": "agree", "12": ["9", "10"]}
    # Ids sort as numbers, not as text: "10" after "9".
    assert complete_ballot(ITEMS, {"12": ["11", "10", "5"]})["12"] == ["5", "10", "11"]


def test_an_empty_approval_list_abstains() -> None:
    assert complete_ballot(ITEMS, {"12": []})["12"] == "abstain"


@pytest.mark.parametrize(
    ("choices", "item", "reason"),
    [
        ({"8": "agree"}, "8", "names no item of the session"),
        ({"7": "yes"}, "7", "is not one of agree, disagree, abstain"),
        ({"7": ["5"]}, "7", "approves candidates on a question"),
        ({"7": "invalid"}, "7", "is not one of agree, disagree, abstain"),
        ({"12": ["6"]}, "12", 'unknown candidate "6"'),
        ({"12": ["5", "5"]}, "12", "approves the same candidate twice"),
        ({"12": "agree"}, "12", "is not a list of candidates, abstain or invalid"),
        ({"12": [5]}, "12", "is not a list of candidates, abstain or invalid"),
    ],
)
def test_a_choice_the_items_do_not_offer_is_refused_naming_the_item(choices: dict[str, Any], item: str, reason: str) -> None:
    with pytest.raises(BallotRefused) as refused:
        complete_ballot(ITEMS, choices)
    assert (refused.value.item_id, refused.value.reason, refused.value.too_many) == (item, reason, False)


def test_more_approvals_than_seats_is_the_voters_slip_not_tampering() -> None:
    with pytest.raises(BallotRefused) as refused:
        complete_ballot(ITEMS, {"12": ["5", "9", "10", "11"]})
    assert refused.value.too_many and refused.value.reason == "4 approvals for 3 seats"


def test_only_a_recount_admits_the_counts_invalid() -> None:
    assert complete_ballot(ITEMS, {"7": "invalid", "12": "invalid"}, invalid=True) == {"7": "invalid", "12": "invalid"}
    with pytest.raises(BallotRefused):
        complete_ballot(ITEMS, {"12": "invalid"})


question_choice = st.sampled_from(["agree", "disagree", "abstain"])
approvals = st.lists(st.sampled_from([c.id for c in ELECTION.candidates]), unique=True, max_size=ELECTION.seats)


@given(q=st.none() | question_choice, e=st.none() | approvals)
def test_every_valid_ballot_completes_to_every_item_and_completing_twice_changes_nothing(q: str | None, e: list[str] | None) -> None:
    choices: dict[str, Any] = {}
    if q is not None:
        choices["7"] = q
    if e is not None:
        choices["12"] = e
    complete = complete_ballot(ITEMS, choices)
    assert set(complete) == {"7", "12"}
    assert complete["7"] == (q or "abstain")
    assert complete["12"] == (sorted(e, key=id_order) if e else "abstain")
    assert complete_ballot(ITEMS, complete) == complete


@given(st.dictionaries(st.text(max_size=3), st.text(max_size=3) | st.lists(st.text(max_size=3), max_size=5), max_size=4))
def test_any_input_either_completes_or_is_refused_never_anything_else(choices: dict[str, Any]) -> None:
    try:
        complete = complete_ballot(ITEMS, choices)
    except BallotRefused as refused:
        assert refused.item_id in {"7", "12"} | set(choices)
    else:
        assert set(complete) == {"7", "12"}
