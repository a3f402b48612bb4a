"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every API body and response."""

from __future__ import annotations

from typing import Any

from ..domain.figures import FIGURE_NAMES
from ..domain.objections import ObjectionKind, ObjectionStatus, Outcome
from ..domain.rules import MATTERS

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str] | None = None, /, **props: Schema) -> Schema:
    """An object of exactly these members; the listed ones are required (all of them by default)."""
    return {"type": "object", "properties": props, "required": list(props) if required is None else required, "additionalProperties": False}


def array(items: Schema, **more: Any) -> Schema:
    return {"type": "array", "items": items, **more}


def nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


STR: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
BOOL: Schema = {"type": "boolean"}
STAMP: Schema = {"type": "string", "format": "date-time"}
DAY: Schema = {"type": "string", "format": "date"}
URL: Schema = {"type": "string", "description": "An absolute URL of the page for people."}
ANY_OBJECT: Schema = {"type": "object"}
SESSION_STATES = ["announced", "open", "closed", "tallied", "certified", "rejected", "revoked"]
NOTICE_KINDS = ["announcement", "decision", "result", "election_slate", "statement", "order", "general"]
CHOICE = {"type": "string", "enum": ["agree", "disagree", "abstain"]}

COMPONENTS: dict[str, Schema] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details; `errors` names each offending field.",
        "properties": {
            "type": STR,
            "title": STR,
            "status": INT,
            "detail": STR,
            "instance": STR,
            "errors": array(obj(field=STR, pointer=STR, detail=STR)),
        },
        "required": ["type", "title", "status", "detail"],
        "additionalProperties": False,
    },
    "Community": obj(slug=STR, name=STR, address=STR, street_office=STR, units=INT, url=URL),
    "Notice": obj(
        id=STR,
        kind={"type": "string", "enum": NOTICE_KINDS},
        state={"type": "string", "enum": ["draft", "pending", "published"]},
        title=STR,
        version=INT,
        supersedes=nullable(STR),
        published_at=nullable(STAMP),
        body=STR,
        url=nullable(URL),
    ),
    "SessionSummary": obj(
        id=STR,
        title=STR,
        form={"type": "string", "enum": ["meeting", "written"]},
        state={"type": "string", "enum": ["draft", *SESSION_STATES]},
        opens_at=STAMP,
        closes_at=STAMP,
        url=URL,
    ),
    "Item": obj(
        id=STR,
        position=INT,
        kind={"type": "string", "enum": ["question", "election"]},
        matter=STR,
        title=STR,
        body=STR,
        seats=nullable(INT),
        candidates=array(obj(id=STR, name=STR, unit=STR, statement=STR)),
        scope=nullable(
            {
                **obj(units=array(STR), label=STR, totals=nullable(obj(area=STR, heads=INT))),
                "description": "RULES §9: the units (as the roll names them) whose owners alone decide the item; null for the whole "
                "community. The totals are the scope's, frozen with the roll at announcement.",
            }
        ),
    ),
    "Weights": obj(area=STR, headcount=INT),
    "Session": obj(
        session=ref("SessionSummary"),
        community=STR,
        items=array(ref("Item")),
        roll=nullable(obj(sha256=STR, area=STR, headcount=INT)),
        turnout=nullable(obj(area=STR, headcount=INT, area_percent=STR, headcount_percent=STR)),
        result=nullable({"type": "object", "description": "The rule engine's decision of every item, as hashed and certified."}),
        objections=nullable(ref("ObjectionSummary")),
    ),
    "Receipt": {
        "type": "object",
        "description": "The signed bulletin entry of a ballot: the same JSON as the receipt page's download.",
        "properties": {
            "v": {"const": 1},
            "type": {"const": "ballot"},
            "session": STR,
            "seq": INT,
            "cast_at": STR,
            "voter": STR,
            "weights": ref("Weights"),
            "choices": {"type": "object"},
            "supersedes": nullable(STR),
            "prev": STR,
            "hash": STR,
            "key_id": STR,
            "sig": STR,
        },
        "required": ["v", "type", "session", "seq", "cast_at", "voter", "weights", "choices", "prev", "hash", "key_id", "sig"],
        "additionalProperties": False,
    },
    "Letter": obj(
        session=ref("SessionSummary"),
        holder=STR,
        units=array(STR),
        proxy=BOOL,
        voting_open=BOOL,
        revote_allowed=BOOL,
        items=array(ref("Item")),
        receipt=nullable(ref("Receipt")),
    ),
    "Bulletin": {
        "type": "object",
        "description": "Every entry in chain order; until the seal only each entry's seq, hash and prev.",
        "properties": {
            "session": STR,
            "title": STR,
            "sealed": BOOL,
            "count": INT,
            "head": STR,
            "entries": array({"type": "object"}),
        },
        "required": ["session", "title", "sealed", "count", "head", "entries"],
        "additionalProperties": True,
    },
    "Key": obj(["key_id", "alg", "public_key", "not_before"], key_id=STR, alg=STR, public_key=STR, not_before=STR, not_after=nullable(STR)),
    "Member": obj(
        id={"type": "integer", "description": "The seat's id, which a finding against the member names."},
        name=STR,
        role={"type": "string", "enum": ["chair", "vice_chair", "member", "alternate"]},
        suspended=BOOL,
    ),
    "Committee": obj(
        kind={"type": "string", "enum": ["owners", "temporary"]},
        seats=INT,
        seated_at=STAMP,
        term_end=DAY,
        members=array(ref("Member")),
        alternates=array(ref("Member")),
        party_members=INT,
        party_target_met=nullable(BOOL),
    ),
    "Statement": obj(
        id=STR,
        ledger={"type": "string", "enum": ["public_income", "maintenance_fund"]},
        period_kind=STR,
        period_start=DAY,
        period_end=DAY,
        closing_fen=INT,
        figures=ANY_OBJECT,
        notice=STR,
    ),
    "Order": obj(
        id=STR,
        community=STR,
        kind={"type": "string", "enum": ["rectify", "revoke", "convene", "suspend", "reelect", "chair_vote"]},
        status={"type": "string", "enum": ["open", "complied", "withdrawn"]},
        subject=STR,
        due_on=DAY,
        notice=nullable(STR),
    ),
    "Figure": obj(
        numerator=INT,
        denominator=INT,
        percent=nullable(STR),
        target=nullable(STR),
        target_percent=nullable(STR),
        year=nullable(INT),
        met=nullable(BOOL),
    ),
    "Figures": obj(**{name: ref("Figure") for name in FIGURE_NAMES}),
    "AreaFigures": obj(
        kind={"type": "string", "enum": ["office", "district", "city"]},
        code=STR,
        name=STR,
        on=DAY,
        communities_count=INT,
        longest_preparatory_days=nullable(INT),
        figures=ref("Figures"),
        children=array(obj(kind=STR, code=STR, name=STR, figures=ref("Figures"))),
        communities=array(
            obj(
                slug=STR,
                name=STR,
                committee={"type": "string", "enum": ["owners", "expired", "temporary", "none"]},
                formed=BOOL,
                term_ends_on=nullable(DAY),
                term_ending=BOOL,
                preparatory_since=nullable(DAY),
                reelection_ordered=BOOL,
                reelection_overdue=BOOL,
                publications_on_time=INT,
                publications_late=INT,
                party_target_met=nullable(BOOL),
            )
        ),
    ),
    "DashboardRow": obj(
        community=STR,
        name=STR,
        flags=array(STR),
        awaiting_certification=INT,
        publications_overdue=INT,
        orders_overdue=INT,
        elections_under_way=INT,
        committee=nullable(STR),
    ),
}

