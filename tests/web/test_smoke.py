from flask.testing import FlaskClient


def test_home_answers(client: FlaskClient) -> None:
    assert client.get("/").status_code == 200


def test_healthz_reports_the_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
