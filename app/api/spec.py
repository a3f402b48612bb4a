"""The API's operations as data: each route registers its schemas here, and the OpenAPI document is built from them.

Request bodies and query strings are checked against the same JSON Schemas the
document publishes, by a small validator for the keywords those schemas use,
so the document and the checks cannot drift apart and every error names its field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

Schema = dict[str, Any]

# Keywords the validator understands; a schema using any other is refused when registered (see check_keywords).
KEYWORDS = frozenset(
    {
        "type",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minLength",
        "maxLength",
        "pattern",
        "enum",
        "minimum",
        "maximum",
        "format",
        "anyOf",
        "$ref",
        "description",
        "examples",
        "title",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "const",
    }
)
ANNOTATIONS = frozenset({"description", "examples", "title"})


@dataclass(frozen=True)
class FieldError:
    field: str  # dotted, as people read it: choices.12
    detail: str

    @property
    def pointer(self) -> str:
        # RFC 6901, the form RFC 9457's examples use for a body member.
        parts = [p.replace("~", "~0").replace("/", "~1") for p in self.field.split(".")] if self.field else []
        return "#/" + "/".join(parts)


@dataclass
class Operation:
    method: str
    path: str  # OpenAPI form: /sessions/{session_id}
    operation_id: str
    summary: str
    tag: str
    response: Schema
    status: int = 200
    body: Schema | None = None
    query: dict[str, Schema] = field(default_factory=dict)
    path_params: dict[str, Schema] = field(default_factory=dict)
    auth: str | None = None  # None, "letter", or a token scope
    errors: tuple[int, ...] = ()
    description: str = ""


class Registry:
    def __init__(self, components: dict[str, Schema]) -> None:
        self.operations: list[Operation] = []
        self.components = components

    def add(self, op: Operation) -> None:
        for schema in [op.response, op.body, *op.query.values(), *op.path_params.values()]:
            if schema is not None:
                check_keywords(schema)
        self.operations.append(op)

    def resolve(self, schema: Schema) -> Schema:
        ref = schema.get("$ref")
        if ref is None:
            return schema
        return self.resolve(self.components[ref.removeprefix("#/components/schemas/")])


def check_keywords(schema: Any) -> None:
    """Refuse a schema the validator would silently half-check."""
    if isinstance(schema, dict):
        unknown = set(schema) - KEYWORDS
        if unknown:
            raise ValueError(f"unsupported JSON Schema keywords: {sorted(unknown)}")
        for key, value in schema.items():
            if key == "properties":
                for sub in value.values():
                    check_keywords(sub)
            elif key in {"items", "additionalProperties", "propertyNames"} and isinstance(value, dict):
                check_keywords(value)
            elif key == "anyOf":
                for sub in value:
                    check_keywords(sub)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
_TYPE_NAMES = {
    "object": _l("an object"),
    "array": _l("a list"),
    "string": _l("a string"),
    "integer": _l("a whole number"),
    "number": _l("a number"),
    "boolean": _l("true or false"),
    "null": _l("null"),
}


def _format_ok(fmt: str, value: str) -> bool:
    try:
        if fmt == "date":
            date.fromisoformat(value)
            return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))
        if fmt == "date-time":
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed.tzinfo is not None and "T" in value.upper()
    except ValueError:
        return False
    return True


def validate(schema: Schema, value: Any, registry: Registry | None = None, path: str = "") -> list[FieldError]:
    """Every way ``value`` breaks ``schema``, each naming its field; [] when it conforms."""
    if "$ref" in schema and registry is not None:
        return validate(registry.resolve(schema), value, registry, path)
    name = path or str(_l("the body"))
    types = schema.get("type")
    if types is not None:
        wanted = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](value) for t in wanted):
            return [
                FieldError(path, str(_l("%(field)s must be %(type)s.", field=name, type=" / ".join(str(_TYPE_NAMES[t]) for t in wanted))))
            ]
    if "anyOf" in schema and all(validate(sub, value, registry, path) for sub in schema["anyOf"]):
        return [FieldError(path, str(_l("%(field)s is not one of the accepted forms.", field=name)))]
    if "const" in schema and value != schema["const"]:
        return [FieldError(path, str(_l("%(field)s must be %(value)s.", field=name, value=schema["const"])))]
    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join(str(v) for v in schema["enum"])
        return [FieldError(path, str(_l("%(field)s must be one of: %(choices)s.", field=name, choices=choices)))]
    errors: list[FieldError] = []
    if isinstance(value, str):
        if "\x00" in value:
            # JSON Schema allows it, but no text means it, and PostgreSQL refuses it in a text column.
            errors.append(FieldError(path, str(_l("%(field)s contains a NUL character.", field=name))))
        if len(value) < schema.get("minLength", 0):
            errors.append(
                FieldError(path, str(_l("%(field)s is required.", field=name) if not value else _l("%(field)s is too short.", field=name)))
            )
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(FieldError(path, str(_l("%(field)s is longer than %(n)d characters.", field=name, n=schema["maxLength"]))))
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(FieldError(path, str(_l("%(field)s is not in the expected form.", field=name))))
        if "format" in schema and not _format_ok(schema["format"], value):
            errors.append(
                FieldError(path, str(_l("%(field)s must be a %(format)s in ISO 8601 form.", field=name, format=schema["format"])))
            )
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(FieldError(path, str(_l("%(field)s must be at least %(n)s.", field=name, n=schema["minimum"]))))
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(FieldError(path, str(_l("%(field)s must be at most %(n)s.", field=name, n=schema["maximum"]))))
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(FieldError(path, str(_l("%(field)s needs at least %(n)d entries.", field=name, n=schema["minItems"]))))
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(FieldError(path, str(_l("%(field)s has more than %(n)d entries.", field=name, n=schema["maxItems"]))))
        if schema.get("uniqueItems") and len({repr(v) for v in value}) != len(value):
            errors.append(FieldError(path, str(_l("%(field)s lists an entry twice.", field=name))))
        if "items" in schema:
            for i, item in enumerate(value):
                errors += validate(schema["items"], item, registry, f"{path}.{i}" if path else str(i))
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                sub = f"{path}.{key}" if path else key
                errors.append(FieldError(sub, str(_l("%(field)s is required.", field=sub))))
        if "maxProperties" in schema and len(value) > schema["maxProperties"]:
            errors.append(FieldError(path, str(_l("%(field)s has more than %(n)d entries.", field=name, n=schema["maxProperties"]))))
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            sub = f"{path}.{key}" if path else key
            if key in props:
                errors += validate(props[key], item, registry, sub)
            elif extra is False:
                errors.append(FieldError(sub, str(_l("%(field)s is not a field of this request.", field=sub))))
            elif isinstance(extra, dict):
                if "propertyNames" in schema:
                    errors += [FieldError(sub, e.detail) for e in validate(schema["propertyNames"], key, registry, sub)]
                errors += validate(extra, item, registry, sub)
    return errors


def openapi_path(flask_rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", flask_rule)


def flask_rule(openapi: str) -> str:
    return re.sub(r"\{([a-z_]+)\}", r"<\1>", openapi)
