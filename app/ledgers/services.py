"""The two ledgers of a community: entries typed or imported, and each period closed into its statement.

Every entry is integer fen. Closing a period freezes its entries (the
database refuses to change them after) and drafts the statement notice, which
a second committee member confirms like any decision. Statement obligations
are derived from the books: every ended period of a ledger that has entries
must have its statement published within STATEMENT_DUE_DAYS.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..audit.services import record, scope
from ..clock import today_in_china
from ..communities.models import Community
from ..db import db
from ..domain.errors import NotFound, RuleViolation
from ..domain.ledger import OPENING, Direction, LedgerKind, Movement, Period, PeriodKind, format_fen, parse_fen, statement
from ..domain.rules import get_profile
from ..notices import services as notices
from ..notices.labels import CATEGORIES, LEDGER_LABELS
from ..notices.markup import escape_markdown
from ..notices.models import Notice, NoticeKind, NoticeState, Statement
from ..notices.obligations import Obligation
from ..security.actor import Actor
from ..security.permissions import can_publish_notices, require
from ..sessions.models import AssemblySession, Item
from .files import CSV_COLUMNS, LedgerImportError, RawRow, read_rows, write_csv
from .models import EntryDirection, LedgerEntry

__all__ = ["CSV_COLUMNS", "LedgerImportError"]

# RULES.md sets how often accounts are published, not how soon after the period: a month is the common local practice.
STATEMENT_DUE_DAYS = 30


def _community(s: Session, actor: Actor, community_id: int) -> Community:
    community = s.get(Community, community_id)
    if community is None:
        raise NotFound(str(_l("No such community.")))
    require(can_publish_notices(actor, community))
    return community


def period_kind(community: Community) -> PeriodKind:
    return PeriodKind.every(get_profile(community.rule_profile).settings.accounts_publication_months)


def _locked_until(s: Session, community_id: int, ledger: LedgerKind) -> date | None:
    """The end of the last locked period: no entry may be dated before it."""
    return s.execute(
        select(func.max(Statement.period_end)).where(Statement.community_id == community_id, Statement.ledger == ledger)
    ).scalar()


@dataclass(frozen=True)
class EntryValues:
    day: date
    direction: EntryDirection
    fen: int
    category: str
    counterparty: str
    voucher: str
    note: str
    authorised_item_id: int | None
    emergency_reason: str | None


def _values(
    ledger: LedgerKind,
    *,
    day: str | date,
    direction: str,
    amount: str,
    category: str,
    counterparty: str = "",
    voucher: str = "",
    note: str = "",
    authorised_item: str | int | None = None,
    emergency_reason: str | None = None,
) -> EntryValues:
    """Check one entry as a committee member typed it, without the books; each problem names its field."""
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day.strip())
        except ValueError:
            raise RuleViolation("date", str(_l("Write the date as YYYY-MM-DD."))) from None
    direction = direction.strip()
    if direction not in ("income", "expense"):
        raise RuleViolation("direction", str(_l("Choose income or expense.")))
    try:
        fen = parse_fen(amount)
    except RuleViolation as exc:
        raise RuleViolation("amount", _amount_message(exc.reason, amount)) from None
    category = category.strip()
    if category not in CATEGORIES:
        raise RuleViolation("category", str(_l("Choose one of the categories.")))
    for field, text, limit in (("counterparty", counterparty, 200), ("voucher", voucher, 100), ("note", note, 500)):
        if len(text.strip()) > limit:
            raise RuleViolation(field, str(_l("At most %(max)d characters.", max=limit)))
    item_id = None
    reason = (emergency_reason or "").strip() or None
    if authorised_item not in (None, ""):
        try:
            item_id = int(str(authorised_item).strip())
        except ValueError:
            raise RuleViolation("authorised_item", str(_l("Give the number of the assembly item that approved the spending."))) from None
    if ledger is LedgerKind.MAINTENANCE_FUND and direction == "expense" and item_id is None and reason is None:
        raise RuleViolation(
            "authorised_item",
            str(_l("Spending the maintenance fund needs the assembly item that approved it, or an emergency use with its reason.")),
        )
    return EntryValues(day, EntryDirection(direction), fen, category, counterparty.strip(), voucher.strip(), note.strip(), item_id, reason)


@dataclass
class Books:
    """What the entries written in one transaction are checked against: the lock, the booked periods, the items."""

    community: Community
    ledger: LedgerKind
    locked: date | None
    booked: set[Period]  # periods that have entries other than balances brought forward
    items: dict[int, int]  # assembly items found to have approved spending

    @classmethod
    def of(cls, s: Session, community: Community, ledger: LedgerKind) -> Books:
        kind = period_kind(community)
        days = s.execute(
            select(LedgerEntry.entry_date)
            .where(LedgerEntry.community_id == community.id, LedgerEntry.ledger == ledger, LedgerEntry.category != OPENING)
            .distinct()
        ).scalars()
        return cls(community, ledger, _locked_until(s, community.id, ledger), {Period.containing(kind, d) for d in days}, {})

    def check(self, s: Session, v: EntryValues) -> None:
        if self.locked is not None and v.day < self.locked:
            raise RuleViolation(
                "date",
                str(_l("The books are locked up to %(day)s: that period's statement is published.", day=self.locked.isoformat())),
            )
        period = Period.containing(period_kind(self.community), v.day)
        if v.category == OPENING and period in self.booked:
            raise RuleViolation(
                "category",
                str(
                    _l(
                        "A balance brought forward opens the books, but %(period)s already has entries:"
                        " record this money under its own category, or date the balance in the period before.",
                        period=period.label,
                    )
                ),
            )
        if v.authorised_item_id is not None and v.authorised_item_id not in self.items:
            self.items[v.authorised_item_id] = _authorising_item(s, self.community, v.authorised_item_id)


def _amount_message(reason: str, amount: str) -> str:
    if "fen" in reason:
        return str(_l("%(amount)s has fractions of a fen: at most two decimals.", amount=amount))
    if "greater than zero" in reason:
        return str(_l("The amount must be greater than zero; record money going out as an expense."))
    return str(_l("%(amount)s is not an amount in yuan.", amount=amount))


def _authorising_item(s: Session, community: Community, item_id: int) -> int:
    """The item must be of this community's sessions, decided and passed."""
    row = s.execute(
        select(Item, AssemblySession).join(AssemblySession, AssemblySession.id == Item.session_id).where(Item.id == item_id)
    ).first()
    if row is None or row[1].community_id != community.id:
        raise RuleViolation("authorised_item", str(_l("No assembly item %(id)s in this community.", id=item_id)))
    item, session = row
    outcome = next((i["outcome"] for i in (session.result or {}).get("items", []) if i["id"] == str(item.id)), None)
    if outcome != "passed":
        raise RuleViolation("authorised_item", str(_l("Assembly item %(id)s was not passed.", id=item_id)))
    return item.id


