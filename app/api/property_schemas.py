"""JSON Schemas of property services: the board's service and figures, owners' requests, the company's queue and
steps, the committee's confirmation of the facts, the street office's registry, contracts, ledger, findings and the
monthly red and black lists; they join the components of ``schemas``."""

from __future__ import annotations

from ..communities.models import UnitKind
from ..domain.service_standing import Standing
from ..property_services.labels import CONTRACTOR_KIND_LABELS
from ..property_services.models import FactsState, ListState, RequestCategory, RequestState
from .schemas import BOOL, COMPONENTS, DAY, DIGITS, INT, STAMP, STR, URL, Schema, array, nullable, obj, ref

ID: Schema = {"type": "integer", "minimum": 1, "maximum": 2147483647}
CATEGORIES = [c.value for c in RequestCategory]
REQUEST_STATES = [s.value for s in RequestState]
STEPS = ["acknowledge", "on_site", "resolve"]
STEP_STATUSES = ["on_time", "late", "overdue", "pending"]
STANDINGS = [s.value for s in Standing]
MONTH: Schema = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$", "description": "A month as YYYY-MM, such as 2026-11."}
PERCENT: Schema = {"type": "string", "description": "A percentage with one decimal, such as 79.0."}

COMPONENTS |= {
    "PropertyCompany": obj(id=STR, name=STR, licence_number=STR, address=STR, contact_phone=STR),
    "ContractFee": obj(unit_kind={"type": "string", "enum": [k.value for k in UnitKind]}, yuan_per_m2_month=STR, fen_per_m2_month=INT),
    "PropertyContract": {
        **obj(
            id=STR,
            community=STR,
            company=ref("PropertyCompany"),
            starts_on=DAY,
            ends_on=DAY,
            ended_on=nullable(DAY),
            in_force=BOOL,
            scope=STR,
            fees=array(ref("ContractFee")),
        ),
        "description": "物业服务合同: the term (ended early on `ended_on`), the services covered and the fee standard per kind "
        "of unit, in yuan (and fen) per m² per month.",
    },
    "ServiceFacts": {
        **obj(
            version=INT,
            company=STR,
            state={"type": "string", "enum": [s.value for s in FactsState]},
            manager_name=STR,
            manager_phone=STR,
            contractors=array(obj(kind={"type": "string", "enum": list(CONTRACTOR_KIND_LABELS)}, kind_label=STR, name=STR, phone=STR)),
            utility_costs=array(
                obj(period=STR, total=STR, total_fen=INT, rows=array(obj(item=STR, amount=STR, fen=INT, basis=STR))),
            ),
            submitted_at=STAMP,
            decided_at=nullable(STAMP),
            return_reason=STR,
        ),
        "description": "A version of the service's facts (物业服务信息公示): the manager on duty, the contractors and the shared "
        "utility costs by month, the newest first. The company submits, the committee confirms or returns it with a reason.",
    },
    "PropertyService": {
        **obj(
            community=STR,
            company=nullable(ref("PropertyCompany")),
            contract=nullable(ref("PropertyContract")),
            facts=nullable(ref("ServiceFacts")),
            url=URL,
        ),
        "description": "The company serving the community today, its contract, and the latest facts its committee confirmed; "
        "all null when no contract is in force.",
    },
    "RequestFigures": {
        **obj(
            community=STR,
            served=BOOL,
            since=DAY,
            total=INT,
            by_category=obj(**{c: INT for c in CATEGORIES}),
            by_kind=array(obj(kind=STR, label=STR, total=INT, states=obj(**{s: INT for s in REQUEST_STATES}))),
            steps=array(
                obj(step={"type": "string", "enum": STEPS}, on_time=INT, counted=INT, percent=nullable(STR), median_seconds=nullable(INT))
            ),
            deadlines=array(obj(step={"type": "string", "enum": STEPS}, due=STAMP)),
            url=URL,
        ),
        "description": "The requests filed in the last year: counts by category, kind and state, and each step's share done "
        "on time (of those done or past their deadline) and median time from filing. Never a name or a unit. `deadlines`: "
        "each step's deadline for a request filed now, on the community's clock.",
    },
    "RequestStep": obj(
        step={"type": "string", "enum": STEPS}, due=STAMP, done=nullable(STAMP), status={"type": "string", "enum": STEP_STATUSES}
    ),
    "PropertyRequest": {
        **obj(
            id=STR,
            community=STR,
            company=STR,
            company_name=STR,
            unit=STR,
            category={"type": "string", "enum": CATEGORIES},
            kind=STR,
            kind_label=STR,
            text=STR,
            contact_phone=STR,
            state={"type": "string", "enum": REQUEST_STATES},
            state_label=STR,
            filed_at=STAMP,
            steps=array(ref("RequestStep")),
            next_due=nullable(STAMP),
            escalated=array({"type": "string", "enum": STEPS}),
            resolution=STR,
            rating=nullable(INT),
            rating_comment=STR,
            rated_at=nullable(STAMP),
            follow_up_at=nullable(STAMP),
            follow_up_note=STR,
            upheld=nullable(BOOL),
            photos=array(obj(id=INT, filename=STR, size=INT, sha256=STR)),
            events=array(obj(action=STR, at=STAMP, note=STR)),
        ),
        "description": "An owner's complaint or repair request with its unit, as the owner, the company, the committee and the "
        "street office read it (`company` is the company's id in the registry): each step's deadline (kept from the "
        "filing), when it was done and whether on time, the steps escalated, the rating, the follow-up visit and the "
        "office's judgement of a complaint (`upheld`). The photos are listed; their files are read on the pages.",
    },
    "LetterRequests": obj(
        community=STR, served=BOOL, units=array(STR), kinds=array(obj(kind=STR, label=STR)), requests=array(ref("PropertyRequest"))
    ),
    "PropertyEscalation": {
        **obj(
            id=INT,
            request=STR,
            step={"type": "string", "enum": STEPS},
            due_at=STAMP,
            escalated_at=STAMP,
            noted_by_committee_at=nullable(STAMP),
            noted_by_office_at=nullable(STAMP),
        ),
        "description": "A step the company missed, shown to the committee and the street office until each notes it.",
    },
    "StaffCompany": obj(company=ref("PropertyCompany"), communities=array(obj(slug=STR, name=STR))),
    "RegistryCompany": {
        **obj(
            id=STR,
            city=STR,
            name=STR,
            licence_number=STR,
            address=STR,
            contact_name=STR,
            contact_phone=STR,
            communities=array(obj(slug=STR, name=STR)),
            staff=array(obj(username=STR, display_name=STR)),
        ),
        "description": "A company in the city's registry, with the communities it serves today and its staff's accounts.",
    },
    "StaffCredential": {
        **obj(company=STR, username=STR, password=STR),
        "description": "The new staff account: give the initial password to the staff member now, it is never shown again.",
    },
    "SatisfactionSurvey": obj(community=STR, company=STR, year=INT, consultation=STR, closes_at=STAMP),
    "CompanyFinding": obj(id=STR, community=STR, company=STR, found_on=DAY, text=STR, recorded_at=STAMP),
    "CompanyStanding": {
        **obj(
            company=ref("PropertyCompany"),
            state={"type": "string", "enum": [s.value for s in ListState]},
            computed={"type": "string", "enum": STANDINGS},
            standing=nullable({"type": "string", "enum": STANDINGS}),
            shown={"type": "string", "enum": STANDINGS},
            reasons=array(STR),
            complaints=INT,
            units=INT,
            per_100_units=nullable(STR),
            steps_due=INT,
            steps_on_time=INT,
            on_time=nullable(PERCENT),
            satisfaction=nullable(PERCENT),
            findings=INT,
        ),
        "description": "A company's standing for a month: the figures it was computed from, the standing the rules give "
        "(`computed`), and once a street office confirms it, the standing it confirmed (`standing`) with its reasons.",
    },
    "PropertyList": obj(city=STR, month=STR, red=array(ref("CompanyStanding")), black=array(ref("CompanyStanding")), url=URL),
    "PropertyLists": obj(city=STR, months=array(STR), latest=nullable(ref("PropertyList")), url=URL),
    "MonthStandings": {
        **obj(city=STR, month=STR, waiting=INT, rows=array(ref("CompanyStanding"))),
        "description": "Every company's standing in the month, proposed or confirmed, by name; `waiting` how many await "
        "confirmation. A confirmation names each proposed row in this order.",
    },
}

