"""The contract PDF without waiting (issue 30): queued when a version is fixed by vetting, when the
contract is fully signed and when an amendment opens a new version, once the step commits; the job is
idempotent; the page polls while the PDF is on its way and asks without leaving the page."""

from django.urls import reverse

from contracts.cycle import workflow
from contracts.models import ContractDocument, ContractVersion, PerformanceContract
from contracts.tasks import prepare_contract_document
from tests.contracts.conftest import carry, sign
from tests.contracts.helpers_documents import pdf_text, squash


def test_the_signed_pdf_is_ready_without_anyone_asking(cycle, media, eager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        plan = carry(cycle, "ready_to_sign")
    assert len(queued) >= 1
    document = ContractDocument.objects.get(contract=plan, version=plan.version)
    assert document.state == ContractDocument.State.READY and "DRAFT" in pdf_text(document.file.read())[0]
    with django_capture_on_commit_callbacks(execute=True):
        sign(cycle.performer, plan)
    with django_capture_on_commit_callbacks(execute=True):
        sign(cycle.counterparty, plan)
    plan.refresh_from_db()
    assert plan.status == PerformanceContract.Status.IN_FORCE
    document = ContractDocument.objects.get(contract=plan, version=plan.version)
    assert document.state == ContractDocument.State.READY
    assert document.content_hash == ContractVersion.objects.get(contract=plan).content_hash
    assert "Signed online by both parties" in squash(pdf_text(document.file.read())[0])

    # An amendment opens version 2: its draft is queued too, version 1's signed PDF stays.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.amend(cycle.counterparty, plan, "Mid-year review.")
    assert set(ContractDocument.objects.filter(contract=plan).values_list("version", flat=True)) == {1, 2}


def test_the_job_run_twice_keeps_one_row_and_one_file(cycle, media, eager, django_capture_on_commit_callbacks):
    plan = carry(cycle, "ready_to_sign")  # callbacks not run: nothing rendered yet
    with django_capture_on_commit_callbacks(execute=True):
        prepare_contract_document.delay(plan.pk).get()
    with django_capture_on_commit_callbacks(execute=True):
        prepare_contract_document.delay(plan.pk).get()
    assert ContractDocument.objects.filter(contract=plan).count() == 1
    assert len(list((media / "contracts" / "pdf").iterdir())) == 1
    assert prepare_contract_document.delay(0).get() == "missing"


def test_the_page_polls_while_the_pdf_is_on_its_way(cycle, client):
    plan = carry(cycle, "ready_to_sign")
    client.force_login(cycle.performer)
    html = client.get(reverse("contract-detail", args=[plan.pk])).content.decode()
    status = html[html.index(f'id="document-status-{plan.pk}"'):]
    assert 'hx-trigger="every 2s"' in status[:400]
    assert f'hx-post="{reverse("contract-pdf", args=[plan.pk])}"' in status


def test_asking_from_the_page_answers_with_the_status_at_once(cycle, client, demo,
                                                             django_capture_on_commit_callbacks):
    plan = carry(cycle, "negotiation")
    client.force_login(cycle.performer)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(reverse("contract-pdf", args=[plan.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and len(queued) == 1  # rendering waits for a worker, not the click
    assert 'hx-trigger="every 2s"' in response.content.decode()
    client.force_login(demo.users["head2"])
    assert client.post(reverse("contract-pdf", args=[plan.pk]), HTTP_HX_REQUEST="true").status_code == 404
