"""Deposit files from the fund's bank (分户账, RULES §11): read, checked row by row, and booked all or none.

A file names each deposit's unit, day, amount, bank reference and payer (English or Chinese headings, CSV or
XLSX). Every bad row is listed and nothing is written; each file is booked once, as one income entry of the
maintenance-fund ledger, with its per-unit deposits beside it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ...audit.services import record, scope
from ...clock import today_in_china
from ...communities.models import Community
from ...communities.register import RegisterFileError, read_table
from ...csvsafe import unsafe_cell
from ...db import db
from ...domain.errors import NotFound, RuleViolation
from ...domain.ledger import parse_fen
from ...domain.units import unit_label_parts
from ...ledgers import services as ledgers
from ...ledgers.models import EntryDirection
from ...security.actor import Actor
from ...security.permissions import can_manage_fund, require
from ...spreadsheets import capped, check_xlsx_size
from ..models.accounts import DepositImport, UnitDeposit
from .accounts import DEPOSITS, FUND, unit_areas

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


def _unit_key(label: str) -> tuple[str, str]:
    """A label as people write it (full-width digits, other dashes), as the register's (building, number)."""
    building, number = unit_label_parts(label)
    return building.casefold(), number.casefold()


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
        for u in unit_areas(s, community.id):
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
