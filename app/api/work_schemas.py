"""JSON Schemas of the committee's work (meetings, motions, minutes, decisions), consultations, and the street office's
negative-list findings and term-end audits; they join the components of ``schemas``."""

from __future__ import annotations

from ..elections.models import AUDIT_SCOPE
from .schemas import BOOL, CHOICE, COMPONENTS, DAY, DIGITS, INT, STAMP, STR, URL, Schema, array, nullable, obj, ref

ID: Schema = {"type": "integer", "minimum": 1, "maximum": 2147483647}
MEETING_STATES = ["requested", "convened", "closed"]
MOTION_STATES = ["open", "passed", "failed"]
CONSULTATION_STATES = ["draft", "open", "closed"]
FINDING_OUTCOMES = ["standing", "removed", "lifted"]

COMPONENTS |= {
    "Seat": obj(id=INT, name=STR, role=STR, suspended=BOOL, present=nullable(BOOL)),
    "MotionVote": {
        **obj(
            id=INT,
            member=INT,
            choice=CHOICE,
            how={"type": "string", "enum": ["online", "paper"]},
            counts=BOOL,
            paper_reference=STR,
            entered_by=nullable(INT),
            confirmed_by=nullable(INT),
        ),
        "description": "One member's vote (`member` is the seat's id): in the app, or from the paper record, which counts once "
        "a second member confirms it.",
    },
    "Motion": {
        **obj(
            id=STR,
            meeting=STR,
            number=INT,
            title=STR,
            text=STR,
            state={"type": "string", "enum": MOTION_STATES},
            seats=INT,
            agree=INT,
            disagree=INT,
            abstain=INT,
            needed=INT,
            decided_at=nullable(STAMP),
            revoked=BOOL,
            consultation=nullable(STR),
            decision_notice=nullable(STR),
            votes=array(ref("MotionVote")),
        ),
        "description": "RULES §5: a motion passes with more than half of ALL seats agreeing (`needed`), vacancies and absentees "
        "included; the live count while open, the fixed one once decided.",
    },
    "Minutes": obj(
        id=STR,
        version=INT,
        state={"type": "string", "enum": ["draft", "confirmed"]},
        supersedes=nullable(STR),
        record={**STR, "description": "Markdown drafted from the meeting's record: time, place, attendance, each motion's votes."},
        notes=STR,
        created_at=STAMP,
        confirmed_at=nullable(STAMP),
        signed_by=array(INT),
    ),
    "Meeting": {
        **obj(
            id=STR,
            community=STR,
            title=STR,
            agenda=STR,
            place=STR,
            starts_at=STAMP,
            state={"type": "string", "enum": MEETING_STATES},
            convened_at=nullable(STAMP),
            closed_at=nullable(STAMP),
            requests=INT,
            requests_needed=INT,
            seats=array(ref("Seat")),
            motions=array(ref("Motion")),
            minutes=array(ref("Minutes")),
        ),
        "description": "A meeting as its committee reads it: the seats with the roll (`present` null until taken), the "
        "members' requests to convene it, its motions with each vote, and every version of its minutes, newest first.",
    },
    "MeetingSummary": obj(id=STR, title=STR, place=STR, starts_at=STAMP),
    "HeldMeetingSummary": obj(id=STR, title=STR, place=STR, starts_at=STAMP, version=INT, confirmed_at=STAMP, url=URL),
    "MeetingRecord": obj(
        upcoming=array(ref("MeetingSummary")),
        held=array(ref("HeldMeetingSummary")),
    ),
    "HeldMeeting": obj(
        id=STR,
        community=STR,
        title=STR,
        place=STR,
        starts_at=STAMP,
        versions=array(obj(id=STR, version=INT, record=STR, notes=STR, confirmed_at=STAMP)),
        url=URL,
    ),
    "Decision": {
        **obj(
            id=STR,
            title=STR,
            text=STR,
            meeting=STR,
            decided_at=STAMP,
            seats=INT,
            agree=INT,
            disagree=INT,
            abstain=INT,
            notice=STR,
            published_at=nullable(STAMP),
            due=DAY,
            late=BOOL,
            revoked=BOOL,
            revoked_at=nullable(STAMP),
            consultation=nullable(STR),
            order=nullable(STR),
            order_notice=nullable(STR),
        ),
        "description": "A published decision of the committee (`id` is its motion's): revoked by the street office's order "
        "`order` (its notice `order_notice`) when `revoked`.",
    },
    "ConsultationOption": obj(id=INT, position=INT, label=STR),
    "Consultation": {
        **obj(
            id=STR,
            community=STR,
            title=STR,
            description=STR,
            state={"type": "string", "enum": CONSULTATION_STATES},
            opens_at=nullable(STAMP),
            closes_at=STAMP,
            closing_day=DAY,
            closed_at=nullable(STAMP),
            options=array(ref("ConsultationOption")),
            participation=obj(
                heads=INT, area=STR, roll_heads=INT, roll_area=STR, heads_percent=STR, area_percent=STR, roll_sha256=nullable(STR)
            ),
            counts=nullable(array(obj(option=INT, label=STR, heads=INT, area=STR))),
            announcement=nullable(STR),
            summary_notice=nullable(STR),
            url=nullable(URL),
        ),
        "description": "意见征询: the question, its options and last day, and how many voters of the roll kept at its opening "
        "answered, by headcount and area; `counts` by option only once it is closed (null before). Never who answered what.",
    },
    "ConsultationAnswer": obj(consultation=STR, option=ref("ConsultationOption")),
    "LetterConsultation": obj(consultation=ref("Consultation"), may_answer=BOOL, answered=BOOL),
    "Finding": {
        **obj(
            id=STR,
            community=STR,
            member=STR,
            entry=STR,
            entry_label=STR,
            found_on=DAY,
            evidence_summary=STR,
            outcome={"type": "string", "enum": FINDING_OUTCOMES},
            outcome_note=STR,
            decided_at=nullable(STAMP),
            notice=nullable(STR),
            outcome_notice=nullable(STR),
        ),
        "description": "A negative-list finding as the board shows it: the member, the entry, the evidence's summary with ID "
        "and phone numbers masked (never the files), and how it ended: removed by the assembly, or lifted.",
    },
    "TermAudit": {
        **obj(
            id=STR,
            community=STR,
            term_start=DAY,
            term_end=DAY,
            auditor=STR,
            covered=obj(**{part: BOOL for part in AUDIT_SCOPE}),
            findings=array(obj(id=INT, text=STR, order=nullable(STR))),
            state={"type": "string", "enum": ["draft", "published"]},
            report=nullable(obj(filename=STR, size=INT, sha256=STR)),
            published_at=nullable(STAMP),
            notice=nullable(STR),
        ),
        "description": "The outgoing committee's term-end audit: who audited, what it covered, its findings (each with the "
        "order to rectify made from it), and the report; published, it is on the board and the next committee may be seated.",
    },
}

