"""/api/v1: the public reads, an owner's ballot with their letter, and officials' actions with bearer tokens.

Each view is a thin adapter over the same services as the pages: it looks up,
calls the service, and shapes JSON. Authorisation stays in the services, with
the token's actor; the token's scope only narrows what that actor may do here.
One module per audience registers its operations on ``bp``.
"""

from __future__ import annotations

from flask import request
from werkzeug.wrappers import Response

from . import (  # noqa: F401  their operations register on ``bp``
    areas,
    committee,
    conduct,
    consultations,
    fund,
    meetings,
    objections,
    office,
    owners,
    property_office,
    property_public,
    property_work,
    public,
    record,
    reviews,
)
from .document import build
from .operations import bp, json_response, registry

__all__ = ["bp"]


@bp.get("/openapi.json")
def openapi_document() -> Response:
    response = json_response(build(registry, server=request.host_url.rstrip("/") + (bp.url_prefix or "")))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
