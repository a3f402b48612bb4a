"""The street office's work, one module per duty: certification, the review, orders, disputes, the dashboard, obligations."""

from .certification import as_json, certification_of, certification_statement, decide, queue, verify_certification
from .convening import convene, convened_session, may_convene
from .dashboard import NEAR_THRESHOLD, CommunityRow, dashboard, dashboard_table, decision_days, figures
from .disputes import DisputeView, disputes_of_session, open_disputes, resolve_dispute
from .obligations import decision_obligations, obligations
from .orders import close_order, issue_order
from .review import ANOMALY_LABELS, Anomaly, anomalies, party_misses

__all__ = [
    "ANOMALY_LABELS",
    "NEAR_THRESHOLD",
    "Anomaly",
    "CommunityRow",
    "DisputeView",
    "anomalies",
    "as_json",
    "certification_of",
    "certification_statement",
    "close_order",
    "convene",
    "convened_session",
    "dashboard",
    "dashboard_table",
    "decide",
    "decision_days",
    "decision_obligations",
    "disputes_of_session",
    "figures",
    "issue_order",
    "may_convene",
    "obligations",
    "open_disputes",
    "party_misses",
    "queue",
    "resolve_dispute",
    "verify_certification",
]
