"""Entries typed, imported or booked by the fund; public income spent on an item or within a category's yearly cap."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.ledger import OPENING, LedgerKind, Period, format_fen, parse_fen
from ...notices.labels import CATEGORIES
from ...security.actor import Actor
from ...sessions.services.authority import deciding_item
from ..files import LedgerImportError, RawRow, read_rows, write_csv
from ..models import EntryDirection, LedgerEntry, PublicIncomeAuthorisation
from .common import books_community, locked_until, period_kind


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
    for name, text, limit in (("counterparty", counterparty, 200), ("voucher", voucher, 100), ("note", note, 500)):
        if len(text.strip()) > limit:
            raise RuleViolation(name, str(_l("At most %(max)d characters.", max=limit)))
    item_id = None
    if ledger is LedgerKind.MAINTENANCE_FUND and direction == "expense":
        raise RuleViolation(
            "direction",
            str(
                _l(
                    "Maintenance-fund spending is booked on its fund project (the contractor's invoice) or on its"
                    " emergency application once the street office confirmed it, never typed into the ledger."
                )
            ),
        )
    if (emergency_reason or "").strip():
        raise RuleViolation(
            "emergency_reason", str(_l("An emergency use is applied for on the fund's emergency page and confirmed by the street office."))
        )
    if authorised_item not in (None, ""):
        if direction != "expense":
            raise RuleViolation("authorised_item", str(_l("Only an expense cites the assembly item that approved it.")))
        try:
            item_id = int(str(authorised_item).strip().removeprefix("#"))
        except ValueError:
            raise RuleViolation("authorised_item", str(_l("Give the number of the assembly item that approved the spending."))) from None
    return EntryValues(day, EntryDirection(direction), fen, category, counterparty.strip(), voucher.strip(), note.strip(), item_id, None)


@dataclass
class Books:
    """What the entries written in one transaction are checked against: the lock, the booked periods, the items."""

    community: Community
    ledger: LedgerKind
    locked: date | None
    booked: set[Period]  # periods that have entries other than balances brought forward
    items: dict[int, int]  # assembly items found to have approved spending
    authorisations: dict[str, PublicIncomeAuthorisation] = field(default_factory=dict)  # standing, by category
    spent: dict[tuple[str, int], int] = field(default_factory=dict)  # (category, year) -> fen under caps, this batch included
    today: date | None = None  # no entry is dated after it: money is booked when it moves

    @classmethod
    def of(cls, s: Session, community: Community, ledger: LedgerKind, *, today: date | None = None) -> Books:
        kind = period_kind(community)
        days = s.execute(
            select(LedgerEntry.entry_date)
            .where(LedgerEntry.community_id == community.id, LedgerEntry.ledger == ledger, LedgerEntry.category != OPENING)
            .distinct()
        ).scalars()
        # Locked until the commit: two expenses written at once cannot both fit under what is left of a cap.
        standing = {
            a.category: a
            for a in s.execute(
                select(PublicIncomeAuthorisation)
                .where(PublicIncomeAuthorisation.community_id == community.id, PublicIncomeAuthorisation.ended_at.is_(None))
                .with_for_update()
            ).scalars()
        }
        booked = {Period.containing(kind, d) for d in days}
        return cls(community, ledger, locked_until(s, community.id, ledger), booked, {}, standing, today=today)

    def check(self, s: Session, v: EntryValues) -> None:
        if self.today is not None and v.day > self.today:
            raise RuleViolation(
                "date", str(_l("%(day)s is still to come: an entry is booked when the money moves.", day=v.day.isoformat()))
            )
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
        if self.ledger is LedgerKind.PUBLIC_INCOME and v.direction is EntryDirection.EXPENSE and v.authorised_item_id is None:
            self._within_cap(s, v)

    def authorisation_for(self, v: EntryValues) -> int | None:
        """The standing authorisation a public-income expense is booked under, when it cites no item."""
        if self.ledger is not LedgerKind.PUBLIC_INCOME or v.direction is not EntryDirection.EXPENSE or v.authorised_item_id is not None:
            return None
        return self.authorisations[v.category].id

    def _within_cap(self, s: Session, v: EntryValues) -> None:
        """Public income is spent on an assembly decision, or within a category's yearly cap (RULES §11)."""
        authorisation = self.authorisations.get(v.category)
        if authorisation is None:
            raise RuleViolation(
                "authorised_item",
                str(
                    _l(
                        "Spending public income needs the assembly item that decided it, or a category the rules of"
                        " procedure authorise: “%(category)s” has no such authorisation.",
                        category=CATEGORIES.get(v.category, v.category),
                    )
                ),
            )
        since = today_in_china(authorisation.created_at)
        if v.day < since:
            raise RuleViolation(
                "authorised_item",
                str(
                    _l(
                        "The rules of procedure authorise “%(category)s” from %(day)s: an expense before it cites its assembly item.",
                        category=CATEGORIES.get(v.category, v.category),
                        day=since.isoformat(),
                    )
                ),
            )
        # The cap is the category's for the year, whichever authorisation of it (one replaced, one ended) the spending used.
        key = (v.category, v.day.year)
        if key not in self.spent:
            self.spent[key] = spent_under_caps(s, self.community.id, v.category, v.day.year)
        left = authorisation.yearly_cap_fen - self.spent[key]
        if v.fen > left:
            raise RuleViolation(
                "amount",
                str(
                    _l(
                        "%(amount)s yuan is over the yearly cap the rules of procedure set for “%(category)s”:"
                        " %(left)s yuan of %(cap)s yuan are left for %(year)d; a larger expense needs an assembly item.",
                        amount=format_fen(v.fen),
                        category=CATEGORIES.get(v.category, v.category),
                        left=format_fen(max(left, 0)),
                        cap=format_fen(authorisation.yearly_cap_fen),
                        year=v.day.year,
                    )
                ),
            )
        self.spent[key] += v.fen


