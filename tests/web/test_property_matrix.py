"""Every property-service route × every role, the company's staff among them: a company's staff reach only the
communities their company serves. The rows live in ``tests/web/property_rows``; the general matrix counts them as
rows of its own (``test_every_route_has_a_row``)."""

from __future__ import annotations

from flask import Flask

from app.accounts.services import create_user
from app.security.roles import Role
from tests.factories import CLI, PASSWORD, enrol, login
from tests.property_factories import property_world
from tests.web import property_rows
from tests.web.property_rows import ROLES


def test_every_role_gets_the_expected_answer_on_every_property_route(app: Flask) -> None:
    pw = property_world()
    enrol(
        create_user(
            CLI, username="district", display_name="区住建委", password=PASSWORD, role=Role.DISTRICT_OFFICIAL, district_id=pw.district.id
        )
    )
    values: dict[str, str] = {}
    for setup in property_rows.setups():
        values.update(setup(pw))
    rows, data = property_rows.rows(), property_rows.form_data()
    failures = []
    for index, role in enumerate(ROLES):
        browser = app.test_client()
        if role != "anonymous":
            login(browser, role)
        for endpoint, (method, path, expected) in rows.items():
            url = path.format(**values)
            status = browser.open(url, method=method, data=data.get(endpoint, {})).status_code
            if status != expected[index]:
                failures.append(f"{role} {method} {url} ({endpoint}): {status}, expected {expected[index]}")
    assert failures == []
