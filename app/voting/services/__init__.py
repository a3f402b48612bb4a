"""What an owner does with a voting letter, one module per step; the public names are re-exported here."""

from .casting import CastBy, PastBallot, ballot_history, cast_ballot, cast_with_receipt, receipt_of_letter, who_cast
from .disputes import dispute_of_letter, file_dispute
from .letters import (
    MAX_LETTER_ATTEMPTS,
    LetterRef,
    LetterStatus,
    confirm_letter,
    expected_digits,
    find_letter,
    find_letter_ref,
    refusal_text,
)
from .petitions import (
    Progress,
    open_petitions,
    petition_by_public_id,
    petition_status,
    petitions_for_letter,
    petitions_of_community,
    progress_of,
    sign_board_petition,
    sign_petition,
    start_board_petition,
    start_petition,
)

__all__ = [
    "MAX_LETTER_ATTEMPTS",
    "CastBy",
    "LetterRef",
    "LetterStatus",
    "PastBallot",
    "Progress",
    "ballot_history",
    "cast_ballot",
    "cast_with_receipt",
    "confirm_letter",
    "dispute_of_letter",
    "expected_digits",
    "file_dispute",
    "find_letter",
    "find_letter_ref",
    "open_petitions",
    "petition_by_public_id",
    "petition_status",
    "petitions_for_letter",
    "petitions_of_community",
    "progress_of",
    "receipt_of_letter",
    "refusal_text",
    "sign_board_petition",
    "sign_petition",
    "start_board_petition",
    "start_petition",
    "who_cast",
]