# Request bodies ----------------------------------------------------------------------------------

DIGITS = {"type": "string", "minLength": 1, "maxLength": 8, "description": "The last four characters of the holder's ID number."}

OPEN_LETTER = obj(digits=DIGITS)

CAST = obj(
    ["digits"],
    digits=DIGITS,
    choices={
        "type": "object",
        "description": "Item id → agree/disagree/abstain, or for an election the approved candidates' ids. Items left out abstain.",
        "maxProperties": 100,
        "propertyNames": {"type": "string", "pattern": "^[0-9]{1,12}$"},
        "additionalProperties": {"anyOf": [CHOICE, array({"type": "string", "pattern": "^[0-9]{1,12}$"}, maxItems=100)]},
    },
)

NEW_SESSION = obj(
    title={"type": "string", "minLength": 1, "maxLength": 200},
    form={"type": "string", "enum": ["meeting", "written"]},
    opens_at=STAMP,
    closes_at=STAMP,
)

NEW_ITEM = obj(
    ["matter", "title"],
    matter={"type": "string", "enum": list(MATTERS)},
    title={"type": "string", "minLength": 1, "maxLength": 300},
    body={"type": "string", "maxLength": 20000},
    scope={
        **array({"type": "string", "maxLength": 100}, maxItems=20000),
        "description": "RULES §9, optional: the unit ids (`<building>-<number>`) whose owners alone decide the item; each must be on "
        "the register and one at least must vote, or the item is refused naming `scope`.",
    },
    scope_label={"type": "string", "maxLength": 100, "description": "How the pages name the scope, e.g. 3 号楼."},
)

