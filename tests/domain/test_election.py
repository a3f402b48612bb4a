"""Committee elections: qualification, ranking, seats, ties at boundaries, the advisory party check (RULES §5)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.election import Candidate, ElectionItem, fill_places, places, places_of_result, seated_from, tally_election
from app.domain.rules import PartyTarget, get_profile
from app.domain.tally import CastBallot, Weight

CN = get_profile("cn-national")


def run(
    approvals: dict[str, list[int]],
    *,
    voters: int = 10,
    seats: int = 5,
    alternates: int = 1,
    party: set[str] = frozenset(),  # type: ignore[assignment]
    areas: dict[int, int] | None = None,
    target: PartyTarget | None = None,
    profile: str = "cn-national",
):  # type: ignore[no-untyped-def]
    """approvals: candidate -> the voters (1..voters) approving them; every voter casts a ballot."""
    areas = areas or {}
    item = ElectionItem("e", seats, alternates, tuple(Candidate(c, c in party) for c in approvals))
    ballots = [CastBallot(areas.get(v, 10000), {"e": tuple(c for c, who in approvals.items() if v in who)}) for v in range(1, voters + 1)]
    total = Weight(sum(areas.get(v, 10000) for v in range(1, voters + 1)), voters)
    return tally_election(get_profile(profile), item, total, ballots, target)


ALL = list(range(1, 11))


def test_qualified_candidates_are_ranked_by_headcount_then_area() -> None:
    result = run(
        {"a": ALL[:6], "b": ALL[:8], "c": ALL[:7], "d": [1, 2, 3, 4, 5, 10], "e": ALL, "f": ALL[:9], "g": ALL[:5]},
        areas={10: 20000},
    )
    # d and a both have 6 heads; d has the larger area (includes voter 10)
    assert result.elected == ("e", "f", "b", "c", "d")
    assert result.alternates == ("a",)
    assert [r.qualified for r in result.candidates] == [True, True, True, True, True, True, False]  # g: 5 of 10 is not more than half
    assert result.committee_formed


def test_half_the_heads_does_not_qualify() -> None:
    result = run({"a": ALL[:5]}, seats=5)
    assert result.elected == () and not result.candidates[0].qualified


def test_tie_across_the_last_seat_takes_none_of_the_contested_places() -> None:
    result = run({"a": ALL, "b": ALL[:9], "c": ALL[:8], "d": ALL[:7], "x": ALL[:6], "y": ALL[:6]}, seats=5, alternates=1)
    assert result.elected == ("a", "b", "c", "d")
    assert set(result.tie) == {"x", "y"}
    assert result.alternates == ()
    assert (result.unfilled_seats, result.unfilled_alternates) == (1, 1)
    assert not result.committee_formed  # 4 < 5: a supplementary election is needed


def test_candidates_ranked_below_a_tie_keep_their_own_places() -> None:
    result = run(
        {"a": ALL, "b": ALL[:9], "c": ALL[:8], "x": ALL[:7], "y": ALL[:7], "z": ALL[:6]},
        seats=3 + 1,
        alternates=2,
        voters=10,
    )
    # places: seats 0-3, alternates 4-5; x and y tie at places 3-4 (straddle the seat boundary); z keeps place 5
    assert result.elected == ("a", "b", "c")
    assert set(result.tie) == {"x", "y"}
    assert result.alternates == ("z",)
    assert (result.unfilled_seats, result.unfilled_alternates) == (1, 1)


def test_tie_inside_the_seats_elects_all_tied() -> None:
    result = run({"a": ALL, "b": ALL[:8], "c": ALL[:8], "d": ALL[:7], "e": ALL[:6]}, seats=5, alternates=0)
    assert set(result.elected) == {"a", "b", "c", "d", "e"} and result.tie == ()


def test_tie_across_the_last_alternate_place_leaves_it_open() -> None:
    result = run({"a": ALL, "b": ALL[:9], "c": ALL[:8], "d": ALL[:7], "e": ALL[:7], "x": ALL[:6], "y": ALL[:6]}, seats=5, alternates=1)
    assert result.elected == ("a", "b", "c", "d", "e")
    assert set(result.tie) == {"x", "y"} and result.alternates == () and result.unfilled_alternates == 1


def test_without_quorum_nobody_is_elected() -> None:
    item = ElectionItem("e", 5, 0, (Candidate("a"),))
    ballots = [CastBallot(10000, {"e": ("a",)})] * 6
    result = tally_election(CN, item, Weight(100000, 10), ballots)
    assert not result.quorum_met and result.elected == () and result.candidates[0].qualified


def test_party_check_reports_share_and_minimum() -> None:
    target = PartyTarget(share=__import__("fractions").Fraction(1, 2), minimum=3)
    five = {"a": ALL, "b": ALL[:9], "c": ALL[:8], "d": ALL[:7], "e": ALL[:6]}
    met = run(five, party={"a", "b", "c"}, target=target).party_check
    assert (met.members, met.party_members, met.met) == (5, 3, True)
    missed = run(five, party={"a", "b"}, target=target).party_check
    assert (missed.party_members, missed.met) == (2, False)
    profile_target = run(five, party={"a", "b"}, profile="cn-party50").party_check
    assert profile_target.met is False and profile_target.target is not None
    assert run(five, party={"a"}).party_check.met is None  # cn-national sets no target


@settings(max_examples=150)
@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.sets(st.integers(1, 10), max_size=10), min_size=1),
    st.sets(st.sampled_from("abcdefgh")),
    st.integers(1, 7),
    st.integers(0, 4),
)
def test_the_party_check_never_changes_who_is_elected(approvals: dict[str, set[int]], party: set[str], seats: int, alternates: int) -> None:
    ballots_ok = all(sum(1 for who in approvals.values() if v in who) <= seats for v in ALL)
    if not ballots_ok:
        approvals = {c: {v for v in who if v <= seats} for c, who in list(approvals.items())[:seats]}
    plain = run({c: sorted(w) for c, w in approvals.items()}, seats=seats, alternates=alternates)
    target = PartyTarget(__import__("fractions").Fraction(1, 2), 3)
    checked = run({c: sorted(w) for c, w in approvals.items()}, seats=seats, alternates=alternates, party=party, target=target)
    assert (plain.elected, plain.alternates, plain.tie) == (checked.elected, checked.alternates, checked.tie)


@settings(max_examples=150)
@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.sets(st.integers(1, 10), max_size=10), min_size=1), st.integers(1, 7), st.integers(0, 4)
)
def test_places_are_never_more_than_offered_and_nobody_holds_two(approvals: dict[str, set[int]], seats: int, alternates: int) -> None:
    approvals = {c: {v for v in who} for c, who in list(approvals.items())[: max(seats, 1)]}
    result = run({c: sorted(w) for c, w in approvals.items()}, seats=seats, alternates=alternates)
    assert len(result.elected) + result.unfilled_seats == seats
    assert len(result.alternates) + result.unfilled_alternates == alternates
    named = [*result.elected, *result.alternates, *result.tie]
    assert len(named) == len(set(named))
    qualified = {r.candidate.id for r in result.candidates if r.qualified}
    assert set(named) <= qualified


# Places, and a follow-up election filling the open ones ------------------------------------------------------


def ranked_of(result):  # type: ignore[no-untyped-def]
    return sorted(((r.candidate.id, r.rank_key) for r in result.candidates if r.qualified), key=lambda r: r[1])


def test_the_places_show_where_a_tie_left_seats_and_alternate_places_open() -> None:
    result = run(
        {"a": ALL, "b": ALL[:9], "c": ALL[:8], "x": ALL[:7], "y": ALL[:7], "z": ALL[:6]},
        seats=4,
        alternates=2,
    )
    held = places(ranked_of(result), 4, 2)
    assert held == ("a", "b", "c", None, None, "z")  # x and y contend for the fourth seat and the first alternate place
    assert places_of_result(result.as_json()) == held
    assert seated_from(held, 4) == (("a", "b", "c"), ("z",))


def test_a_runoff_fills_the_seat_and_the_alternate_place_the_tie_left_open_in_rank_order() -> None:
    parent = ("a", "b", "c", None, None, "z")
    # The runoff (one seat, one alternate place) elects y and places x as its alternate.
    held = fill_places(parent, 4, ("y", "x"), 1)
    assert held == ("a", "b", "c", "y", "x", "z")
    assert seated_from(held, 4) == (("a", "b", "c", "y"), ("x", "z"))  # x ranked above z in the parent


def test_a_runoff_for_the_last_alternate_place_fills_that_place() -> None:
    assert fill_places(("a", "b", "c", "d", "e", "f", None), 5, ("x",), 1) == ("a", "b", "c", "d", "e", "f", "x")


def test_places_a_follow_up_leaves_open_stay_open_and_nobody_is_placed_twice() -> None:
    parent = ("a", "b", "c", "d", None, None, None)
    assert fill_places(parent, 5, (None, "x", None), 1) == ("a", "b", "c", "d", None, "x", None)
    assert fill_places(parent, 5, ("a", None, None), 1) == parent
    # A runoff of the runoff fills what is still open, then a supplementary election the rest.
    once = fill_places(parent, 5, (None, "x", None), 1)
    assert fill_places(once, 5, ("y", "w"), 1) == ("a", "b", "c", "d", "y", "x", "w")


@settings(max_examples=200)
@given(
    st.dictionaries(st.sampled_from("abcdefgh"), st.sets(st.integers(1, 10), max_size=10), min_size=1), st.integers(1, 7), st.integers(0, 4)
)
def test_the_places_agree_with_who_is_elected(approvals: dict[str, set[int]], seats: int, alternates: int) -> None:
    approvals = dict(list(approvals.items())[: max(seats, 1)])
    result = run({c: sorted(w) for c, w in approvals.items()}, seats=seats, alternates=alternates)
    held = places(ranked_of(result), seats, alternates)
    assert len(held) == seats + alternates
    assert seated_from(held, seats) == (result.elected, result.alternates)
    assert held.count(None) == result.unfilled_seats + result.unfilled_alternates
    assert places_of_result(result.as_json()) == held


held_places = st.lists(st.one_of(st.none(), st.sampled_from("abcdefghijklmn")), min_size=1, max_size=12).map(
    lambda xs: tuple(x if x is None or x not in xs[:i] else None for i, x in enumerate(xs))
)


@settings(max_examples=300)
@given(held_places, st.integers(0, 12), held_places, st.integers(0, 12))
def test_a_follow_up_never_moves_a_held_place_seats_nobody_twice_nor_adds_places(
    parent: tuple[str | None, ...], seats: int, followup: tuple[str | None, ...], followup_seats: int
) -> None:
    seats, followup_seats = min(seats, len(parent)), min(followup_seats, len(followup))
    held = fill_places(parent, seats, followup, followup_seats)
    assert len(held) == len(parent)
    assert all(p is None or h == p for p, h in zip(parent, held, strict=True))
    named = [h for h in held if h is not None]
    assert len(named) == len(set(named))
    assert set(named) <= {p for p in (*parent, *followup) if p is not None}
    members, alternates = seated_from(held, seats)
    assert len(members) <= seats and not set(members) & set(alternates)
    if any(parent[i] is None for i in range(seats)):  # open seats take only the follow-up's seat places
        assert set(members) - set(parent) <= set(followup[:followup_seats])
