"""The API's operations as data: each route registers its schemas here, and the OpenAPI document is built from them.

Request bodies and query strings are checked against the same JSON Schemas the
document publishes, by ``jsonschema_rs`` (Draft 2020-12, OpenAPI 3.1's dialect),
so the document and the checks cannot drift apart; each of its errors is put in
words that name the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs
from flask_babel import lazy_gettext as _l

Schema = dict[str, Any]

# Keywords whose errors have words of their own; a schema using any other is refused when registered (see check_keywords).
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
    # A public read that a token of this scope may also make, seeing more (a committee's own drafts).
    optional_auth: str | None = None
    # What the Location header of the success answer points at, when it sends one.
    location: str = ""


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
    """Refuse a schema using a keyword whose errors have no words of their own here."""
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


_TYPE_NAMES = {
    "object": _l("an object"),
    "array": _l("a list"),
    "string": _l("a string"),
    "integer": _l("a whole number"),
    "number": _l("a number"),
    "boolean": _l("true or false"),
    "null": _l("null"),
}

# Compiled once per schema: compiling costs far more than validating. Keyed by identity, holding the schema alive
# so its id is never reused; the schemas are module constants and registered operations, a bounded set.
_compiled: dict[tuple[int, int], tuple[Schema, Registry | None, jsonschema_rs.Draft202012Validator, Schema]] = {}


def _validator(schema: Schema, registry: Registry | None) -> tuple[jsonschema_rs.Draft202012Validator, Schema]:
    key = (id(schema), id(registry))
    entry = _compiled.get(key)
    if entry is None or entry[0] is not schema or entry[1] is not registry:
        # The components sit beside the schema, where its "#/components/schemas/…" references point.
        root = {**schema, "components": {"schemas": registry.components}} if registry is not None else schema
        entry = (schema, registry, jsonschema_rs.Draft202012Validator(root, validate_formats=True), root)
        _compiled[key] = entry
    return entry[2], entry[3]


def _at(root: Any, schema_path: list[str | int]) -> Any:
    """What a path points at: the keyword an error names, as the schema spells it, or the member of a value."""
    node: Any = root
    for part in schema_path:
        node = node[part]
    return node


def _join(path: str, key: str | int) -> str:
    return f"{path}.{key}" if path else str(key)


def _field_errors(error: jsonschema_rs.ValidationError, root: Schema, value: Any, path: str, at: str | None = None) -> list[FieldError]:
    """The library's error in the words people read, naming the field it concerns (``at``, when that is a key)."""
    kind = error.kind
    prefix = [path] if path else []
    where = at if at is not None else ".".join([*prefix, *map(str, error.instance_path)])
    name = where or str(_l("the body"))
    if isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
        wanted = _at(root, error.schema_path)
        wanted = [wanted] if isinstance(wanted, str) else wanted
        detail = _l("%(field)s must be %(type)s.", field=name, type=" / ".join(str(_TYPE_NAMES[t]) for t in wanted))
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Required):
        sub = _join(where, kind.property)
        return [FieldError(sub, str(_l("%(field)s is required.", field=sub)))]
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties) or (
        isinstance(kind, jsonschema_rs.ValidationErrorKind.FalseSchema) and error.schema_path[-1:] == ["additionalProperties"]
    ):
        # With no "properties" beside it, the library reports the first unexpected member only, and at the object.
        unexpected = (
            kind.unexpected
            if isinstance(kind, jsonschema_rs.ValidationErrorKind.AdditionalProperties)
            else list(_at(value, error.instance_path))
        )
        subs = [_join(where, key) for key in unexpected]
        return [FieldError(sub, str(_l("%(field)s is not a field of this request.", field=sub))) for sub in subs]
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.PropertyNames):
        # The key is the field at fault, and what is wrong with it is what is wrong with the key as a string.
        inner = kind.error
        sub = _join(where, str(inner.instance))
        return _field_errors(inner, root, value, path, at=sub)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.AnyOf):
        detail = _l("%(field)s is not one of the accepted forms.", field=name)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Constant):
        detail = _l("%(field)s must be %(value)s.", field=name, value=kind.expected_value)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Enum):
        choices = ", ".join(str(v) for v in _at(root, error.schema_path))
        detail = _l("%(field)s must be one of: %(choices)s.", field=name, choices=choices)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.MinLength):
        detail = _l("%(field)s is required.", field=name) if error.instance == "" else _l("%(field)s is too short.", field=name)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.MaxLength):
        detail = _l("%(field)s is longer than %(n)d characters.", field=name, n=kind.limit)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Format):
        detail = _l("%(field)s must be a %(format)s in ISO 8601 form.", field=name, format=kind.format)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Minimum):
        detail = _l("%(field)s must be at least %(n)s.", field=name, n=kind.limit)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Maximum):
        detail = _l("%(field)s must be at most %(n)s.", field=name, n=kind.limit)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.MinItems | jsonschema_rs.ValidationErrorKind.MinProperties):
        detail = _l("%(field)s needs at least %(n)d entries.", field=name, n=kind.limit)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.MaxItems | jsonschema_rs.ValidationErrorKind.MaxProperties):
        detail = _l("%(field)s has more than %(n)d entries.", field=name, n=kind.limit)
    elif isinstance(kind, jsonschema_rs.ValidationErrorKind.UniqueItems):
        detail = _l("%(field)s lists an entry twice.", field=name)
    else:  # "pattern", and any keyword check_keywords admits without a message of its own
        detail = _l("%(field)s is not in the expected form.", field=name)
    return [FieldError(where, str(detail))]


def _nul_errors(value: Any, path: str) -> list[FieldError]:
    # JSON Schema allows NUL, but no text means it, and PostgreSQL refuses it in a text column.
    if isinstance(value, str):
        return [FieldError(path, str(_l("%(field)s contains a NUL character.", field=path or _l("the body"))))] if "\x00" in value else []
    errors: list[FieldError] = []
    if isinstance(value, dict):
        for key, item in value.items():
            errors += _nul_errors(key, _join(path, key)) + _nul_errors(item, _join(path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            errors += _nul_errors(item, _join(path, index))
    return errors


def validate(schema: Schema, value: Any, registry: Registry | None = None, path: str = "") -> list[FieldError]:
    """Every way ``value`` breaks ``schema`` (JSON Schema 2020-12, formats asserted), each naming its field; [] when it conforms.

    ``path`` names the value itself, as a query parameter's name does.
    """
    validator, root = _validator(schema, registry)
    errors = _nul_errors(value, path)
    if validator.is_valid(value):
        return errors
    found = list(validator.iter_errors(value))
    # A value of the wrong type is only that: its other keywords' complaints would restate it.
    mistyped = {tuple(e.instance_path) for e in found if isinstance(e.kind, jsonschema_rs.ValidationErrorKind.Type)}
    for error in found:
        if tuple(error.instance_path) in mistyped and not isinstance(error.kind, jsonschema_rs.ValidationErrorKind.Type):
            continue
        errors += _field_errors(error, root, value, path)
    return errors


def openapi_path(flask_rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", flask_rule)


def flask_rule(openapi: str) -> str:
    return re.sub(r"\{([a-z_]+)\}", r"<\1>", openapi)
