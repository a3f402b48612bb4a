"""An owner's ballot, with the letter's token and the holder's ID digits."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import request
from flask_babel import gettext as _

from ..communities.models import Person
from ..db import db, utcnow
from ..domain.canonical import canonical_json
from ..domain.lifecycle import SessionState
from ..fund.labels import emergency_kind_label
from ..fund.services import accounts
from ..sessions import services as sessions
from ..sessions.models import AssemblySession, Letter, RollEntry
from ..sessions.services import corrections, scopes
from ..voting import services as voting
from ..voting.labels import objection_kinds
from . import schemas as S
from .letters import opened_letter
from .operations import letter_limit, not_found, operation, stamp
from .serializers import item_json, objection_json, session_json, yuan


def letter_json(letter: Letter) -> dict[str, Any]:
    state = sessions.sync_state(letter.session_id, now=utcnow())
    assembly = db.session.get(AssemblySession, letter.session_id)
    holder = db.session.get(Person, letter.person_id)
    assert assembly is not None and holder is not None
    entry = db.session.get(RollEntry, letter.roll_entry_id)
    return {
        "session": session_json(assembly, state),
        "holder": holder.name,
        "units": list(entry.units) if entry else [],
        "proxy": letter.proxy_id is not None,
        # After the count, a voter an upheld objection reopened it for votes again online, until their window ends.
        "voting_open": state is SessionState.OPEN or _vote_again_until(letter, state) is not None,
        "revote_allowed": sessions.revote_allowed(assembly),
        # RULES §9: a scoped item only on the ballot of a voter its scope holds.
        "items": [item_json(i) for i in scopes.items_for_voter(assembly, letter.roll_entry_id)],
        "receipt": voting.receipt_of_letter(letter),
    }


def _vote_again_until(letter: Letter, state: SessionState) -> datetime | None:
    if state is not SessionState.TALLIED:
        return None
    window = corrections.open_for(db.session(), letter.session_id, letter.roll_entry_id, "online", utcnow())
    return window.until if window is not None else None


@operation(
    "POST",
    "/letters/{token}",
    summary="Open a voting letter",
    tag="owners",
    body=S.OPEN_LETTER,
    response=S.ref("Letter"),
    auth="letter",
    limit=letter_limit,
    errors=(400, 403, 404, 413, 415, 422, 429),
    description="The holder confirms with the last four characters of their ID number, as on the page; "
    "five wrong tries lock the letter. Returns the ballot's items and the receipt of the ballot that counts, if any.",
)
def open_letter(token: str, body: dict[str, Any]) -> dict[str, Any]:
    return letter_json(opened_letter(token, body["digits"]))


@operation(
    "POST",
    "/letters/{token}/ballot",
    summary="Cast the ballot of a voting letter",
    tag="owners",
    body=S.CAST,
    response=S.ref("Receipt"),
    status=201,
    auth="letter",
    limit=letter_limit,
    errors=(400, 403, 404, 413, 415, 422, 429),
    description="Items left out abstain. Answers with the signed receipt, the same JSON the receipt page offers to download.",
)
def cast_ballot(token: str, body: dict[str, Any]) -> dict[str, Any]:
    letter = opened_letter(token, body["digits"])
    cast = voting.cast_with_receipt(token, body.get("choices", {}), ip=request.remote_addr or "-", now=utcnow(), letter=letter)
    # The receipt the cast's transaction signed: once committed the ballot counts, and the voter is told so without
    # reading it back. In the stored entry's key order, the same JSON the letter and the receipt page give.
    return json.loads(canonical_json(cast.receipt))


@operation(
    "POST",
    "/letters/{token}/fund",
    summary="The maintenance-fund accounts of the letter's units",
    tag="owners",
    body=S.OPEN_LETTER,
    response=S.array(S.ref("UnitStatement")),
    auth="letter",
    limit=letter_limit,
    errors=(400, 403, 404, 413, 415, 422, 429),
    description="RULES §11: each unit's deposits, its shares of the fund's costs (with the project's title or the "
    "emergency's kind) and its balance. The holder confirms with the last four characters of their ID number, as when "
    "opening the letter, so this is a POST.",
)
def letter_fund(token: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    letter = opened_letter(token, body["digits"])
    assembly = db.session.get(AssemblySession, letter.session_id)
    entry = db.session.get(RollEntry, letter.roll_entry_id)
    if assembly is None or entry is None:  # pragma: no cover - the letter's rows cascade with it
        raise not_found(_("Open your voting letter again."))
    return [
        {
            "unit": st.unit,
            "area": st.area_text,
            "deposits": [
                {"date": d.day.isoformat(), "amount": yuan(d.fen), "amount_fen": d.fen, "reference": d.reference, "file": d.file}
                for d in st.deposits
            ],
            "shares": [
                {
                    "date": sh.day.isoformat(),
                    "amount": yuan(sh.fen),
                    "amount_fen": sh.fen,
                    "cost": yuan(sh.cost_fen),
                    "cost_fen": sh.cost_fen,
                    "title": emergency_kind_label(sh.title) if sh.emergency else sh.title,
                    "emergency": sh.emergency,
                }
                for sh in st.shares
            ],
            "deposits_total": yuan(st.deposits_fen),
            "shares_total": yuan(st.shares_fen),
            "balance": yuan(st.balance_fen),
            "balance_fen": st.balance_fen,
        }
        for st in accounts.account_of_units(assembly.community_id, entry.units)
    ]


def letter_objections_json(letter: Letter) -> dict[str, Any]:
    now = utcnow()
    state = sessions.sync_state(letter.session_id, now=now)
    assembly = db.session.get(AssemblySession, letter.session_id)
    assert assembly is not None
    has_ballot = sessions.current_ballot(letter.session_id, letter.roll_entry_id) is not None
    return {
        "until": stamp(assembly.objections_until),
        "may_file": objection_kinds(state, has_ballot, assembly.objections_until, now),
        "vote_again_until": stamp(_vote_again_until(letter, state)),
        # The holders of the same units see each other's objections, whichever of their letters made them, as on the page.
        "objections": [objection_json(o) for o in voting.objections_of_voter(letter.session_id, letter.roll_entry_id)],
    }


@operation(
    "POST",
    "/letters/{token}/objections",
    summary="The objections to the count made for the letter's units, each with its steps",
    tag="owners",
    body=S.OPEN_LETTER,
    response=S.ref("LetterObjections"),
    auth="letter",
    limit=letter_limit,
    errors=(400, 403, 404, 413, 415, 422, 429),
    description="RULES §6: each objection as filed, the answer of those running the session, the street office's decision "
    "and what followed (the window to vote again, or the order after a rejected result). `may_file` lists the kinds the "
    "holder may object on now: not_mine while voting is open and a ballot is on record, every kind while the preliminary "
    "result's objection period runs (`until`). `vote_again_until` is set while an upheld objection lets this letter cast "
    "again. The holder confirms with the last four characters of their ID number, as when opening the letter, so this is a POST.",
)
def list_letter_objections(token: str, body: dict[str, Any]) -> dict[str, Any]:
    return letter_objections_json(opened_letter(token, body["digits"]))


@operation(
    "POST",
    "/letters/{token}/objections/new",
    summary="Object to the count: a ballot not the holder's, the roll, their weight, or the count",
    tag="owners",
    body=S.NEW_OBJECTION,
    response=S.ref("Objection"),
    status=201,
    auth="letter",
    limit=letter_limit,
    errors=(400, 403, 404, 413, 415, 422, 429),
    description="As on the letter's page: one objection of each kind per letter, while `may_file` allows it; refusals name "
    "`kind` (the period, a ballot to dispute, said already) or `statement`. Those running the session answer it, then the "
    "street office decides. Photos and scans are attached on the letter's page only: this operation takes JSON.",
)
def file_letter_objection(token: str, body: dict[str, Any]) -> dict[str, Any]:
    letter = opened_letter(token, body["digits"])
    sessions.sync_state(letter.session_id, now=utcnow())  # a session past its close is counted first, as the letter's page does
    objection = voting.file_objection(letter.id, body["kind"], body["statement"], ip=request.remote_addr or "-", now=utcnow())
    return objection_json(objection)
