"""How the dashboard's codes read to people: the page and its CSV share these."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

FLAG_LABELS = {
    "no_committee": _l("No committee"),
    "reelection_due": _l("Re-election due within 3 months"),
    "expired": _l("Term ended"),
    "below_half": _l("Fewer than half the seats filled"),
    "suspended": _l("Member suspended"),
    "reelection_ordered": _l("Re-election ordered"),
    "party_target_missed": _l("Party target missed"),
    "chair_overdue": _l("Chair not elected in 7 days"),
    "awaiting_certification": _l("Result awaiting certification"),
    "publication_overdue": _l("Publication overdue"),
    "committee_decision_overdue": _l("A committee decision not published within its days"),
    "order_overdue": _l("Order overdue"),
    "petition_near": _l("Petition near or at the threshold"),
    "members_unpublished_overdue": _l("Preparatory group's member list not published in time"),
    "first_assembly_overdue": _l("First assembly not held in time"),
    "emergency_answer_overdue": _l("Emergency use of the fund not answered in time"),
    "emergency_publication_overdue": _l("Emergency works and costs not published in time"),
    "fund_works_overdue": _l("Fund project past its planned completion"),
}

COMMITTEE_KIND_LABELS = {"owners": _l("Owners' committee"), "temporary": _l("Temporary management committee"), "none": _l("None")}

# The dashboard CSV's columns, in order.
CSV_HEADERS = (
    _l("Community"),
    _l("Address name"),
    _l("Committee"),
    _l("Term ends"),
    _l("Members seated"),
    _l("Seats"),
    _l("Members suspended"),
    _l("Party members"),
    _l("Party target met"),
    _l("Elections under way"),
    _l("Sessions under way"),
    _l("Awaiting certification"),
    _l("Publications due"),
    _l("Publications overdue"),
    _l("Publications made"),
    _l("Open orders"),
    _l("Orders overdue"),
    _l("Petitions collecting signatures"),
    _l("Flags"),
)

# The yearly review's scorecard (domain.review): its parts and grade bands.
PART_LABELS = {
    "meetings": _l("Meetings held"),
    "decisions": _l("Decisions published on time"),
    "statements": _l("Accounts published on time"),
    "orders": _l("Orders of the street office complied with"),
    "consultations": _l("Owners consulted"),
    "findings": _l("No negative-list findings"),
}
GRADE_LABELS = {"excellent": _l("Excellent"), "good": _l("Good"), "pass": _l("Pass"), "fail": _l("Fail")}