def spent_under_caps(s: Session, community_id: int, category: str, year: int) -> int:
    """Public income spent in ``year`` on ``category`` under any standing authorisation of the rules of procedure."""
    return int(
        s.execute(
            select(func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(
                LedgerEntry.community_id == community_id,
                LedgerEntry.ledger == LedgerKind.PUBLIC_INCOME,
                LedgerEntry.category == category,
                LedgerEntry.authorisation_id.is_not(None),
                LedgerEntry.entry_date >= date(year, 1, 1),
                LedgerEntry.entry_date < date(year + 1, 1, 1),
            )
        ).scalar_one()
    )


def _amount_message(reason: str, amount: str) -> str:
    if "fen" in reason:
        return str(_l("%(amount)s has fractions of a fen: at most two decimals.", amount=amount))
    if "greater than zero" in reason:
        return str(_l("The amount must be greater than zero; record money going out as an expense."))
    return str(_l("%(amount)s is not an amount in yuan.", amount=amount))


# The matters under which an assembly decides to spend public income (RULES §11): a use of common parts, or another major matter.
PUBLIC_INCOME_MATTERS = frozenset({"cn.common_use", "cn.other"})


def _authorising_item(s: Session, community: Community, item_id: int) -> int:
    """The item must be of this community, of a spending matter, passed, certified and not revoked."""
    return deciding_item(s, community.id, item_id, matters=PUBLIC_INCOME_MATTERS, field="authorised_item").id


def _insert(s: Session, actor: Actor, community: Community, books: Books, v: EntryValues, now: datetime) -> LedgerEntry:
    entry = LedgerEntry(
        community_id=community.id,
        ledger=books.ledger,
        entry_date=v.day,
        direction=v.direction,
        amount_fen=v.fen,
        category=v.category,
        counterparty=v.counterparty,
        voucher=v.voucher,
        note=v.note,
        authorised_item_id=v.authorised_item_id,
        authorisation_id=books.authorisation_for(v),
        created_by_user_id=actor.user_id,
        created_at=now,
    )
    s.add(entry)
    s.flush()
    return entry


def add_entry(actor: Actor, *, community_id: int, ledger: LedgerKind, now: datetime, **fields: Any) -> LedgerEntry:
    with db.write() as s:
        community = books_community(s, actor, community_id)
        values = _values(ledger, **fields)
        books = Books.of(s, community, ledger, today=today_in_china(now))
        books.check(s, values)
        entry = _insert(s, actor, community, books, values, now)
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
    Books.of(s, community, ledger, today=today_in_china(now)).check(s, values)
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
        community = books_community(s, actor, entry.community_id)
        if entry.statement_id is not None:
            raise RuleViolation("entry", str(_l("This entry belongs to a locked period and cannot be removed.")))
        booked_by_fund = str(
            _l("This entry was booked by the fund (a project's invoice, an emergency's cost or a deposit file) and cannot be removed here.")
        )
        if entry.project_id is not None or entry.emergency_id is not None:
            raise RuleViolation("entry", booked_by_fund)
        data = {"ledger": entry.ledger.value, "date": entry.entry_date.isoformat(), "fen": entry.amount_fen}
        try:
            with s.begin_nested():  # a deposit file's entry is held by the file's record (the fund's tables)
                s.delete(entry)
        except IntegrityError:
            raise RuleViolation("entry", booked_by_fund) from None
        record(s, actor, "ledger.delete", "ledger_entry", entry_id, **scope(community), now=now, data=data)


def import_entries(actor: Actor, *, community_id: int, ledger: LedgerKind, filename: str, data: bytes, now: datetime) -> int:
    """All rows or none: each bad row is named with its field, and nothing is written while any is bad.

    The file is read, capped and checked before the write transaction; inside it, only what depends on
    the books (their lock, the approving items) is checked again, and the rows are written.
    """
    books_community(db.session(), actor, community_id)  # refused before a byte is read
    rows = read_rows(filename, data)
    values, problems = _checked_rows(ledger, rows)
    if problems:
        raise LedgerImportError(problems)
    with db.write() as s:
        community = books_community(s, actor, community_id)
        books = Books.of(s, community, ledger, today=today_in_china(now))
        for row, v in zip(rows, values, strict=True):
            try:
                books.check(s, v)
            except RuleViolation as exc:
                problems.append(_row_problem(row, exc))
        if problems:
            raise LedgerImportError(problems)
        for v in values:
            _insert(s, actor, community, books, v, now)
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
