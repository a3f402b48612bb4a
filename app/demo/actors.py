"""Who acts in the demo: the command line as an operator, a community's committee, its street office."""

from __future__ import annotations

from ..communities.models import Community
from ..security.actor import Actor, Grant, operator

# The demo acts at the command line, with the grants each step names.
DEMO = operator("demo", Grant.administrator())


def as_committee(community: Community) -> Actor:
    return operator("demo", Grant.committee(community.id))


def as_office(community: Community) -> Actor:
    return operator("demo", Grant.office(community.street_office_id))


DEMO_PASSWORD = "gongzhi-demo-2026"
DEVELOPER = "兰亭置业有限公司"
