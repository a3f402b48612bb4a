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


def test_the_browser_finds_a_favicon(client: FlaskClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").get_data(as_text=True)
    assert 'rel="icon"' in page and "favicon.svg" in page
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
