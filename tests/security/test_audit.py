"""The audit trail's integrity, as part of PMIS's security model.

1. Every transition and edit writes an audit event. Events are append-only (the ORM refuses to
   update or delete them) and hash-chained: one chain per institution, one system chain for events
   outside any institution.
2. Editing, deleting or reordering an event inside a chain breaks the chain; ``verify_audit`` names
   the first broken event.
3. Every institution has its chain (its first event is its creation), so an institution whose
   events were all deleted is reported.
4. What the database cannot prove about itself (that a whole chain, or a chain's last events, were
   removed and the head wound back) is proven by anchors kept outside it: ``verify_audit --anchor``,
   after a successful verification, appends every chain's head and the number of chains to
   ``AUDIT_ANCHOR_FILE`` and logs it, signed with an HMAC under ``AUDIT_ANCHOR_KEY`` (a key that is
   not in the database). Celery beat runs it periodically.
5. ``verify_audit`` exits non-zero with a message naming the chain when a chain is behind its
   anchor, no longer passes through its anchored head, has vanished, when the number of chains
   shrank, or when the anchor's signature does not match. It never writes an anchor over a failed
   verification.
"""

import io
import json
import logging
import threading

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connection

from pmis import audit, org
from pmis.models import AuditChain, AuditEvent

EVENTS = AuditEvent._meta.db_table
CHAINS = AuditChain._meta.db_table


@pytest.fixture
def anchor_file(tmp_path, settings):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors" / "audit-anchors.jsonl")
    settings.AUDIT_ANCHOR_KEY = "a key kept outside the database"
    return tmp_path / "anchors" / "audit-anchors.jsonl"


def verify(*args):
    """Run the real command; (passed, everything it said)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, f"{out.getvalue()}{err.getvalue()}{error}"
    return True, out.getvalue() + err.getvalue()


def anchors(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def delete_events(institution_id, from_seq=1):
    where = "institution_id IS NULL" if institution_id is None else "institution_id = %s"
    params = [] if institution_id is None else [institution_id]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE {where} AND seq >= %s", [*params, from_seq])


def delete_head(key):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CHAINS} WHERE key = %s", [key])


def wind_head_back(institution_id, to_seq):
    """What someone with database access does after deleting a chain's last events."""
    event = AuditEvent.objects.get(institution_id=institution_id, seq=to_seq)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {CHAINS} SET seq = %s, head_hash = %s WHERE key = %s",
                       [to_seq, event.hash, audit.chain_key(institution_id)])


def test_an_untampered_trail_passes_and_each_anchor_is_appended(demo, anchor_file):
    audit.record(None, "test.system")
    passed, output = verify("--anchor")
    assert passed, output
    assert "anchor written" in output
    first = anchors(anchor_file)[-1]
    assert first["chains"][audit.chain_key(demo.water.pk)][0] == audit.verify_chain(demo.water.pk).verified
    assert "system" in first["chains"]
    assert first["chain_count"] == len(first["chains"])
    # The trail grows after the anchor: still verified against it.
    audit.record(demo.users["head"], "test.after_anchor", demo.water)
    audit.record(None, "test.system_after_anchor")
    passed, output = verify()
    assert passed, output
    assert "All audit chains verified" in output
    passed, output = verify("--anchor")
    assert passed, output
    assert len(anchors(anchor_file)) == 2


def test_deleting_every_event_of_an_institution_fails(demo, anchor_file):
    audit.record(demo.users["head"], "test.event", demo.water)
    delete_events(demo.water.pk)
    delete_head(audit.chain_key(demo.water.pk))
    passed, output = verify()
    assert not passed
    assert "water" in output and "no audit chain" in output


def test_deleting_every_event_of_an_institution_fails_against_the_anchor(demo, anchor_file):
    assert verify("--anchor")[0]
    delete_events(demo.water.pk)
    delete_head(audit.chain_key(demo.water.pk))
    passed, output = verify()
    assert not passed
    assert "water: the chain has vanished" in output


def test_deleting_the_system_chain_fails(demo, anchor_file):
    audit.record(None, "test.system.one")
    audit.record(None, "test.system.two")
    assert verify("--anchor")[0]
    delete_events(None)
    delete_head("system")
    passed, output = verify()
    assert not passed
    assert "system: the chain has vanished" in output
    assert "chains" in output and "anchor" in output  # the count of chains shrank


