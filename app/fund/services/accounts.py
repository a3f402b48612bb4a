"""Each unit's fund account (分户账, RULES §11): its deposits, its shares of the costs, and the balance.

Money comes in by deposit files (``deposits``: all rows or none, each file once,
booked as one income entry of the maintenance-fund ledger). Money goes out as a project's or an
emergency's cost, booked by their code, which calls ``apportion_cost`` in the same
transaction to share it among the scope's units by area. ``reconciliation`` says
whether the unit accounts and the ledger tell the same story, and where not, why.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...communities.models import Building, Community, Unit
from ...csvsafe import safe_cell
from ...db import db
from ...domain.apportion import apportion
from ...domain.errors import RuleViolation
from ...domain.ledger import LedgerKind, format_fen
from ...domain.numbers import format_area
from ...domain.units import unit_sort_key
from ...ledgers.models import EntryDirection, LedgerEntry
from ...notices.labels import CATEGORIES
from ..models.accounts import DepositImport, UnitDeposit, UnitShare
from ..models.emergencies import EmergencyApplication
from ..models.projects import FundProject

FUND = LedgerKind.MAINTENANCE_FUND
DEPOSITS = "deposits"  # the ledger category of a deposit file's entry

EXPORT_COLUMNS = ("unit", "area", "deposits", "shares", "balance")


@dataclass(frozen=True)
class RegisterUnit:
    pk: int
    label: str  # "building-number", as the roll names it
    area_centi: int


def unit_areas(s: Session, community_id: int) -> list[RegisterUnit]:
    """The register's units with their areas, as deposits are checked and costs apportioned."""
    rows = s.execute(select(Unit.id, Building.name, Unit.number, Unit.area_centi).join(Building).where(Unit.community_id == community_id))
    return [RegisterUnit(pk, f"{building}-{number}", area) for pk, building, number, area in rows]


# ---------------------------------------------------------------- apportioning a cost


def apportion_cost(s: Session, community: Community, entry: LedgerEntry, scope: Sequence[str]) -> list[UnitShare]:
    """Share a booked cost of the fund among the scope's units by area (RULES §11), one share per unit.

    ``scope`` is the unit ids as the roll names them (``"building-number"``). Called by the projects'
    and the emergencies' code inside the transaction that booked ``entry``; that booking is audited.
    """
    if entry.community_id != community.id or entry.ledger is not FUND or entry.direction is not EntryDirection.EXPENSE:
        raise RuleViolation("entry", str(_l("Only an expense of this community's maintenance fund is shared among its units.")))
    if s.execute(select(UnitShare.id).where(UnitShare.ledger_entry_id == entry.id).limit(1)).first() is not None:
        raise RuleViolation("entry", str(_l("This cost is already shared among its units.")))
    units = {u.label: u for u in unit_areas(s, community.id)}
    wanted = list(dict.fromkeys(scope))
    missing = [label for label in wanted if label not in units]
    if missing:
        raise RuleViolation("scope", str(_l("No unit %(unit)s in this community.", unit=missing[0])))
    if not wanted:
        raise RuleViolation("scope", str(_l("The scope names no units.")))
    amounts = apportion(entry.amount_fen, {label: units[label].area_centi for label in wanted})
    shares = [
        UnitShare(community_id=community.id, unit_id=units[label].pk, ledger_entry_id=entry.id, amount_fen=fen, created_at=entry.created_at)
        for label, fen in amounts.items()
    ]
    s.add_all(shares)
    s.flush()
    return shares


# ---------------------------------------------------------------- the accounts


@dataclass(frozen=True)
class UnitAccount:
    unit: str  # "building-number"
    area_centi: int
    deposits_fen: int
    shares_fen: int

    @property
    def balance_fen(self) -> int:
        return self.deposits_fen - self.shares_fen

    @property
    def area_text(self) -> str:
        return format_area(self.area_centi)


def _sums(s: Session, model: type[UnitDeposit] | type[UnitShare], community_id: int) -> dict[int, int]:
    rows = s.execute(select(model.unit_id, func.sum(model.amount_fen)).where(model.community_id == community_id).group_by(model.unit_id))
    return {unit: int(fen or 0) for unit, fen in rows}


def unit_accounts(community_id: int) -> list[UnitAccount]:
    """Every unit of the register with its deposits, its shares and its balance, in fen, in the order people read units."""
    s = db.session()
    deposits, shares = _sums(s, UnitDeposit, community_id), _sums(s, UnitShare, community_id)
    accounts = [UnitAccount(u.label, u.area_centi, deposits.get(u.pk, 0), shares.get(u.pk, 0)) for u in unit_areas(s, community_id)]
    return sorted(accounts, key=lambda a: unit_sort_key(a.unit))


