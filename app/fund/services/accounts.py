"""Each unit's fund account (分户账, RULES §11): deposits imported from files, shares of the costs, and the balance.

Money comes in by deposit files: all rows or none, each file once, booked as one
income entry of the maintenance-fund ledger. Money goes out as a project's or an
emergency's cost, booked by their code, which calls ``apportion_cost`` in the same
transaction to share it among the scope's units by area. ``reconciliation`` says
whether the unit accounts and the ledger tell the same story, and where not, why.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Building, Community, Unit
from ...communities.register import RegisterFileError, read_table
from ...csvsafe import safe_cell, unsafe_cell
from ...db import db
from ...domain.apportion import apportion
from ...domain.errors import NotFound, RuleViolation
from ...domain.ledger import LedgerKind, format_fen, parse_fen
from ...domain.numbers import format_area
from ...domain.units import unit_label_parts, unit_sort_key
from ...ledgers import services as ledgers
from ...ledgers.models import EntryDirection, LedgerEntry
from ...notices.labels import CATEGORIES
from ...security.actor import Actor
from ...security.permissions import can_manage_fund, require
from ...spreadsheets import capped, check_xlsx_size
from ..models.accounts import DepositImport, UnitDeposit, UnitShare
from ..models.emergencies import EmergencyApplication
from ..models.projects import FundProject

FUND = LedgerKind.MAINTENANCE_FUND
DEPOSITS = "deposits"  # the ledger category of a deposit file's entry

# The deposit file's columns, as the committee page documents them; the Chinese headings beside the English.
DEPOSIT_COLUMNS = ("unit", "date", "amount", "reference", "payer")
REQUIRED = DEPOSIT_COLUMNS[:3]
CHINESE_HEADINGS = {
    "unit": ("房号", "房屋", "单元"),
    "date": ("日期", "缴存日期"),
    "amount": ("金额", "金额（元）", "金额(元)", "缴存金额"),
    "reference": ("凭证号", "银行凭证号", "流水号"),
    "payer": ("缴存人", "付款人"),
}
_HEADINGS = {c: c for c in DEPOSIT_COLUMNS} | {alias: c for c, aliases in CHINESE_HEADINGS.items() for alias in aliases}
EXPORT_COLUMNS = ("unit", "area", "deposits", "shares", "balance")


class DepositImportError(ValueError):
    """The problems of a deposit file, each row's named; nothing of it was written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _community(s: Session, actor: Actor, community_id: int) -> Community:
    community = s.get(Community, community_id)
    if community is None:
        raise NotFound(str(_l("No such community.")))
    require(can_manage_fund(actor, community))
    return community


@dataclass(frozen=True)
class RegisterUnit:
    pk: int
    label: str  # "building-number", as the roll names it
    area_centi: int


def _register_units(s: Session, community_id: int) -> list[RegisterUnit]:
    rows = s.execute(select(Unit.id, Building.name, Unit.number, Unit.area_centi).join(Building).where(Unit.community_id == community_id))
    return [RegisterUnit(pk, f"{building}-{number}", area) for pk, building, number, area in rows]


def _unit_key(label: str) -> tuple[str, str]:
    """A label as people write it (full-width digits, other dashes), as the register's (building, number)."""
    building, number = unit_label_parts(label)
    return building.casefold(), number.casefold()


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
    units = {u.label: u for u in _register_units(s, community.id)}
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


# ---------------------------------------------------------------- importing deposits


@dataclass(frozen=True)
class DepositRow:
    number: int
    unit_pk: int
    day: date
    fen: int
    reference: str
    payer: str


def _problem(number: int, column: str, reason: str) -> str:
    return str(_l("row %(row)d, %(field)s: %(reason)s", row=number, field=column, reason=reason))


def _amount_problem(reason: str, amount: str) -> str:
    """The ledger's words for a bad amount."""
    if "fen" in reason:
        return str(_l("%(amount)s has fractions of a fen: at most two decimals.", amount=amount))
    if "greater than zero" in reason:
        return str(_l("The amount must be greater than zero; record money going out as an expense."))
    return str(_l("%(amount)s is not an amount in yuan.", amount=amount))


