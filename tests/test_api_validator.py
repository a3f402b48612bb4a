"""The API's request validator agrees with a full JSON Schema implementation on every body schema."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api import schemas as S
from app.api.spec import check_keywords, validate

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
