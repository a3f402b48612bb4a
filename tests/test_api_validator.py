"""The API's request validator agrees with a full JSON Schema implementation on every body schema."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api import schemas as S
from app.api.spec import Registry, check_keywords, validate

BODIES = {
    "open_letter": S.OPEN_LETTER,
    "cast": S.CAST,
    "session": S.NEW_SESSION,
    "item": S.NEW_ITEM,
    "notice": S.NEW_NOTICE,
    "order": S.NEW_ORDER,
}
VALID: dict[str, dict[str, Any]] = {
    "open_letter": {"digits": "1234"},
    "cast": {"digits": "1234", "choices": {"12": "agree", "13": ["4", "5"]}},
    "session": {"title": "会议", "form": "written", "opens_at": "2026-12-20T09:00:00+08:00", "closes_at": "2027-01-05T18:00:00Z"},
    "item": {"matter": "cn.other", "title": "安装充电桩"},
    "notice": {"kind": "general", "title": "停水", "body": "周六停水。"},
    "order": {"kind": "rectify", "subject": "公示", "body": "请公示。", "due_on": "2026-12-31"},
}

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**6),
    st.sampled_from(
        ["", "1234", "agree", "abstain", "yes", "cn.other", "written", "2026-12-31", "2026-02-30", "2026-12-20T09:00:00Z", "12"]
    ),
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=12
)


@st.composite
def near_valid(draw: st.DrawFn, name: str) -> Any:
    """A valid body with a few members replaced, dropped or added: where validators disagree, if anywhere."""
    body = dict(VALID[name])
    for _ in range(draw(st.integers(0, 3))):
        action = draw(st.sampled_from(["replace", "drop", "add", "nest"]))
        key = draw(st.sampled_from(sorted(body) or ["x"]))
        if action == "replace":
            body[key] = draw(json_values)
        elif action == "drop":
            body.pop(key, None)
        elif action == "add":
            body[draw(st.text(max_size=6))] = draw(json_values)
        elif isinstance(body.get(key), dict):
            body[key] = {**body[key], draw(st.sampled_from(["12", "x", "999999999999999"])): draw(json_values)}
    return body


@pytest.mark.parametrize("name", sorted(BODIES))
def test_every_body_schema_uses_only_keywords_the_validator_knows(name: str) -> None:
    check_keywords(BODIES[name])
    assert validate(BODIES[name], VALID[name]) == []


@pytest.mark.parametrize("name", sorted(BODIES))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_validator_agrees_with_jsonschema(name: str, data: st.DataObject) -> None:
    schema = BODIES[name]
    reference = jsonschema_rs.validator_for(schema, validate_formats=True)
    value = data.draw(st.one_of(near_valid(name), json_values))
    errors = validate(schema, value)
    # One rule beyond JSON Schema: no string holds a NUL (PostgreSQL refuses it in text).
    assert (errors == []) == (reference.is_valid(value) and "\\u0000" not in json.dumps(value)), (value, errors)
    for error in errors:
        assert error.detail and error.pointer.startswith("#")


# Each keyword's error in the words the API answers with, naming the field (English catalogue).
WORDED = [
    ({"type": "object", "properties": {"n": {"type": ["integer", "null"]}}}, {"n": "x"}, "n", "n must be a whole number / null."),
    ({"type": "object", "required": ["digits"]}, {}, "digits", "digits is required."),
    ({"type": "object", "additionalProperties": False}, {"colour": 1}, "colour", "colour is not a field of this request."),
    ({"type": "object", "propertyNames": {"pattern": "^[0-9]+$"}}, {"x": 1}, "x", "x is not in the expected form."),
    ({"anyOf": [{"type": "string"}, {"type": "null"}]}, 3, "", "the body is not one of the accepted forms."),
    ({"const": 1}, 2, "", "the body must be 1."),
    ({"enum": ["meeting", "written"]}, "online", "", "the body must be one of: meeting, written."),
    ({"type": "string", "minLength": 1}, "", "", "the body is required."),
    ({"type": "string", "minLength": 3}, "ab", "", "the body is too short."),
    ({"type": "string", "maxLength": 2}, "abc", "", "the body is longer than 2 characters."),
    ({"type": "string", "pattern": "^[0-9]{4}$"}, "12a4", "", "the body is not in the expected form."),
    ({"type": "string", "format": "date"}, "2026-02-30", "", "the body must be a date in ISO 8601 form."),
    ({"type": "string", "format": "date-time"}, "2026-12-20 09:00", "", "the body must be a date-time in ISO 8601 form."),
    ({"type": "integer", "minimum": 2000}, 1999, "", "the body must be at least 2000."),
    ({"type": "integer", "maximum": 9}, 10, "", "the body must be at most 9."),
    ({"type": "array", "minItems": 1}, [], "", "the body needs at least 1 entries."),
    ({"type": "array", "maxItems": 1}, [1, 2], "", "the body has more than 1 entries."),
    ({"type": "array", "uniqueItems": True}, ["7", "7"], "", "the body lists an entry twice."),
    ({"type": "object", "maxProperties": 1}, {"a": 1, "b": 2}, "", "the body has more than 1 entries."),
    ({"type": "object", "properties": {"t": {"type": "string"}}}, {"t": "会\x00议"}, "t", "t contains a NUL character."),
]


@pytest.mark.parametrize(("schema", "value", "field", "detail"), WORDED)
def test_each_error_is_worded_for_people_and_names_its_field(schema: dict[str, Any], value: Any, field: str, detail: str) -> None:
    from flask import Flask
    from flask_babel import Babel

    app = Flask(__name__)
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    Babel(app)
    with app.test_request_context():
        check_keywords(schema)
        assert [(e.field, e.detail) for e in validate(schema, value)] == [(field, detail)]


def test_a_mistyped_value_gets_one_error_not_one_per_keyword() -> None:
    schema = {"type": "object", "properties": {"form": {"type": "string", "enum": ["meeting", "written"], "minLength": 1}}}
    assert [e.field for e in validate(schema, {"form": 5})] == ["form"]


def test_a_query_parameter_is_named_by_its_path_and_references_resolve_in_the_components() -> None:
    registry = Registry({"Day": {"type": "string", "format": "date"}})
    assert [e.field for e in validate({"type": "integer", "minimum": 2000}, 1999, path="year")] == ["year"]
    schema = {"type": "object", "properties": {"due_on": {"$ref": "#/components/schemas/Day"}}}
    assert [e.field for e in validate(schema, {"due_on": "next week"}, registry)] == ["due_on"]
    assert validate(schema, {"due_on": "2026-12-31"}, registry) == []