def _read(filename: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        if filename.lower().endswith(".xlsx"):
            check_xlsx_size(data)
        table = list(capped(read_table(filename, data)))
    except (RegisterFileError, ValueError) as exc:
        raise DepositImportError([str(exc)]) from None
    if not table:
        raise DepositImportError([str(_l("The file is empty."))])
    header = [_HEADINGS.get(h.strip().lstrip("\ufeff").casefold(), "") for h in table[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        column = f"{missing[0]} ({CHINESE_HEADINGS[missing[0]][0]})"
        raise DepositImportError([str(_l("Missing column: %(column)s", column=column))])
    index = {c: header.index(c) for c in DEPOSIT_COLUMNS if c in header}
    rows = []
    for number, cells in table[1:]:
        if not any(cells):
            continue
        fields = {c: unsafe_cell(cells[i]).strip() if i < len(cells) else "" for c, i in index.items()}
        rows.append((number, {c: fields.get(c, "") for c in DEPOSIT_COLUMNS}))
    if not rows:
        raise DepositImportError([str(_l("The file has no deposits."))])
    return rows


def _checked(rows: Iterable[tuple[int, dict[str, str]]], units: dict[tuple[str, str], int]) -> tuple[list[DepositRow], list[str]]:
    checked: list[DepositRow] = []
    problems: list[str] = []
    for number, f in rows:
        bad = len(problems)
        unit = units.get(_unit_key(f["unit"])) if f["unit"] else None
        if not f["unit"]:
            problems.append(_problem(number, "unit", str(_l("Name the unit, as 3-101."))))
        elif unit is None:
            problems.append(_problem(number, "unit", str(_l("no unit %(unit)s in this community", unit=f["unit"]))))
        try:
            day = date.fromisoformat(f["date"])
        except ValueError:
            problems.append(_problem(number, "date", str(_l("Write the date as YYYY-MM-DD."))))
        try:
            fen = parse_fen(f["amount"])
        except RuleViolation as exc:
            problems.append(_problem(number, "amount", _amount_problem(exc.reason, f["amount"])))
        for column, limit in (("reference", 100), ("payer", 200)):
            if len(f[column]) > limit:
                problems.append(_problem(number, column, str(_l("At most %(max)d characters.", max=limit))))
        if len(problems) == bad and unit is not None:
            checked.append(DepositRow(number, unit, day, fen, f["reference"], f["payer"]))
    return checked, problems


def import_deposits(actor: Actor, *, community_id: int, filename: str, data: bytes, now: datetime) -> DepositImport:
    """A deposit file, all rows or none, booked as one income entry of the fund ledger (category ``deposits``).

    Every bad row is named with its column, and an unknown unit refuses the whole file; a file already
    imported (the same SHA-256) is refused. The entry is dated the latest row's date, its voucher the file's name.
    """
    _community(db.session(), actor, community_id)  # refused before a byte is read
    digest = hashlib.sha256(data).hexdigest()
    name = filename.strip()[:200]
    rows = _read(filename, data)
    with db.write() as s:
        community = _community(s, actor, community_id)
        earlier = s.execute(
            select(DepositImport).where(DepositImport.community_id == community.id, DepositImport.sha256 == digest)
        ).scalar_one_or_none()
        if earlier is not None:
            raise DepositImportError(
                [
                    str(
                        _l(
                            "This file was imported already, as %(file)s on %(day)s.",
                            file=earlier.filename,
                            day=today_in_china(earlier.imported_at).isoformat(),
                        )
                    )
                ]
            )
        units: dict[tuple[str, str], int] = {}
        for u in _register_units(s, community.id):
            units.setdefault(_unit_key(u.label), u.pk)
        deposits, problems = _checked(rows, units)
        if problems:
            raise DepositImportError(problems)
        _refuse_booked_again(s, community.id, deposits)
        total = sum(d.fen for d in deposits)
        try:
            entry = ledgers.book(
                s,
                actor,
                community,
                FUND,
                day=max(d.day for d in deposits),
                direction=EntryDirection.INCOME,
                fen=total,
                category=DEPOSITS,
                voucher=name[:100],
                note=str(_l("%(num)d unit deposits", num=len(deposits))),
                now=now,
            )
        except RuleViolation as exc:
            raise DepositImportError([f"{exc.field}: {exc.reason}"]) from None
        done = DepositImport(
            community_id=community.id,
            filename=name,
            sha256=digest,
            rows=len(deposits),
            total_fen=total,
            ledger_entry_id=entry.id,
            imported_by_user_id=actor.user_id,
            imported_at=now,
        )
        s.add(done)
        s.flush()
        s.execute(
            insert(UnitDeposit),
            [
                {
                    "community_id": community.id,
                    "unit_id": d.unit_pk,
                    "deposit_date": d.day,
                    "amount_fen": d.fen,
                    "reference": d.reference,
                    "payer": d.payer,
                    "import_id": done.id,
                    "created_by_user_id": actor.user_id,
                    "created_at": now,
                }
                for d in deposits
            ],
        )
        record(
            s,
            actor,
            "fund.deposits_import",
            "fund_deposit_import",
            done.id,
            **scope(community),
            now=now,
            data={"file": name, "sha256": digest, "rows": len(deposits), "fen": total, "ledger_entry": entry.id},
        )
    return done


def _refuse_booked_again(s: Session, community_id: int, deposits: list[DepositRow]) -> None:
    """The same deposits in another file (saved again, another encoding, another name) are not credited twice.

    A row the bank numbered (its reference) that is booked already for that unit, day and amount is refused;
    so is a file whose every row is booked already, numbered or not.
    """
    booked = set(
        s.execute(
            select(UnitDeposit.unit_id, UnitDeposit.deposit_date, UnitDeposit.amount_fen, UnitDeposit.reference).where(
                UnitDeposit.community_id == community_id,
                UnitDeposit.unit_id.in_({d.unit_pk for d in deposits}),
            )
        ).all()
    )
    again = [d for d in deposits if (d.unit_pk, d.day, d.fen, d.reference) in booked]
    if again and len(again) == len(deposits):
        raise DepositImportError(
            [str(_l("Every deposit of this file is booked already: it was imported before under another name or form."))]
        )
    numbered = [d for d in again if d.reference]
    if numbered:
        raise DepositImportError(
            [
                _problem(d.number, "reference", str(_l("deposit %(ref)s of this unit on this day is booked already.", ref=d.reference)))
                for d in numbered
            ]
        )


def imports(community_id: int) -> list[DepositImport]:
    """The community's deposit files, the newest first."""
    query = select(DepositImport).where(DepositImport.community_id == community_id)
    return list(db.session.execute(query.order_by(DepositImport.imported_at.desc(), DepositImport.id.desc())).scalars())


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
    accounts = [UnitAccount(u.label, u.area_centi, deposits.get(u.pk, 0), shares.get(u.pk, 0)) for u in _register_units(s, community_id)]
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
    known = {u.label: u for u in _register_units(s, community_id)}
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