def test_deleting_the_last_events_and_moving_the_head_back_fails(demo, anchor_file):
    for n in range(3):
        audit.record(demo.users["head"], f"test.event.{n}", demo.water)
    head = AuditChain.objects.get(key=audit.chain_key(demo.water.pk))
    assert verify("--anchor")[0]
    delete_events(demo.water.pk, from_seq=head.seq - 1)
    wind_head_back(demo.water.pk, head.seq - 2)
    assert audit.verify_chain(demo.water.pk).ok  # the database alone cannot tell
    passed, output = verify()
    assert not passed
    assert f"water: the chain moved back from event #{head.seq} to #{head.seq - 2}" in output


def test_rewriting_the_end_of_a_chain_after_the_anchor_fails(demo, anchor_file):
    audit.record(demo.users["head"], "contract.sign", demo.water)
    head = AuditChain.objects.get(key=audit.chain_key(demo.water.pk))
    assert verify("--anchor")[0]
    delete_events(demo.water.pk, from_seq=head.seq)
    wind_head_back(demo.water.pk, head.seq - 1)
    audit.record(demo.users["head"], "contract.unsign", demo.water)
    audit.record(demo.users["head"], "test.padding", demo.water)
    passed, output = verify()
    assert not passed
    assert f"water: event #{head.seq} is not the one anchored" in output


def test_a_forged_or_edited_anchor_is_rejected(demo, anchor_file):
    for n in range(2):
        audit.record(None, f"test.event.{n}", demo.water)
    assert verify("--anchor")[0]
    # Someone who can write the anchor file but has no key tries to make a rollback pass.
    line = anchors(anchor_file)[-1]
    line["chains"][audit.chain_key(demo.water.pk)][0] -= 1
    anchor_file.write_text(json.dumps(line) + "\n")
    passed, output = verify()
    assert not passed
    assert "signature" in output


def test_an_anchor_signed_with_another_key_is_rejected(demo, anchor_file, settings):
    assert verify("--anchor")[0]
    settings.AUDIT_ANCHOR_KEY = "another key"
    passed, output = verify()
    assert not passed
    assert "signature" in output


def test_no_anchor_is_written_over_a_failed_verification(demo, anchor_file):
    audit.record(None, "test.event", demo.water)
    delete_events(demo.water.pk)
    delete_head(audit.chain_key(demo.water.pk))
    passed, _ = verify("--anchor")
    assert not passed
    assert not anchor_file.exists()


def test_the_anchor_is_also_logged(demo, anchor_file, caplog):
    with caplog.at_level(logging.INFO, logger="pmis.audit"):
        assert verify("--anchor")[0]
    line = anchors(anchor_file)[-1]
    logged = [r for r in caplog.records if r.name == "pmis.audit" and "anchor" in r.getMessage()]
    assert logged and logged[-1].signature == line["signature"]
    assert logged[-1].chain_count == line["chain_count"]


def test_a_failed_verification_exits_non_zero(demo, anchor_file, capsys):
    audit.record(None, "test.event", demo.water)
    delete_events(demo.water.pk)
    delete_head(audit.chain_key(demo.water.pk))
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(["manage.py", "verify_audit"])
    assert exit_info.value.code != 0
    assert "water" in capsys.readouterr().err


def test_anchoring_needs_every_chain(demo, anchor_file):
    passed, output = verify("--anchor", "--institution", "water")
    assert not passed and "every chain" in output


def test_beat_anchors_the_trail_periodically(demo, anchor_file):
    from pmis.tasks import anchor_audit_trail

    entry = next(e for e in django_settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == anchor_audit_trail.name)
    assert entry["schedule"].total_seconds() > 0
    anchor_audit_trail.apply().get()
    assert len(anchors(anchor_file)) == 1


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_verifying_while_events_are_written_passes():
    """The beat task verifies a live trail: events appended meanwhile are no tampering."""
    from django.db import connections

    institution = org.create_institution(None, name="Busy Agency", slug="busy", kind="agency")
    stop = threading.Event()

    def write():
        try:
            while not stop.is_set():
                audit.record(None, "test.busy", institution)
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for _ in range(20):
            check = audit.verify_trail(institution)
            assert all(status.ok for status in check.statuses.values()), check.statuses
            assert not check.problems
    finally:
        stop.set()
        writer.join()
