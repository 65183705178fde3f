"""Inputs the fuzzer found: a malformed id or filter answers in the API's JSON shape, never 500 or HTML."""


def test_a_malformed_appraisal_id_answers_json_404(demo, client):
    client.force_login(demo.users["secretariat"])
    response = client.get("/api/v1/appraisals/-3.794681831412332e-27/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_a_league_filter_with_a_nul_character_is_ignored(demo, client):
    client.force_login(demo.users["perfdept"])
    response = client.get("/api/v1/league/", {"kind": "\x00ministry", "period": "\x00", "year": ""})
    assert response.status_code == 200 and "results" in response.json()
    page = client.get("/scorecards/league/", {"kind": "\x00ministry"})
    assert page.status_code == 200
