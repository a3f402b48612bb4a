"""Consultations' services, one module per side: the committee's drafting and closing, the owners' answers, reading."""

from .answering import answer_by_identity, answer_by_letter, letter_has_answered, letter_may_answer
from .common import OptionCount, Summary, closing_day, summary
from .drafting import (
    MAX_OPTIONS,
    MIN_OPTIONS,
    close_consultation,
    close_due,
    draft_consultation,
    draft_in,
    edit_draft,
    open_consultation,
    open_in,
    summary_text,
    sync,
)
from .reading import by_public_id, consultations_of, held_in, open_for

__all__ = [
    "MAX_OPTIONS",
    "MIN_OPTIONS",
    "OptionCount",
    "Summary",
    "answer_by_identity",
    "answer_by_letter",
    "by_public_id",
    "close_consultation",
    "close_due",
    "closing_day",
    "consultations_of",
    "draft_consultation",
    "draft_in",
    "edit_draft",
    "held_in",
    "letter_has_answered",
    "letter_may_answer",
    "open_consultation",
    "open_for",
    "open_in",
    "summary",
    "summary_text",
    "sync",
]