@dataclass(frozen=True)
class DepositLine:
    day: date
    fen: int
    reference: str
    file: str


@dataclass(frozen=True)
class ShareLine:
    day: date
    fen: int
    cost_fen: int
    title: str  # the project's title or the emergency's kind; "" when the entry names neither
    emergency: bool


@dataclass
class UnitStatement:
    """One unit's account as its holders see it: every deposit, every share, the balance."""

    unit: str
    area_centi: int
    deposits: list[DepositLine] = field(default_factory=list)
    shares: list[ShareLine] = field(default_factory=list)

    @property
    def deposits_fen(self) -> int:
        return sum(d.fen for d in self.deposits)

    @property
    def shares_fen(self) -> int:
        return sum(sh.fen for sh in self.shares)

    @property
    def balance_fen(self) -> int:
        return self.deposits_fen - self.shares_fen

    @property
    def area_text(self) -> str:
        return format_area(self.area_centi)


def account_of_units(community_id: int, unit_ids: Sequence[str]) -> list[UnitStatement]:
    """The accounts of one owner's units (ids as the roll names them), in the order given; unknown ids are left out."""
    s = db.session()
    known = {u.label: u for u in unit_areas(s, community_id)}
    found = [known[label] for label in dict.fromkeys(unit_ids) if label in known]
    by_pk = {u.pk: UnitStatement(u.label, u.area_centi) for u in found}
    if not by_pk:
        return []
    for unit, day, fen, reference, filename in s.execute(
        select(UnitDeposit.unit_id, UnitDeposit.deposit_date, UnitDeposit.amount_fen, UnitDeposit.reference, DepositImport.filename)
        .join(DepositImport, DepositImport.id == UnitDeposit.import_id)
        .where(UnitDeposit.unit_id.in_(by_pk))
        .order_by(UnitDeposit.deposit_date, UnitDeposit.id)
    ):
        by_pk[unit].deposits.append(DepositLine(day, fen, reference, filename))
    for unit, day, fen, cost, title, kind in s.execute(
        select(
            UnitShare.unit_id,
            LedgerEntry.entry_date,
            UnitShare.amount_fen,
            LedgerEntry.amount_fen,
            FundProject.title,
            EmergencyApplication.kind,
        )
        .join(LedgerEntry, LedgerEntry.id == UnitShare.ledger_entry_id)
        .outerjoin(FundProject, FundProject.id == LedgerEntry.project_id)
        .outerjoin(EmergencyApplication, EmergencyApplication.id == LedgerEntry.emergency_id)
        .where(UnitShare.unit_id.in_(by_pk))
        .order_by(LedgerEntry.entry_date, UnitShare.id)
    ):
        by_pk[unit].shares.append(ShareLine(day, fen, cost, title or kind or "", title is None and kind is not None))
    return [by_pk[u.pk] for u in found]


# ---------------------------------------------------------------- reconciliation


@dataclass(frozen=True)
class Difference:
    """Where the unit accounts and the ledger part: the ledger entry (if one), why, and by how much.

    ``fen`` is what the entry adds to the ledger's balance beyond the units' balance: income in no unit's
    account counts plus, an expense no unit bore minus; the differences add up to the two balances' gap.
    """

    cause: str
    fen: int
    entry_id: int | None = None


@dataclass(frozen=True)
class Reconciliation:
    deposits_fen: int  # the unit accounts' deposits
    ledger_deposits_fen: int  # the fund ledger's income of category deposits
    shares_fen: int  # the unit accounts' shares
    ledger_costs_fen: int  # the fund ledger's expenses booked for projects or emergencies
    balance_fen: int  # the unit accounts' balance: deposits less shares
    ledger_balance_fen: int  # the fund ledger's balance: all its income less all its expenses
    differences: list[Difference]

    @property
    def agrees(self) -> bool:
        return not self.differences


