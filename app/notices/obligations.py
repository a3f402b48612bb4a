"""What a committee must publish by a date; overdue ones show on its page and on the street office's dashboard.

The ledgers owe their periods' statements and the street office's certifications
owe the decisions; each package says what it is owed, and this is the shape they share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from ..clock import today_in_china
from ..domain.ledger import LedgerKind, Period
from .models import Notice, NoticeState, Statement


class Titled(Protocol):
    @property
    def title(self) -> str: ...


@dataclass(frozen=True)
class Obligation:
    """Something the committee must publish by a date: a period's statement, or a certified session's decisions."""

    kind: str  # "statement" | "decision" (an assembly's) | "committee_decision"
    due: date
    notice: Notice | None
    ledger: LedgerKind | None = None
    period: Period | None = None
    statement: Statement | None = None
    session: Titled | None = None  # a certified session, for a decision; the passed motion, for a committee decision

    @property
    def met(self) -> bool:
        return self.notice is not None and self.notice.state is NoticeState.PUBLISHED

    def overdue(self, today: date) -> bool:
        return not self.met and today > self.due

    @property
    def met_on_time(self) -> bool:
        published = self.notice.published_at if self.notice is not None else None
        return self.met and published is not None and today_in_china(published) <= self.due
