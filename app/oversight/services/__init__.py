"""The street office's work, one module per duty: certification, the review, orders, objections, the dashboard, obligations."""

from .area_figures import AreaReport, CommunityFigures, city_report, district_report, figures_json, office_report, report_table
from .audits import SCOPE_LABELS, add_audit_finding, audit_of, audit_text, order_from_finding, publish_audit, save_audit
from .certification import as_json, certification_of, certification_statement, decide, queue, verify_certification
from .convening import convene, convened_session, may_convene
from .dashboard import NEAR_THRESHOLD, CommunityRow, dashboard, dashboard_table, decision_days, figures
from .findings import (
    decide_finding,
    finding_by_public_id,
    findings_in,
    findings_of,
    mask_personal,
    negative_entries,
    record_finding,
    seated_members,
    summarise_evidence,
)
from .objections import Decided, decide_objection, objections_to_decide
from .obligations import decision_obligations, obligations
from .orders import close_order, issue_order, order_in
from .review import ANOMALY_LABELS, Anomaly, anomalies, party_misses

__all__ = [
    "ANOMALY_LABELS",
    "NEAR_THRESHOLD",
    "SCOPE_LABELS",
    "Anomaly",
    "AreaReport",
    "CommunityFigures",
    "CommunityRow",
    "Decided",
    "add_audit_finding",
    "anomalies",
    "as_json",
    "audit_of",
    "audit_text",
    "certification_of",
    "certification_statement",
    "city_report",
    "close_order",
    "convene",
    "convened_session",
    "dashboard",
    "dashboard_table",
    "decide",
    "decide_finding",
    "decide_objection",
    "decision_days",
    "decision_obligations",
    "district_report",
    "figures",
    "figures_json",
    "finding_by_public_id",
    "findings_in",
    "findings_of",
    "issue_order",
    "mask_personal",
    "may_convene",
    "negative_entries",
    "objections_to_decide",
    "obligations",
    "office_report",
    "order_from_finding",
    "order_in",
    "party_misses",
    "publish_audit",
    "queue",
    "record_finding",
    "report_table",
    "save_audit",
    "seated_members",
    "summarise_evidence",
    "verify_certification",
]