def reconciliation(community_id: int) -> Reconciliation:
    """The unit accounts against the maintenance-fund ledger; each difference with its cause."""
    s = db.session()
    entries = list(
        s.execute(
            select(LedgerEntry)
            .where(LedgerEntry.community_id == community_id, LedgerEntry.ledger == FUND)
            .order_by(LedgerEntry.entry_date, LedgerEntry.id)
        ).scalars()
    )
    imported = {
        entry_id: fen
        for entry_id, fen in s.execute(
            select(DepositImport.ledger_entry_id, func.sum(UnitDeposit.amount_fen))
            .join(UnitDeposit, UnitDeposit.import_id == DepositImport.id)
            .where(DepositImport.community_id == community_id)
            .group_by(DepositImport.ledger_entry_id)
        )
    }
    shared = {
        entry_id: int(fen or 0)
        for entry_id, fen in s.execute(
            select(UnitShare.ledger_entry_id, func.sum(UnitShare.amount_fen))
            .where(UnitShare.community_id == community_id)
            .group_by(UnitShare.ledger_entry_id)
        )
    }
    deposits = int(
        s.execute(select(func.coalesce(func.sum(UnitDeposit.amount_fen), 0)).where(UnitDeposit.community_id == community_id)).scalar() or 0
    )
    shares = int(
        s.execute(select(func.coalesce(func.sum(UnitShare.amount_fen), 0)).where(UnitShare.community_id == community_id)).scalar() or 0
    )
    differences: list[Difference] = []
    totals: dict[str, int] = defaultdict(int)
    for e in entries:
        day, amount, voucher = e.entry_date.isoformat(), format_fen(e.amount_fen), e.voucher or "—"
        if e.direction is EntryDirection.INCOME:
            totals["income"] += e.amount_fen
            if e.category == DEPOSITS:
                totals["deposits"] += e.amount_fen
            if e.id in imported:
                if imported[e.id] != e.amount_fen:
                    differences.append(
                        Difference(
                            str(
                                _l(
                                    "The deposit file booked on %(day)s (%(voucher)s) holds %(units)s yuan of deposits,"
                                    " but its ledger entry says %(amount)s yuan.",
                                    day=day,
                                    voucher=voucher,
                                    units=format_fen(int(imported[e.id])),
                                    amount=amount,
                                )
                            ),
                            e.amount_fen - int(imported[e.id]),
                            e.id,
                        )
                    )
            else:
                differences.append(
                    Difference(
                        str(
                            _l(
                                "Income of %(day)s, %(amount)s yuan (%(category)s, voucher %(voucher)s), came from no deposit file:"
                                " it is in the ledger but in no unit's account.",
                                day=day,
                                amount=amount,
                                category=str(CATEGORIES.get(e.category, e.category)),
                                voucher=voucher,
                            )
                        ),
                        e.amount_fen,
                        e.id,
                    )
                )
            continue
        totals["expense"] += e.amount_fen
        if e.project_id is not None or e.emergency_id is not None:
            totals["costs"] += e.amount_fen
        got = shared.get(e.id)
        if got is None:
            differences.append(
                Difference(
                    str(
                        _l(
                            "The expense of %(day)s, %(amount)s yuan (voucher %(voucher)s), is shared among no units.",
                            day=day,
                            amount=amount,
                            voucher=voucher,
                        )
                    ),
                    -e.amount_fen,
                    e.id,
                )
            )
        elif got != e.amount_fen:
            differences.append(
                Difference(
                    str(
                        _l(
                            "The expense of %(day)s, %(amount)s yuan (voucher %(voucher)s), has shares adding up to %(shares)s yuan.",
                            day=day,
                            amount=amount,
                            voucher=voucher,
                            shares=format_fen(got),
                        )
                    ),
                    got - e.amount_fen,
                    e.id,
                )
            )
    return Reconciliation(
        deposits_fen=deposits,
        ledger_deposits_fen=totals["deposits"],
        shares_fen=shares,
        ledger_costs_fen=totals["costs"],
        balance_fen=deposits - shares,
        ledger_balance_fen=totals["income"] - totals["expense"],
        differences=differences,
    )


# ---------------------------------------------------------------- exports


def _export_rows(community_id: int) -> list[list[str]]:
    return [
        [
            a.unit,
            a.area_text,
            format_fen(a.deposits_fen).replace(",", ""),
            format_fen(a.shares_fen).replace(",", ""),
            format_fen(a.balance_fen).replace(",", ""),
        ]
        for a in unit_accounts(community_id)
    ]


def export_csv(community_id: int) -> str:
    """Every unit's account (unit, area, deposits, shares, balance; yuan), by unit; no cell is a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in _export_rows(community_id):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def export_xlsx(community_id: int) -> bytes:
    """The same as a workbook: the area and the money as numbers."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("accounts")
    sheet.append(list(EXPORT_COLUMNS))
    for unit, *numbers in _export_rows(community_id):
        sheet.append([safe_cell(unit), *(Decimal(n) for n in numbers)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
