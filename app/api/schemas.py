"""JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every API body and response."""

from __future__ import annotations

from typing import Any

from ..domain.figures import FIGURE_NAMES
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
    "Member": obj(name=STR, role={"type": "string", "enum": ["chair", "vice_chair", "member", "alternate"]}, suspended=BOOL),
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
    kind={"type": "string", "enum": ["rectify", "convene"]},
    subject={"type": "string", "minLength": 1, "maxLength": 150},
    body={"type": "string", "minLength": 1, "maxLength": 20000},
    due_on=DAY,
)
