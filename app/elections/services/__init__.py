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
    record_departure,
    register_sitting_committee,
    reopen_chair_vote,
    tick_handover_audit,
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
from .nominations import JOINT_NOMINATORS_MIN, find_own_candidacy, nominate, nominate_self, vet_candidate
from .orders import lift_suspension, order_reelection, suspend_member
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
    "find_own_candidacy",
    "grant_role",
    "lift_suspension",
    "load_election",
    "may_run",
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
    "suspend_member",
    "tick_handover_audit",
    "vet_candidate",
]
