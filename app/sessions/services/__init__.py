"""Assembly sessions, one module per stage: drafting, letters, ballots, paper, counting, the clock, notice texts.

Each public function is one user action: authorize, one write transaction, one
audit event. The public names are re-exported here; the stages import each other
directly.
"""

from .ballots import BallotTampered, Choices, Voter, checked_choices, current_ballot, revote_allowed
from .clock import advance_due_sessions, public_session, sync_state
from .counting import Turnout, announced_items, compute_result, published_roll, session_items, turnout
from .documents import Document, documents_of
from .drafting import (
    Announcement,
    add_item,
    announce_session,
    announced_sessions,
    assembly_for_committee,
    attach_document,
    create_session,
    new_item,
    new_session,
    remove_document,
    remove_item,
    session_by_public_id,
    sessions_of,
)
from .letters import (
    IssuedLetter,
    LetterLine,
    PrintedLetter,
    letter_token,
    letters_of_session,
    letters_with_holders,
    print_letters,
    record_proxy,
    reissue_letter,
)
from .paper import confirm_paper_ballot, enter_paper_ballot, pending_paper, reject_paper_ballot, rejected_paper, withdraw_paper_ballot
from .slates import Slate, SlateCandidate, SlateSource, slate_of_item, slates_of
from .texts import announcement_text, candidate_names, decision_text, election_lines, result_text

__all__ = [
    "Announcement",
    "BallotTampered",
    "Choices",
    "Document",
    "IssuedLetter",
    "LetterLine",
    "PrintedLetter",
    "Slate",
    "SlateCandidate",
    "SlateSource",
    "Turnout",
    "Voter",
    "add_item",
    "advance_due_sessions",
    "announce_session",
    "announced_items",
    "announced_sessions",
    "announcement_text",
    "assembly_for_committee",
    "attach_document",
    "candidate_names",
    "checked_choices",
    "compute_result",
    "confirm_paper_ballot",
    "create_session",
    "current_ballot",
    "decision_text",
    "documents_of",
    "election_lines",
    "enter_paper_ballot",
    "letter_token",
    "letters_of_session",
    "letters_with_holders",
    "new_item",
    "new_session",
    "pending_paper",
    "print_letters",
    "public_session",
    "published_roll",
    "record_proxy",
    "reissue_letter",
    "reject_paper_ballot",
    "rejected_paper",
    "remove_document",
    "remove_item",
    "result_text",
    "revote_allowed",
    "session_by_public_id",
    "session_items",
    "sessions_of",
    "slate_of_item",
    "slates_of",
    "sync_state",
    "turnout",
    "withdraw_paper_ballot",
]