# Request bodies -------------------------------------------------------------------------------------------------

MEMBER_ID = {**ID, "description": "A seat's id, as the meeting's `seats` list them."}

NEW_MEETING = obj(
    title={"type": "string", "minLength": 1, "maxLength": 200},
    agenda={"type": "string", "minLength": 1, "maxLength": 20000},
    place={"type": "string", "minLength": 1, "maxLength": 200},
    starts_at=STAMP,
)

ATTENDANCE = obj(membership_id=MEMBER_ID, present=BOOL)

NEW_MOTION = obj(
    ["text"],
    text={"type": "string", "minLength": 1, "maxLength": 5000},
    consultation={
        "type": "string",
        "maxLength": 100,
        "description": "Optional: the id of the owners' consultation the motion follows; its decision notice links it.",
    },
)

VOTE = obj(choice=CHOICE)

PAPER_VOTE = obj(
    membership_id=MEMBER_ID,
    choice=CHOICE,
    paper_reference={"type": "string", "minLength": 1, "maxLength": 100, "description": "The paper record's page or number."},
)

MINUTES_DRAFT = obj([], notes={"type": "string", "maxLength": 20000, "description": "The drafter's notes of the discussion."})

MINUTES_CORRECTION = obj(notes={"type": "string", "minLength": 1, "maxLength": 20000, "description": "What changes, and why."})