NEW_NOTICE = obj(
    kind={"type": "string", "enum": ["general", "decision"]},
    title={"type": "string", "minLength": 1, "maxLength": 200},
    body={"type": "string", "minLength": 1, "maxLength": 50000},
)

NEW_ORDER = obj(
    ["kind", "subject", "body", "due_on"],
    kind={"type": "string", "enum": ["rectify", "convene", "revoke"]},
    subject={"type": "string", "minLength": 1, "maxLength": 150},
    body={"type": "string", "minLength": 1, "maxLength": 20000},
    due_on=DAY,
    motion_id={
        "type": "string",
        "minLength": 1,
        "maxLength": 100,
        "description": "To revoke a committee decision (kind revoke): its id, as the community's decisions list them.",
    },
)

# The maintenance fund (RULES §11) --------------------------------------------------------------------------------

PROJECT_STATES = ["applied", "approved", "works", "accepted", "settled", "withdrawn"]
EMERGENCY_STATES = ["applied", "confirmed", "refused", "completed", "published"]
YUAN: Schema = {"type": "string", "description": "An amount in yuan with two decimals, such as 12000.00."}
FEN: Schema = {"type": "integer", "description": "The same amount in fen."}
AMOUNT = {
    "type": "string",
    "minLength": 1,
    "maxLength": 30,
    "description": "An amount in yuan greater than zero, with at most two decimals, such as 12000.00; refused naming the field.",
}
UNITS = {
    **array({"type": "string", "minLength": 1, "maxLength": 100}, minItems=1, maxItems=20000),
    "description": "Unit ids as the roll names them (`<building>-<number>`), or a building's name for all its units.",
}

