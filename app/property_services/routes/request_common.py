"""What the requests' pages share: the labels in their templates, the panels they give other pages, the private
responses, the uploads and the refusals under their fields."""

from __future__ import annotations

from datetime import date

from flask import current_app, flash, request, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...clock import today_in_china
from ...communities.models import Community
from ...db import utcnow
from ...domain.errors import RuleViolation
from ...domain.id_digits import MAX_ATTEMPTS
from ...notices.services import stored_file_response
from ...security.permissions import (
    can_judge_service,
    can_watch_service,
)
from ...security.web import current_actor
from .. import labels
from ..forms.requests import (
    BoardRequestForm,
    RequestForm,
)
from ..services import request_filing as filing
from ..services import request_ledger as reading
from ..services import requests as steps
from ..services.common import complaint_kinds
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def letter_limit() -> str:
    """Filing is limited as letters and board petitions are: per address, the deployment's letter rate."""
    return current_app.config["LETTER_RATE_LIMIT"]


@bp.context_processor
def _request_labels() -> dict[str, object]:
    return {
        "request_kind_label": labels.request_kind_label,
        "request_category_label": labels.request_category_label,
        "request_state_label": labels.request_state_label,
        "request_step_label": labels.request_step_label,
        "step_status_label": labels.step_status_label,
        "request_event_label": labels.request_event_label,
        "duration_text": reading.duration_text,
        "time_left_text": reading.time_left_text,
        "open_states": steps.OPEN_STATES,
        "max_attempts": MAX_ATTEMPTS,
    }


@bp.app_template_global()
def request_watch(community: Community) -> tuple[str, int] | None:
    """The community's administration page: where the reader follows its requests (the office's ledger review or the
    committee's page) and how many escalations they have not noted; None for a reader who may not."""
    actor = current_actor()
    if can_judge_service(actor, community):
        return url_for("property.office_requests", community_id=community.id), reading.open_escalations(community.id, side="office")
    if can_watch_service(actor, community):
        return url_for("property.committee_requests", community_id=community.id), reading.open_escalations(community.id, side="committee")
    return None


@bp.app_template_global()
def office_request_escalations(street_office_id: int) -> list[tuple[Community, int]]:
    """The office's dashboard: its communities with escalations it has not noted, and how many."""
    return reading.open_escalations_of_office(street_office_id)


def private(page: str | Response) -> Response:
    """A page that names an owner's unit or holds their letter: no cache keeps it."""
    response = page if isinstance(page, Response) else current_app.response_class(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def photo_response(sha256: str, content_type: str, filename: str) -> Response:
    response = stored_file_response(sha256, content_type, filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def uploads(field: str = "photos") -> list[filing.Photo]:
    files: list[FileStorage] = [f for f in request.files.getlist(field) if f and f.filename]
    return [filing.Photo(f.filename or "photo", f.read()) for f in files]


def field_error(form: object, exc: RuleViolation) -> None:
    """A refusal goes under the field it names (``photos[2]``: the third photo), others above the form."""
    name, _sep, index = exc.field.partition("[")
    field = getattr(form, name, None)
    if field is None or not hasattr(field, "errors"):
        flash(exc.reason, "error")
        return
    reason = exc.reason
    if index:
        reason = _("Photo %(num)d: %(reason)s", num=int(index.rstrip("]")) + 1, reason=exc.reason)
    field.errors = [*field.errors, reason]


def kind_choices(form: RequestForm | BoardRequestForm, community: Community) -> None:
    form.kind.choices = [
        SelectChoice("", _("Choose…")),
        *(SelectChoice(k, labels.request_kind_label(k)) for k in complaint_kinds(community)),
    ]


def today() -> date:
    return today_in_china(utcnow())
