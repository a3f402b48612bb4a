from flask.testing import FlaskClient


def test_home_answers(client: FlaskClient) -> None:
    assert client.get("/").status_code == 200


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_a_refusal_no_view_caught_is_a_400_page_not_a_crash(app, client) -> None:  # type: ignore[no-untyped-def]
    from app.domain.errors import RuleViolation

    @app.get("/_test_refusal")
    def _refusal() -> str:
        raise RuleViolation("field", "explained refusal")

    response = client.get("/_test_refusal")
    assert response.status_code == 400 and "explained refusal" in response.get_data(as_text=True)