COMPONENTS |= {
    "FundProjectSummary": obj(
        id=STR,
        title=STR,
        scope_label=STR,
        units=INT,
        state={"type": "string", "enum": PROJECT_STATES},
        budget=YUAN,
        budget_fen=FEN,
        spent=YUAN,
        spent_fen=FEN,
        works_start=nullable(DAY),
        works_end=nullable(DAY),
        url=URL,
    ),
    "FundProject": {
        **obj(
            project=ref("FundProjectSummary"),
            community=STR,
            works=STR,
            contractor=STR,
            left=YUAN,
            left_fen=FEN,
            invoices=array(obj(date=DAY, amount=YUAN, amount_fen=FEN, voucher=STR, paid_to=STR, note=STR)),
            documents=array(obj(kind=STR, filename=STR, size=INT, sha256=STR, url=URL)),
            item=nullable(STR),
            spending_allowed=BOOL,
            spending_refusal=nullable(STR),
        ),
        "description": "A fund project with its invoices and documents. `item` is the id of the assembly item that decides it; "
        "`spending_allowed` says whether that item (passed, certified, not revoked) and the project's state allow an invoice now, "
        "and `spending_refusal` why not. Acceptance reports and other files are uploaded on the committee's pages only.",
    },
    "FundEmergency": obj(
        id=STR,
        community=STR,
        kind=STR,
        kind_label=STR,
        works=STR,
        units=array(STR),
        scope_label=STR,
        contractor=STR,
        estimate=YUAN,
        estimate_fen=FEN,
        spent=YUAN,
        spent_fen=FEN,
        state={"type": "string", "enum": EMERGENCY_STATES},
        applied_at=STAMP,
        answer_due_at=STAMP,
        decided_at=nullable(STAMP),
        reason=nullable(STR),
    ),
    "UnitAccount": obj(unit=STR, area=STR, deposits=YUAN, deposits_fen=FEN, shares=YUAN, shares_fen=FEN, balance=YUAN, balance_fen=FEN),
    "UnitStatement": obj(
        unit=STR,
        area=STR,
        deposits=array(obj(date=DAY, amount=YUAN, amount_fen=FEN, reference=STR, file=STR)),
        shares=array(
            obj(
                date=DAY,
                amount=YUAN,
                amount_fen=FEN,
                cost=YUAN,
                cost_fen=FEN,
                title=STR,
                emergency=BOOL,
            )
        ),
        deposits_total=YUAN,
        shares_total=YUAN,
        balance=YUAN,
        balance_fen=FEN,
    ),
    "FundReconciliation": obj(
        agrees=BOOL,
        deposits_fen=FEN,
        ledger_deposits_fen=FEN,
        shares_fen=FEN,
        ledger_costs_fen=FEN,
        balance_fen=FEN,
        ledger_balance_fen=FEN,
        differences=array(obj(cause=STR, amount_fen=FEN, entry=nullable(INT))),
    ),
    "FundDeadline": obj(community=STR, label=STR, due=STR, overdue=BOOL, url=URL),
}

NOTHING = {**obj(), "description": "An empty object: the action needs nothing more."}
SHORT_TEXT = {"type": "string", "maxLength": 200}

NEW_PROJECT = obj(
    ["title", "works", "contractor", "budget", "units"],
    title={"type": "string", "minLength": 1, "maxLength": 200},
    works={"type": "string", "minLength": 1, "maxLength": 5000, "description": "What will be done, in at least 10 characters."},
    contractor={"type": "string", "minLength": 1, "maxLength": 200},
    budget=AMOUNT,
    units=UNITS,
    scope_label={"type": "string", "maxLength": 100, "description": "How the pages name the scope, e.g. 3 号楼."},
    works_start=DAY,
    works_end=DAY,
)

PROJECT_SESSION = obj(session_id={"type": "string", "minLength": 1, "maxLength": 100, "description": "A draft session of the community."})

WORKS_START = obj(date=DAY)

COST = obj(
    ["date", "amount"],
    date=DAY,
    amount=AMOUNT,
    voucher={"type": "string", "maxLength": 100},
    note={"type": "string", "maxLength": 500},
)

NEW_EMERGENCY = obj(
    ["kind", "works", "units", "estimate"],
    kind={"type": "string", "minLength": 1, "maxLength": 50, "description": "One of the kinds of emergency the community's rules name."},
    works={"type": "string", "minLength": 1, "maxLength": 5000, "description": "What is damaged, what will be done."},
    units=UNITS,
    scope_label=SHORT_TEXT,
    contractor=SHORT_TEXT,
    estimate=AMOUNT,
)

EMERGENCY_DECISION = obj(
    ["decision", "code"],
    decision={"type": "string", "enum": ["confirm", "refuse"]},
    reason={"type": "string", "maxLength": 5000, "description": "Required to refuse."},
    code={"type": "string", "minLength": 1, "maxLength": 40, "description": "The current code of the official's authenticator app."},
)

# Objections to a preliminary result (RULES §6) ---------------------------------------------------------------------

