"""Each ended period closed into its statement: entries frozen, figures kept, the notice drafted; what is owed.

Every entry is integer fen. Closing a period freezes its entries (the
database refuses to change them after) and drafts the statement notice, which
a second committee member confirms like any decision. Statement obligations
are derived from the books: every ended period of a ledger that has entries
must have its statement published within STATEMENT_DUE_DAYS.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community
from ...db import db
from ...domain.errors import RuleViolation
from ...domain.ledger import Direction, LedgerKind, Movement, Period, format_fen, statement
from ...notices import services as notices
from ...notices.labels import CATEGORIES, LEDGER_LABELS
from ...notices.models import Notice, NoticeKind, NoticeState, Statement
from ...notices.obligations import Obligation
from ...security.actor import Actor
from ..models import LedgerEntry
from .common import books_community, locked_until, period_kind

# RULES.md sets how often accounts are published, not how soon after the period: a month is the common local practice.
STATEMENT_DUE_DAYS = 30


def _movements(s: Session, community_id: int, ledger: LedgerKind) -> list[Movement]:
    rows = s.execute(
        select(LedgerEntry.entry_date, LedgerEntry.direction, LedgerEntry.amount_fen, LedgerEntry.category).where(
            LedgerEntry.community_id == community_id, LedgerEntry.ledger == ledger
        )
    )
    return [Movement(day, Direction(direction.value), fen, category) for day, direction, fen, category in rows]


def next_period(s: Session, community: Community, ledger: LedgerKind) -> Period | None:
    """The first period of the ledger without a statement, or None while it has no entries."""
    kind = period_kind(community)
    locked = locked_until(s, community.id, ledger)
    if locked is not None:
        return Period.containing(kind, locked)
    first = s.execute(
        select(func.min(LedgerEntry.entry_date)).where(LedgerEntry.community_id == community.id, LedgerEntry.ledger == ledger)
    ).scalar()
    return None if first is None else Period.containing(kind, first)


def close_period(actor: Actor, *, community_id: int, ledger: LedgerKind, now: datetime) -> Statement:
    """Lock the next ended period: freeze its entries, keep its figures, and ask a second member to publish the statement."""
    with db.write() as s:
        community = books_community(s, actor, community_id)
        period = next_period(s, community, ledger)
        if period is None:
            raise RuleViolation("ledger", str(_l("The ledger has no entries yet.")))
        if period.end > today_in_china(now):
            raise RuleViolation("ledger", str(_l("The period %(period)s has not ended yet.", period=period.label)))
        figures = statement(period, _movements(s, community.id, ledger))
        title, body = _statement_text(community, ledger, figures)
        notice = notices.new_notice(
            s,
            actor,
            community,
            kind=NoticeKind.STATEMENT,
            title=title,
            body=body,
            now=now,
            state=NoticeState.PENDING,
            requested_by_user_id=actor.user_id,
        )
        locked = Statement(
            public_id=secrets.token_urlsafe(9),
            community_id=community.id,
            ledger=ledger,
            period_kind=period.kind.value,
            period_start=period.start,
            period_end=period.end,
            figures=figures.as_json(),
            closing_fen=figures.closing,
            notice_id=notice.id,
            locked_at=now,
            locked_by_user_id=actor.user_id,
        )
        s.add(locked)
        s.flush()
        s.execute(
            update(LedgerEntry)
            .where(
                LedgerEntry.community_id == community.id,
                LedgerEntry.ledger == ledger,
                LedgerEntry.entry_date < period.end,
                LedgerEntry.statement_id.is_(None),
            )
            .values(statement_id=locked.id)
        )
        record(
            s,
            actor,
            "ledger.close_period",
            "statement",
            locked.public_id,
            **scope(community),
            now=now,
            data={"ledger": ledger.value, "period": period.label, "closing_fen": figures.closing, "notice": notice.public_id},
        )
    return locked


def _statement_text(community: Community, ledger: LedgerKind, figures: Any) -> tuple[str, str]:
    with force_locale("zh_CN"):
        name = str(LEDGER_LABELS[ledger.value])
        title = str(_l("%(ledger)s accounts, %(period)s", ledger=name, period=figures.period.label))
        # Labels first: gettext calls inside f-strings escape message extraction.
        item, yuan, income, expense = str(_l("Item")), str(_l("Yuan")), str(_l("Income")), str(_l("Expense"))
        opening, total_in = str(_l("Opening balance")), str(_l("Total income"))
        total_out, closing = str(_l("Total expense")), str(_l("Closing balance"))
        last_day = (figures.period.end - timedelta(days=1)).isoformat()
        lines = [
            str(_l("Period: %(start)s to %(end)s.", start=figures.period.start.isoformat(), end=last_day)),
            "",
            f"| {item} | {yuan} |",
            "|---|---:|",
            f"| {opening} | {format_fen(figures.opening)} |",
        ]
        lines += [f"| {income}: {CATEGORIES[c]} | {format_fen(v)} |" for c, v in sorted(figures.income.items())]
        lines += [f"| {expense}: {CATEGORIES[c]} | {format_fen(v)} |" for c, v in sorted(figures.expense.items())]
        lines += [
            f"| **{total_in}** | **{format_fen(figures.total_income)}** |",
            f"| **{total_out}** | **{format_fen(figures.total_expense)}** |",
            f"| **{closing}** | **{format_fen(figures.closing)}** |",
            "",
            str(_l("Every entry of the period, and charts: [%(path)s](%(path)s)", path=f"/c/{community.slug}/accounts")),
        ]
    return title, "\n".join(lines)


def statement_obligations(community: Community, *, now: datetime) -> list[Obligation]:
    """Every ended period of each ledger with entries owes its statement within STATEMENT_DUE_DAYS."""
    s = db.session()
    today = today_in_china(now)
    kind = period_kind(community)
    found: list[Obligation] = []
    for ledger in LedgerKind:
        first = s.execute(
            select(func.min(LedgerEntry.entry_date)).where(LedgerEntry.community_id == community.id, LedgerEntry.ledger == ledger)
        ).scalar()
        if first is None:
            continue
        statements = {
            st.period_start: st
            for st in s.execute(select(Statement).where(Statement.community_id == community.id, Statement.ledger == ledger)).scalars()
        }
        period = Period.containing(kind, first)
        while period.end <= today:
            st = statements.get(period.start)
            notice = s.get(Notice, st.notice_id) if st else None
            found.append(Obligation("statement", period.end + timedelta(days=STATEMENT_DUE_DAYS - 1), notice, ledger, period, st))
            period = period.next()
    return found
