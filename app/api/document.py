"""The OpenAPI 3.1 document, built from the operations the routes registered."""

from __future__ import annotations

from typing import Any

from .spec import Operation, Registry

PROBLEM_STATUSES = {
    400: "Malformed JSON or query parameter.",
    401: "No bearer token, or an unknown or revoked one.",
    403: "The token's scope or its user's roles do not allow this, or the letter's digits did not match.",
    404: "No such resource.",
    413: "The body is larger than 64 KB.",
    415: "The body is not application/json.",
    422: "The body breaks the schema or a rule; `errors` names each field.",
    429: "Too many requests from this address.",
}

DESCRIPTION = """\
Gongzhi's owner-assembly voting and committee governance as JSON.

* Public reads need no credentials.
* An owner acts with the token printed on their voting letter (in the path) and the last four
  characters of their ID number (in the body), exactly as on the phone page.
* Committee members, street officials and property-service staff act with a bearer token they
  make in their account settings (`Authorization: Bearer gz_…`). A token has scopes (`committee`,
  `office`, `area`, `property`); what its user's roles allow still applies. Tokens can be revoked at any time; only their hash is kept.

Errors are RFC 9457 problem details (`application/problem+json`) whose `errors` member names
each offending field. Bodies are limited to 64 KB.
"""


def _statuses(op: Operation) -> set[int]:
    out = set(op.errors)
    if op.body is not None:
        out |= {400, 413, 415, 422}
    if op.path_params:
        out.add(404)
    if op.query:
        out.add(400)
    if op.auth not in (None, "letter"):
        out |= {401, 403}
    if op.optional_auth:
        out.add(401)
    return out


def _operation(op: Operation) -> dict[str, Any]:
    parameters = [{"name": name, "in": "path", "required": True, "schema": schema} for name, schema in op.path_params.items()] + [
        {"name": name, "in": "query", "required": False, "schema": schema} for name, schema in op.query.items()
    ]
    doc: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "responses": {
            str(op.status): {"description": "Success.", "content": {"application/json": {"schema": op.response}}},
            **{
                str(status): {
                    "description": PROBLEM_STATUSES[status],
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                }
                for status in sorted(_statuses(op))
            },
        },
    }
    if op.description:
        doc["description"] = op.description
    if parameters:
        doc["parameters"] = parameters
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.body}}}
    if op.auth not in (None, "letter"):
        doc["security"] = [{"bearer": []}]
        needed = " or ".join(f"`{scope}`" for scope in op.auth.split())
        doc["description"] = (doc.get("description", "") + f"\n\nNeeds a token with the {needed} scope.").strip()
    if op.optional_auth:
        doc["security"] = [{}, {"bearer": []}]
        doc["description"] = (doc.get("description", "") + f"\n\nA token with the `{op.optional_auth}` scope is optional.").strip()
    if op.location:
        success = doc["responses"][str(op.status)]
        success["headers"] = {"Location": {"description": op.location, "required": True, "schema": {"type": "string"}}}
    return doc


def build(registry: Registry, *, server: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for op in registry.operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Gongzhi API", "version": "1.0.0", "description": DESCRIPTION},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "schemas": registry.components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A token from your account settings."}},
        },
        "tags": [
            {"name": "public", "description": "Anyone may read these."},
            {"name": "owners", "description": "An owner with their voting letter."},
            {"name": "committee", "description": "Committee members, with a token of the committee scope."},
            {"name": "office", "description": "Street officials, with a token of the office scope."},
            {"name": "area", "description": "District and city officials, with a token of the area scope: they read."},
            {"name": "property", "description": "A property-service company's staff, with a token of the property scope."},
        ],
    }
