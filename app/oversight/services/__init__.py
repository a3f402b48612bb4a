"""The street office's work, one module per duty: certification, the review, orders, objections, the dashboard, obligations."""

from .area_figures import AreaReport, CommunityFigures, city_report, district_report, figures_json, office_report, report_table
from .certification import as_json, certification_of, certification_statement, decide, queue, verify_certification
from .convening import convene, convened_session, may_convene
from .dashboard import NEAR_THRESHOLD, CommunityRow, dashboard, dashboard_table, decision_days, figures
from .objections import Decided, decide_objection, objections_to_decide
from .obligations import decision_obligations, obligations
from .orders import close_order, issue_order
from .review import ANOMALY_LABELS, Anomaly, anomalies, party_misses

__all__ = [
    "ANOMALY_LABELS",
    "NEAR_THRESHOLD",
    "Anomaly",
    "AreaReport",
    "CommunityFigures",
    "CommunityRow",
    "Decided",
    "anomalies",
    "as_json",
    "certification_of",
    "certification_statement",
    "city_report",
    "close_order",
    "convene",
    "convened_session",
    "dashboard",
    "dashboard_table",
    "decide",
    "decide_objection",
    "decision_days",
    "decision_obligations",
    "district_report",
    "figures",
    "figures_json",
    "issue_order",
    "may_convene",
    "objections_to_decide",
    "obligations",
    "office_report",
    "party_misses",
    "queue",
    "report_table",
    "verify_certification",
]