# Request bodies -------------------------------------------------------------------------------------------------

UNIT = {"type": "string", "minLength": 1, "maxLength": 100, "description": "The unit as the register names it, e.g. 1-101."}
IDENTITY: dict[str, Schema] = {
    "unit": UNIT,
    "name": {"type": "string", "minLength": 1, "maxLength": 100, "description": "The owner's name as the register holds it."},
    "id_last4": {"type": "string", "minLength": 1, "maxLength": 8, "description": "The last four characters of the owner's ID number."},
}
REQUEST_FIELDS: dict[str, Schema] = {
    "category": {"type": "string", "enum": CATEGORIES},
    "kind": {"type": "string", "minLength": 1, "maxLength": 40, "description": "One of the community's kinds (`kinds`)."},
    "text": {"type": "string", "minLength": 1, "maxLength": 2000},
    "contact_phone": {"type": "string", "maxLength": 30, "description": "Where the company calls; the register's phone if left out."},
}

LETTER_REQUEST = obj(
    ["digits", "category", "kind", "text"],
    digits=DIGITS,
    unit={**UNIT, "description": "One of the letter's units (`units`), needed when the holder holds several."},
    **REQUEST_FIELDS,
)
BOARD_REQUEST = obj(["unit", "name", "id_last4", "category", "kind", "text"], **IDENTITY, **REQUEST_FIELDS)
BOARD_LOOKUP = obj(**IDENTITY)
RATING_FIELDS: dict[str, Schema] = {
    "rating": {"type": "integer", "minimum": 1, "maximum": 5, "description": "1 (very dissatisfied) to 5 (very satisfied)."},
    "comment": {"type": "string", "maxLength": 1000},
}
LETTER_RATING = obj(["digits", "rating"], digits=DIGITS, **RATING_FIELDS)
BOARD_RATING = obj(["unit", "name", "id_last4", "rating"], **IDENTITY, **RATING_FIELDS)