NEW_CONSULTATION = obj(
    ["title", "options", "closes_on"],
    title={"type": "string", "minLength": 1, "maxLength": 200},
    description={"type": "string", "maxLength": 5000},
    options={**array({"type": "string", "maxLength": 200}, minItems=2, maxItems=10), "description": "Two to ten options."},
    closes_on={**DAY, "description": "The last day owners answer, after today (Beijing time)."},
)

OPTION = {**ID, "description": "One of the consultation's `options`, by id."}

LETTER_ANSWER = obj(digits=DIGITS, option=OPTION)

BOARD_ANSWER = obj(
    option=OPTION,
    unit={"type": "string", "minLength": 1, "maxLength": 100, "description": "The unit as the register names it, e.g. 1-101."},
    name={"type": "string", "minLength": 1, "maxLength": 100, "description": "The owner's name as the register holds it."},
    id_last4={"type": "string", "minLength": 1, "maxLength": 8, "description": "The last four characters of the owner's ID number."},
)

NEW_FINDING = obj(
    membership_id={**ID, "description": "The seat of the member, as the community's committee lists its members."},
    code={"type": "string", "minLength": 1, "maxLength": 40, "description": "An entry of the community's negative list."},
    evidence={"type": "string", "minLength": 1, "maxLength": 5000},
    found_on=DAY,
)

FINDING_OUTCOME = obj(
    ["outcome"],
    outcome={"type": "string", "enum": ["removed", "lifted"]},
    note={"type": "string", "maxLength": 2000, "description": "Required to lift: why; the board shows it."},
    item_id={**ID, "description": "To record a removal: the certified assembly item that removed the member."},
)

AUDIT_DRAFT = obj(
    ["covered"],
    auditor={"type": "string", "maxLength": 200, "description": "The auditor firm; empty or left out: the street office itself."},
    covered={**array({"type": "string", "enum": list(AUDIT_SCOPE)}, uniqueItems=True), "description": "The parts the audit covered."},
)

AUDIT_FINDING = obj(text={"type": "string", "minLength": 1, "maxLength": 2000})

# The street office's yearly review (考核) ------------------------------------------------------------------------

GRADES = ["excellent", "good", "pass", "fail"]
MEASURED_FIELDS = [
    "meetings_held",
    "meetings_expected",
    "decisions_due",
    "decisions_on_time",
    "statements_due",
    "statements_on_time",
    "orders_issued",
    "orders_complied",
    "consultations_held",
    "findings",
]
POINTS: Schema = {"type": "string", "description": "Points with at most two decimals, never rounded up past what was earned."}

COMPONENTS |= {
    "YearlyReview": {
        **obj(
            id=nullable(STR),
            community=STR,
            committee=INT,
            term_start=DAY,
            term_end=DAY,
            year=INT,
            measured=obj(**{name: INT for name in MEASURED_FIELDS}),
            parts=array(obj(code=STR, label=STR, points=INT, score=POINTS, measured=BOOL)),
            office_marks=INT,
            remarks=STR,
            commended=BOOL,
            total=POINTS,
            grade={"type": "string", "enum": GRADES},
            grade_label=STR,
            published_at=nullable(STAMP),
            notice=nullable(STR),
        ),
        "description": "A committee's yearly review card: what the record measured over the year (frozen when published, else "
        "as it stands today), each part's points, the street office's marks (0–20), remarks and commendation, the total and "
        "grade. `committee` is the committee's id, which the office's save and publish name.",
    },
    "RankedReview": obj(place=INT, review=ref("YearlyReview")),
}

REVIEW_MARKS = obj(
    ["marks"],
    marks={"type": "integer", "minimum": 0, "maximum": 20, "description": "The street office's marks, 0 to 20."},
    remarks={"type": "string", "maxLength": 5000},
    commended={"type": "boolean", "description": "表彰: only a committee graded excellent (90 points or more)."},
)
