"""The preparatory group's forms: its members one per line, and the office's dissolution with a reason."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

# The first word of a line: the member's kind, in Chinese or English.
KIND_WORDS = {
    "业主": "owner",
    "业主代表": "owner",
    "owner": "owner",
    "建设单位": "developer",
    "开发商": "developer",
    "developer": "developer",
    "街道": "office",
    "街道办": "office",
    "街道办事处": "office",
    "office": "office",
    "居委会": "residents_committee",
    "居民委员会": "residents_committee",
    "residents": "residents_committee",
    "residents_committee": "residents_committee",
}
LEADER_WORDS = {"组长", "leader"}


class GroupForm(FlaskForm):
    members = TextAreaField(
        _l("Members, one per line"),
        validators=[DataRequired(), Length(max=8000)],
        render_kw={"rows": 9},
    )


class DissolveForm(FlaskForm):
    reason = StringField(_l("Why the group is dissolved"), validators=[DataRequired(), Length(max=300)])


def parse_members(text: str) -> tuple[list[dict[str, Any]], str | None]:
    """Lines "kind, name, unit or organisation[, 组长][, @username]" as the service takes them; or the first bad line's message."""
    members: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        parts = [p.strip() for p in re.split(r"[,，]", line) if p.strip()]
        if not parts:
            continue
        kind = KIND_WORDS.get(parts[0].lower())
        if kind is None or len(parts) < 3:
            return [], str(
                _l('Line %(n)d: write "kind, name, unit or organisation" with the kind 业主, 建设单位, 街道 or 居委会.', n=number)
            )
        rest = parts[3:]
        member: dict[str, Any] = {"kind": kind, "name": parts[1], "leader": any(p.lower() in LEADER_WORDS for p in rest)}
        if kind == "owner":
            member["unit"] = parts[2]
        else:
            member["affiliation"] = parts[2]
        username = next((p[1:] for p in rest if p.startswith("@")), None)
        if username:
            member["username"] = username
        members.append(member)
    return members, None
