"""The committee's meetings, motions, minutes and decisions (RULES §5).

Each public function is one user action: authorize by the actor's seat, one write transaction, one audit event.
One module per stage; the public names are re-exported here.
"""

from .decisions import (
    Decision,
    Revocation,
    decisions_of,
    draft_decision_notice,
    overdue_decisions,
    published_decisions,
    revocation_of,
    revocations_in,
    revoke_decision,
)
from .figures import ConductFigures, consecutive_absences, year_figures
from .meetings import close_meeting, convene_meeting, needed_requests, record_attendance, seated_committee, support_request
from .minutes import correct_minutes, draft_minutes, sign_minutes
from .motions import add_motion, cast_vote, close_motion, confirm_paper_vote, enter_paper_vote
from .reading import held_meeting, held_meetings, meeting_view, meetings_for_committee, seat_of_actor, upcoming

__all__ = [
    "ConductFigures",
    "Decision",
    "Revocation",
    "add_motion",
    "cast_vote",
    "close_meeting",
    "close_motion",
    "confirm_paper_vote",
    "consecutive_absences",
    "convene_meeting",
    "correct_minutes",
    "decisions_of",
    "draft_decision_notice",
    "draft_minutes",
    "enter_paper_vote",
    "held_meeting",
    "held_meetings",
    "meeting_view",
    "meetings_for_committee",
    "needed_requests",
    "overdue_decisions",
    "published_decisions",
    "record_attendance",
    "revocation_of",
    "revocations_in",
    "revoke_decision",
    "seat_of_actor",
    "seated_committee",
    "sign_minutes",
    "support_request",
    "upcoming",
    "year_figures",
]