RESOLUTION = obj(resolution={"type": "string", "minLength": 1, "maxLength": 2000, "description": "What the company did."})
FOLLOW_UP = obj(note={"type": "string", "minLength": 1, "maxLength": 2000, "description": "What the owner said on the visit."})
JUDGEMENT = obj(upheld={**BOOL, "description": "Whether the complaint is founded: an upheld one counts toward the exit procedure."})

SHORT = {"type": "string", "maxLength": 200}
FACTS = obj(
    ["manager_name", "manager_phone"],
    manager_name={"type": "string", "minLength": 1, "maxLength": 100},
    manager_phone={"type": "string", "minLength": 1, "maxLength": 30},
    contractors={
        **array(
            obj(kind={"type": "string", "enum": list(CONTRACTOR_KIND_LABELS)}, name={"type": "string", "maxLength": 200}, phone=SHORT),
            maxItems=30,
        ),
        "description": "The contractors: what each does, its name and phone.",
    },
    utility_costs={
        **array(obj(period=MONTH, item={"type": "string", "maxLength": 100}, amount=SHORT, basis=SHORT), maxItems=100),
        "description": "The shared utility costs (公摊水电费): the month, the item, the amount in yuan (1280.50), how it is shared.",
    },
)
RETURN_FACTS = obj(reason={"type": "string", "minLength": 1, "maxLength": 2000, "description": "Why the version goes back."})
SURVEY = obj(closes_on={**DAY, "description": "The last day owners answer: after today, within 90 days."})

COMPANY = obj(
    ["name", "licence_number"],
    name={"type": "string", "minLength": 1, "maxLength": 200},
    licence_number={"type": "string", "minLength": 1, "maxLength": 18, "description": "统一社会信用代码, 18 characters."},
    address={"type": "string", "maxLength": 300},
    contact_name={"type": "string", "maxLength": 100},
    contact_phone={"type": "string", "maxLength": 30},
)
STAFF = obj(
    username={"type": "string", "minLength": 1, "maxLength": 40, "description": "3 to 40 lower-case letters, digits, . - or _."},
    display_name={"type": "string", "minLength": 1, "maxLength": 100},
)
CONTRACT = obj(
    ["company", "starts_on", "ends_on", "fees"],
    company={"type": "string", "minLength": 1, "maxLength": 24, "description": "The company's id in the city's registry."},
    starts_on=DAY,
    ends_on=DAY,
    fees={
        "type": "object",
        "propertyNames": {"enum": [k.value for k in UnitKind]},
        "additionalProperties": {"type": "string", "maxLength": 20},
        "minProperties": 1,
        "description": 'Yuan per m² per month by kind of unit, such as {"residential": "1.85"}.',
    },
    scope={"type": "string", "maxLength": 5000, "description": "The services the contract covers."},
)
END_CONTRACT = obj(ended_on=DAY)
FINDING = obj(
    text={"type": "string", "minLength": 1, "maxLength": 5000},
    found_on={**DAY, "description": "The day of the finding: today at the latest; the company serving the community then."},
)
CONFIRM_LIST = obj(
    rows={
        **array(
            obj(
                ["company", "standing"],
                company={"type": "string", "minLength": 1, "maxLength": 24},
                standing={"type": "string", "enum": STANDINGS},
                reason={"type": "string", "maxLength": 1000, "description": "Required for a standing other than the computed one."},
            ),
            maxItems=500,
        ),
        "description": "One decision per proposed row, in the order of the month's `rows`.",
    },
)