def _insert(s: Session, actor: Actor, community: Community, ledger: LedgerKind, v: EntryValues, now: datetime) -> LedgerEntry:
    entry = LedgerEntry(
        community_id=community.id,
        ledger=ledger,
        entry_date=v.day,
        direction=v.direction,
        amount_fen=v.fen,
        category=v.category,
        counterparty=v.counterparty,
        voucher=v.voucher,
        note=v.note,
        authorised_item_id=v.authorised_item_id,
        emergency_reason=v.emergency_reason,
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    s.add(entry)
    s.flush()
    if ledger is LedgerKind.MAINTENANCE_FUND and v.direction is EntryDirection.EXPENSE and v.authorised_item_id is None:
        _publish_emergency_use(s, actor, community, v, now)
    return entry


def _publish_emergency_use(s: Session, actor: Actor, community: Community, v: EntryValues, now: datetime) -> None:
    """An emergency use of the maintenance fund (Civil Code art. 281) is made public at once."""
    with force_locale("zh_CN"):
        title = str(_l("Emergency use of the maintenance fund"))
        body = "\n\n".join(
            [
                str(
                    _l(
                        "Date: %(day)s. Amount: %(amount)s yuan. Paid to: %(to)s.",
                        day=v.day.isoformat(),
                        amount=format_fen(v.fen),
                        to=v.counterparty or "—",
                    )
                ),
                str(_l("Reason: %(reason)s", reason=escape_markdown(v.emergency_reason or ""))),
                str(
                    _l(
                        "Used without an assembly decision, as Civil Code art. 281 allows in an emergency;"
                        " the owners' assembly is told at its next session."
                    )
                ),
            ]
        )
    notices.publish_system_notice(s, actor, community, kind=NoticeKind.GENERAL, title=title, body=body, session_id=None, now=now)


def add_entry(actor: Actor, *, community_id: int, ledger: LedgerKind, now: datetime, **fields: Any) -> LedgerEntry:
    with db.write() as s:
        community = _community(s, actor, community_id)
        values = _values(ledger, **fields)
        Books.of(s, community, ledger).check(s, values)
        entry = _insert(s, actor, community, ledger, values, now)
        record(
            s,
            actor,
            "ledger.add",
            "ledger_entry",
            entry.id,
            **scope(community),
            now=now,
            data={"ledger": ledger.value, "date": values.day.isoformat(), "direction": values.direction.value, "fen": values.fen},
        )
    return entry


def book(
    s: Session,
    actor: Actor,
    community: Community,
    ledger: LedgerKind,
    *,
    day: date,
    direction: EntryDirection,
    fen: int,
    category: str,
    counterparty: str = "",
    voucher: str = "",
    note: str = "",
    project_id: int | None = None,
    emergency_id: int | None = None,
    now: datetime,
) -> LedgerEntry:
    """An entry written by the fund package inside its own transaction (a project's invoice, an emergency's cost,
    a deposit file's total), after it checked what the fund's rules ask; the books' lock is checked here."""
    values = EntryValues(day, direction, fen, category, counterparty.strip(), voucher.strip(), note.strip(), None, None)
    Books.of(s, community, ledger).check(s, values)
    entry = LedgerEntry(
        community_id=community.id,
        ledger=ledger,
        entry_date=day,
        direction=direction,
        amount_fen=fen,
        category=category,
        counterparty=values.counterparty,
        voucher=values.voucher,
        note=values.note,
        project_id=project_id,
        emergency_id=emergency_id,
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    s.add(entry)
    s.flush()
    record(
        s,
        actor,
        "ledger.add",
        "ledger_entry",
        entry.id,
        **scope(community),
        now=now,
        data={
            "ledger": ledger.value,
            "date": day.isoformat(),
            "direction": direction.value,
            "fen": fen,
            "project": project_id,
            "emergency": emergency_id,
        },
    )
    return entry


def delete_entry(actor: Actor, entry_id: int, *, now: datetime) -> None:
    with db.write() as s:
        entry = s.get(LedgerEntry, entry_id, with_for_update=True)
        if entry is None:
            raise NotFound(str(_l("No such entry.")))
        community = _community(s, actor, entry.community_id)
        if entry.statement_id is not None:
            raise RuleViolation("entry", str(_l("This entry belongs to a locked period and cannot be removed.")))
        data = {"ledger": entry.ledger.value, "date": entry.entry_date.isoformat(), "fen": entry.amount_fen}
        s.delete(entry)
        record(s, actor, "ledger.delete", "ledger_entry", entry_id, **scope(community), now=now, data=data)


def import_entries(actor: Actor, *, community_id: int, ledger: LedgerKind, filename: str, data: bytes, now: datetime) -> int:
    """All rows or none: each bad row is named with its field, and nothing is written while any is bad.

    The file is read, capped and checked before the write transaction; inside it, only what depends on
    the books (their lock, the approving items) is checked again, and the rows are written.
    """
    _community(db.session(), actor, community_id)  # refused before a byte is read
    rows = read_rows(filename, data)
    values, problems = _checked_rows(ledger, rows)
    if problems:
        raise LedgerImportError(problems)
    with db.write() as s:
        community = _community(s, actor, community_id)
        books = Books.of(s, community, ledger)
        for row, v in zip(rows, values, strict=True):
            try:
                books.check(s, v)
            except RuleViolation as exc:
                problems.append(_row_problem(row, exc))
        if problems:
            raise LedgerImportError(problems)
        for v in values:
            _insert(s, actor, community, ledger, v, now)
        record(
            s,
            actor,
            "ledger.import",
            "community",
            community.id,
            **scope(community),
            now=now,
            data={"ledger": ledger.value, "rows": len(values), "file": filename},
        )
    return len(values)


def _checked_rows(ledger: LedgerKind, rows: Iterable[RawRow]) -> tuple[list[EntryValues], list[str]]:
    values: list[EntryValues] = []
    problems: list[str] = []
    for row in rows:
        f = row.fields
        try:
            values.append(
                _values(
                    ledger,
                    day=f["date"],
                    direction=f["direction"],
                    amount=f["amount"],
                    category=f["category"],
                    counterparty=f["counterparty"],
                    voucher=f["voucher"],
                    note=f["note"],
                    authorised_item=f["authorised_item"] or None,
                    emergency_reason=f["emergency_reason"] or None,
                )
            )
        except RuleViolation as exc:
            problems.append(_row_problem(row, exc))
    return values, problems


def _row_problem(row: RawRow, exc: RuleViolation) -> str:
    return str(_l("row %(row)d, %(field)s: %(reason)s", row=row.number, field=exc.field, reason=exc.reason))


def entries(community_id: int, ledger: LedgerKind) -> list[LedgerEntry]:
    query = select(LedgerEntry).where(LedgerEntry.community_id == community_id, LedgerEntry.ledger == ledger)
    return list(db.session.execute(query.order_by(LedgerEntry.entry_date, LedgerEntry.id)).scalars())


def export_csv(community_id: int, ledger: LedgerKind) -> str:
    """The ledger in the import's own format (amounts in yuan), so an export imports again unchanged."""
    return write_csv(
        [
            e.entry_date.isoformat(),
            e.direction.value,
            format_fen(e.amount_fen).replace(",", ""),
            e.category,
            e.counterparty,
            e.voucher,
            e.note,
            e.authorised_item_id or "",
            e.emergency_reason or "",
        ]
        for e in entries(community_id, ledger)
    )


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
    locked = _locked_until(s, community.id, ledger)
    if locked is not None:
        return Period.containing(kind, locked)
    first = s.execute(
        select(func.min(LedgerEntry.entry_date)).where(LedgerEntry.community_id == community.id, LedgerEntry.ledger == ledger)
    ).scalar()
    return None if first is None else Period.containing(kind, first)


def close_period(actor: Actor, *, community_id: int, ledger: LedgerKind, now: datetime) -> Statement:
    """Lock the next ended period: freeze its entries, keep its figures, and ask a second member to publish the statement."""
    with db.write() as s:
        community = _community(s, actor, community_id)
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
