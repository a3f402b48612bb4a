"""The office-wide figures from a fixture whose answers were worked out by hand."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from app.domain.figures import CommunityFacts, office_figures

# Five communities: three owners' committees (two under a party target, one meeting it), a temporary one, none.
FIXTURE = [
    CommunityFacts(owners_committee=True, party_target_met=True, publications_met=3, publications_late=1),
    CommunityFacts(owners_committee=True, party_target_met=False, publications_met=2, publications_late=0),
    CommunityFacts(owners_committee=True, party_target_met=None, publications_met=0, publications_late=2),
    CommunityFacts(owners_committee=False, party_target_met=None, publications_met=1, publications_late=0),
    CommunityFacts(owners_committee=False, party_target_met=None, publications_met=0, publications_late=0),
]


def test_the_figures_of_the_fixture() -> None:
    figures = office_figures(FIXTURE)
    assert (figures.formation.part, figures.formation.whole, figures.formation.percent) == (3, 5, "60.00")
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