OBJECTION_KINDS = [k.value for k in ObjectionKind]
OBJECTION_KIND: Schema = {
    "type": "string",
    "enum": OBJECTION_KINDS,
    "description": "not_mine: the ballot on record for my units is not mine; unit_missing: a unit of mine is missing from my "
    "entry on the roll; unit_wrong: a unit on the roll is wrongly there; weight_wrong: my area or headcount on the roll is wrong; "
    "count_wrong: the count does not follow from the ballots.",
}
OUTCOME: Schema = {
    "type": "string",
    "enum": [o.value for o in Outcome],
    "description": "What follows an upheld objection: reissue (the ballot leaves the count and the owner votes again online in a "
    "short window, with a new letter), paper (two committee members enter the owner's paper ballot in that window), rejected "
    "(the result is rejected, with an order to convene the owners again).",
}
TIMELINE_STEP_NAMES = ["closed", "preliminary", "objections_until", "decided", "rejected", "certified"]

COMPONENTS |= {
    "ObjectionWindow": {
        **obj(
            channel={"type": "string", "enum": ["online", "paper"]},
            opened_at=STAMP,
            until=STAMP,
            closed_at=nullable(STAMP),
            open=BOOL,
        ),
        "description": "The window an upheld objection opened for the voter to vote again (online, or on paper entered by two "
        "committee members); closed by their ballot or at its end.",
    },
    "Objection": {
        **obj(
            id=STR,
            community=STR,
            session=STR,
            kind=OBJECTION_KIND,
            kind_label=STR,
            status={"type": "string", "enum": [s.value for s in ObjectionStatus]},
            status_label=STR,
            units=array(STR),
            statement=STR,
            files=array(obj(filename=STR, size=INT, sha256=STR)),
            filed_at=STAMP,
            answer=nullable(STR),
            answered_at=nullable(STAMP),
            decision=nullable(STR),
            decided_at=nullable(STAMP),
            outcome=nullable(OUTCOME),
            outcome_label=nullable(STR),
            outcomes=array(OUTCOME),
            letter_reissued=BOOL,
            window=nullable(ref("ObjectionWindow")),
            order=nullable(STR),
        ),
        "description": "An owner's objection with each step: filed (with the owner's files, which are attached and read on the "
        "pages), answered by those running the session, decided by the street office (its reasons), and what followed: the "
        "voter's window to vote again, or the order after a rejected result. `outcomes` are those an upholding may choose; "
        "`letter_reissued` says the letter that cast the disputed ballot was replaced, for those running the session to print "
        "the new one. `status` is settled once an upheld objection's outcome is carried out.",
    },
    "LetterObjections": obj(
        until=nullable(STAMP),
        may_file=array(OBJECTION_KIND),
        vote_again_until=nullable(STAMP),
        objections=array(ref("Objection")),
    ),
    "ObjectionSummary": {
        **obj(
            until=nullable(STAMP),
            total=INT,
            by_kind=obj(**{kind: INT for kind in OBJECTION_KINDS}),
            upheld=INT,
            dismissed=INT,
            undecided=INT,
            timeline=array(obj(step={"type": "string", "enum": TIMELINE_STEP_NAMES}, label=STR, at=nullable(STAMP), done=BOOL)),
        ),
        "description": "How many objections of each kind and how many are decided, never who made them; and the way from the "
        "count to the final result: voting closed, preliminary result published, objections until, objections decided, "
        "certified or rejected (`at` is when it happened, or is due).",
    },
}

NEW_OBJECTION = obj(
    digits=DIGITS,
    kind=OBJECTION_KIND,
    statement={
        "type": "string",
        "minLength": 1,
        "maxLength": 2000,
        "description": "What is wrong, briefly: for example that you did not vote.",
    },
)

OBJECTION_ANSWER = obj(answer={"type": "string", "minLength": 1, "maxLength": 2000, "description": "What you found."})

OBJECTION_DECISION = obj(
    ["decision", "reasons"],
    decision={"type": "string", "enum": ["upheld", "dismissed"]},
    reasons={"type": "string", "minLength": 1, "maxLength": 5000},
    outcome={
        **OUTCOME,
        "description": "Required to uphold, one of the objection's `outcomes`; ignored when dismissed. " + OUTCOME["description"],
    },
    order_due_on={**DAY, "description": "To reject the result: the day, after today, by which the owners are convened again."},
    code={
        "type": "string",
        "maxLength": 40,
        "description": "To reject the result: the current code of the official's authenticator app, used once (a wrong one is "
        "audited and refused naming `code`).",
    },
)
