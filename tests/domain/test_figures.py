"""The figures of an office, a district and a city, from fixtures whose answers were worked out by hand."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from app.domain.figures import FIGURE_NAMES, CommunityFacts, Figure, Rate, Target, area_figures, office_figures, target_for
from app.domain.rules import get_profile

# Five communities: three owners' committees (two under a party target, one meeting it), a temporary one, none.
FIXTURE = [
    CommunityFacts(owners_committee=True, party_target_met=True, publications_met=3, publications_late=1),
    CommunityFacts(owners_committee=True, party_target_met=False, publications_met=2, publications_late=0),
    CommunityFacts(owners_committee=True, party_target_met=None, publications_met=0, publications_late=2),
    CommunityFacts(owners_committee=False, party_target_met=None, publications_met=1, publications_late=0, temporary_committee=True),
    CommunityFacts(owners_committee=False, party_target_met=None, publications_met=0, publications_late=0),
]


def test_the_figures_of_the_fixture() -> None:
    figures = office_figures(FIXTURE)
    # The temporary management committee counts in the formation rate: 3 owners' committees + 1 of 5.
    assert (figures.formation.part, figures.formation.whole, figures.formation.percent) == (4, 5, "80.00")
    assert (figures.party_target.part, figures.party_target.whole, figures.party_target.percent) == (1, 2, "50.00")
    # 3 + 2 + 0 + 1 on time of 4 + 2 + 2 + 1 that fell due: 6 of 9.
    assert (figures.publication.part, figures.publication.whole, figures.publication.percent) == (6, 9, "66.67")


def test_no_community_gives_no_rate_rather_than_a_division_by_zero() -> None:
    figures = office_figures([])
    assert figures.formation.share is None and figures.formation.percent is None


@given(st.lists(st.builds(CommunityFacts, st.booleans(), st.sampled_from([True, False, None]), st.integers(0, 9), st.integers(0, 9))))
def test_every_rate_lies_between_zero_and_one(facts: list[CommunityFacts]) -> None:
    figures = office_figures(facts)
    for rate in (figures.formation, figures.party_target, figures.publication):
        assert rate.share is None or Fraction(0) <= rate.share <= 1


# An area on 15 June 2022 --------------------------------------------------------------------------

ON = date(2022, 6, 15)
BEIJING = get_profile("cn-beijing").settings.formation_targets
AREA = {
    # within its term (to 2024), meeting the party target; 3 published on time, 1 late
    "a": CommunityFacts(True, True, 3, 1, term_ends_on=date(2024, 5, 31)),
    # its term ends on 31 August, within three months; ordered to re-elect, the order not yet due
    "b": CommunityFacts(True, False, 2, 0, term_ends_on=date(2022, 8, 31), reelection_ordered=True),
    # its term ended yesterday: no longer a committee; the order to re-elect is overdue; a group formed on 1 May
    "c": CommunityFacts(
        True,
        None,
        0,
        2,
        term_ends_on=date(2022, 6, 14),
        reelection_ordered=True,
        reelection_overdue=True,
        preparatory_since=date(2022, 5, 1),
    ),
    # a temporary management committee
    "d": CommunityFacts(False, None, 1, 0, temporary_committee=True),
    # no committee, a preparatory group since 10 January
    "e": CommunityFacts(False, None, 0, 0, preparatory_since=date(2022, 1, 10)),
    # no committee and no group
    "f": CommunityFacts(False, None, 0, 0),
    # today is its term's last day: it still counts, and its term is ending
    "g": CommunityFacts(True, True, 1, 1, term_ends_on=date(2022, 6, 15)),
}


def pair(rate: Rate) -> tuple[int, int]:
    return rate.part, rate.whole


def test_the_figures_of_an_area_with_a_temporary_and_an_expired_committee() -> None:
    figures = area_figures(list(AREA.values()), on=ON, targets=BEIJING)
    assert figures.communities == 7
    # a, b, d (temporary), g; not c (its term ended), e, f.
    assert pair(figures.formation.rate) == (4, 7) and figures.formation.rate.percent == "57.14"
    assert figures.formation.target == Target(2022, Fraction(9, 10)) and figures.formation.target.percent == "90.00"
    assert figures.formation.met is False
    # c and e have a group, of c, e, f without a committee.
    assert pair(figures.preparatory) == (2, 3) and figures.preparatory.percent == "66.67"
    # b and g of the owners' committees within their term (a, b, g).
    assert pair(figures.terms_ending) == (2, 3)
    assert pair(figures.reelection_ordered) == (2, 7) and figures.reelection_ordered.percent == "28.57"
    assert pair(figures.reelection_overdue) == (1, 2)
    # 3 + 2 + 0 + 1 + 0 + 0 + 1 on time, of 4 + 2 + 2 + 1 + 0 + 0 + 2.
    assert pair(figures.publication) == (7, 11) and figures.publication.percent == "63.64"
    # a and g meet it, b misses; c's ended committee, d's temporary one and e, f are not judged.
    assert pair(figures.party_target) == (2, 3)
    # e's group: 21 days of January, 28 + 31 + 30 + 31, and 15 of June.
    assert figures.longest_preparatory_days == 156
    assert AREA["c"].preparatory_days(ON) == 45
    assert list(figures.rates()) == list(FIGURE_NAMES)


def test_the_day_after_its_last_day_a_term_no_longer_counts() -> None:
    g = AREA["g"]
    assert g.formed(ON) and not g.formed(date(2022, 6, 16))
    assert g.term_ending(ON) and not g.term_ending(date(2022, 6, 16))
    # Three months ahead, to the day, is within the notice; a day more is not.
    assert CommunityFacts(True, None, 0, 0, term_ends_on=date(2022, 9, 15)).term_ending(ON)
    assert not CommunityFacts(True, None, 0, 0, term_ends_on=date(2022, 9, 16)).term_ending(ON)


def test_the_office_dashboard_and_the_area_agree_on_the_formation_rate() -> None:
    facts = list(AREA.values())
    assert office_figures(facts, on=ON).formation == area_figures(facts, on=ON).formation.rate
    # Without a day the term is not checked: c's ended committee still shows, as the office's page always did.
    assert pair(office_figures(facts).formation) == (5, 7)


def test_the_target_is_the_years_or_the_latest_before_it() -> None:
    assert target_for(BEIJING, date(2019, 12, 31)) is None
    assert target_for(BEIJING, date(2020, 1, 1)) == Target(2020, Fraction(3, 10))
    assert target_for(BEIJING, date(2021, 12, 31)) == Target(2021, Fraction(7, 10))
    assert target_for(BEIJING, date(2026, 3, 1)) == Target(2022, Fraction(9, 10))
    baotou = get_profile("cn-baotou").settings.formation_targets
    assert baotou == ((2022, Fraction(3, 5)), (2023, Fraction(7, 10)), (2024, Fraction(4, 5)))
    assert target_for(baotou, date(2021, 6, 1)) is None
    assert target_for(baotou, date(2023, 6, 1)) == Target(2023, Fraction(7, 10))
    assert target_for(get_profile("cn-national").settings.formation_targets, ON) is None


def test_a_target_is_met_at_exactly_its_share() -> None:
    target = Target(2022, Fraction(9, 10))
    assert Figure(Rate(9, 10), target).met is True
    assert Figure(Rate(8, 10), target).met is False
    assert Figure(Rate(0, 0), target).met is None
    assert Figure(Rate(9, 10)).met is None


def test_no_community_in_an_area_gives_no_rate() -> None:
    figures = area_figures([], on=ON, targets=BEIJING)
    assert all(rate.share is None for rate in figures.rates().values())
    assert figures.formation.met is None and figures.longest_preparatory_days is None


DAYS = st.dates(min_value=date(2018, 1, 1), max_value=date(2027, 12, 31))
FACTS = st.builds(
    CommunityFacts,
    owners_committee=st.booleans(),
    party_target_met=st.sampled_from([True, False, None]),
    publications_met=st.integers(0, 9),
    publications_late=st.integers(0, 9),
    temporary_committee=st.booleans(),
    term_ends_on=st.none() | DAYS,
    preparatory_since=st.none() | DAYS,
    reelection_ordered=st.booleans(),
    reelection_overdue=st.booleans(),
)


@given(districts=st.lists(st.lists(st.lists(FACTS, max_size=5), max_size=4), max_size=4), on=DAYS)
def test_a_citys_figures_are_the_sums_of_its_districts_and_theirs_of_their_offices(
    districts: list[list[list[CommunityFacts]]], on: date
) -> None:
    def figures(facts: list[CommunityFacts]) -> dict[str, Rate]:
        return area_figures(facts, on=on, targets=BEIJING).rates()

    district_facts = [[c for office in offices for c in office] for offices in districts]
    city = figures([c for facts in district_facts for c in facts])
    for name in FIGURE_NAMES:
        assert city[name] == sum((figures(facts)[name] for facts in district_facts), Rate(0, 0))
        for offices, facts in zip(districts, district_facts, strict=True):
            assert figures(facts)[name] == sum((figures(office)[name] for office in offices), Rate(0, 0))


@given(facts=st.lists(FACTS, max_size=12), on=DAYS)
def test_every_area_rate_lies_between_zero_and_one_and_counts_only_its_own(facts: list[CommunityFacts], on: date) -> None:
    figures = area_figures(facts, on=on, targets=BEIJING)
    for rate in figures.rates().values():
        assert 0 <= rate.part <= rate.whole <= len(facts) * 9 * 2 or rate.whole == 0
        assert rate.share is None or Fraction(0) <= rate.share <= 1
    assert figures.formation.rate.whole == len(facts)
    # Formed and unformed communities part the area between them.
    assert figures.formation.rate.part + figures.preparatory.whole == len(facts)
    assert figures.formation.target == target_for(BEIJING, on)
