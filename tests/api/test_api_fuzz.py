"""schemathesis against a live test server: every operation in /api/v1/schema/, with a token of a
user with broad rights, must answer no 5xx and nothing the schema does not describe.

Cases per operation: PMIS_FUZZ_EXAMPLES (default 100, the issue's goal: about 4 minutes on PostgreSQL)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from pmis.models import Institution
from tests.conftest import load_demo

EXAMPLES = int(os.environ.get("PMIS_FUZZ_EXAMPLES", "100"))
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
    "response_headers_conformance",
])


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the live fuzzing server runs on PostgreSQL")
def test_schemathesis_finds_no_server_errors_or_schema_violations(transactional_db, live_server, monkeypatch,
                                                                   tmp_path):
    if not Institution.objects.filter(slug="outside").exists():
        load_demo()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="secretariat")
    token, _ = Token.objects.get_or_create(user=user)
    # The fuzzer sends thousands of requests a minute; the throttle is not what it tests.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "1000000/min", "user": "1000000/min"})
    st = Path(sys.executable).with_name("st")
    command = [
        str(st), "run", f"{live_server.url}/api/v1/schema/", "-H", f"Authorization: Token {token.key}",
        "--max-examples", str(EXAMPLES), "--checks", CHECKS, "--phases", "examples,fuzzing", "--workers", "8",
        "--seed", os.environ.get("PMIS_FUZZ_SEED", "20261125"), "--generation-database", "none", "--no-color",
        "--report", "junit", "--report-dir", str(tmp_path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=tmp_path)
    print(result.stdout[-20000:])
    assert result.returncode == 0, result.stdout[-12000:] + result.stderr[-3000:]
    assert "Tested: " in result.stdout
