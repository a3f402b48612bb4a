"""Committee elections from setup to a seated committee, and the committee's life through its term.

Each public function is one user action: authorize, one write transaction, one audit event.
One module per stage; the public names are re-exported here.
"""

from .committee import (
    appoint_temporary,
    cast_chair_ballot,
    chair_deadline,
    chair_offices_filled,
    chair_tally,
    chair_vote_overdue,
    end_membership,
    record_departure,
    register_sitting_committee,
    reopen_chair_vote,
)
from .common import (
    SETUP_MESSAGES,
    TEMPORARY_MESSAGES,
    current_committee,
    drop_role,
    grant_role,
    load_election,
    may_run,
    new_election,
    owner_of,
)
from .conduct import audit_of, audit_published, findings_in, negative_codes, standing_finding, standing_findings
from .nominations import JOINT_NOMINATORS_MIN, find_own_candidacy, nominate, nominate_self, vet_candidate
from .orders import lift_suspension, order_reelection, suspend_member, suspend_membership
from .reading import CommitteeView, committee_view, elections_of, open_elections_count, session_state_of
from .seating import create_followup, election_of_item, result_of, seat_committee
from .setup import create_election
from .slate import approved, not_yet_publishable, publish_slate, slate_check, slate_text

__all__ = [
    "JOINT_NOMINATORS_MIN",
    "SETUP_MESSAGES",
    "TEMPORARY_MESSAGES",
    "CommitteeView",
    "appoint_temporary",
    "approved",
    "audit_of",
    "audit_published",
    "cast_chair_ballot",
    "chair_deadline",
    "chair_offices_filled",
    "chair_tally",
    "chair_vote_overdue",
    "committee_view",
    "create_election",
    "create_followup",
    "current_committee",
    "drop_role",
    "election_of_item",
    "elections_of",
    "end_membership",
    "find_own_candidacy",
    "findings_in",
    "grant_role",
    "lift_suspension",
    "load_election",
    "may_run",
    "negative_codes",
    "new_election",
    "nominate",
    "nominate_self",
    "not_yet_publishable",
    "open_elections_count",
    "order_reelection",
    "owner_of",
    "publish_slate",
    "record_departure",
    "register_sitting_committee",
    "reopen_chair_vote",
    "result_of",
    "seat_committee",
    "session_state_of",
    "slate_check",
    "slate_text",
    "standing_finding",
    "standing_findings",
    "suspend_member",
    "suspend_membership",
    "vet_candidate",
]
