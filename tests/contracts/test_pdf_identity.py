"""What a contract PDF prints for the public: the QR code and link go to the configured public address
(``PMIS_PUBLIC_URL``, else the requesting host), read back from the rendered pages; the institution's coat of
arms when it has one and nothing in its place when it has none; no band table code."""

import io
import subprocess
import tempfile
from pathlib import Path

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image

from contracts.cycle import signing
from contracts.documents import pdf
from pmis import addresses, org
from tests.contracts.helpers_documents import ministry_contract, pdf_text, sign_through, squash


def qr_codes(data: bytes) -> list[str]:
    """Every QR code on every page, rasterised by poppler's pdftoppm and decoded by ZXing."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "contract.pdf"
        source.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "200", "-png", str(source), str(Path(folder) / "page")], check=True)
        found = []
        for page in sorted(Path(folder).glob("page*.png")):
            found += [code.text for code in zxingcpp.read_barcodes(Image.open(page))
                      if code.format == zxingcpp.BarcodeFormat.QRCode]
        return found


@pytest.fixture
def signed(demo):
    contract = sign_through(demo, ministry_contract(demo))
    return contract, signing.current_version(contract)


def test_the_qr_code_decodes_to_the_configured_public_address(signed, settings):
    contract, version = signed
    settings.PMIS_PUBLIC_URL = "https://pmis.example.go.ke/"
    expected = "https://pmis.example.go.ke" + reverse("contract-verify", args=[version.verify_code])
    data = pdf.render_contract_pdf(contract)
    assert qr_codes(data) == [expected]
    assert expected in pdf_text(data)[0].replace("\n", "")


def test_without_a_configured_address_the_requests_own_host_is_used(signed, settings):
    contract, version = signed
    settings.PMIS_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["*"]
    request = RequestFactory().get("/", HTTP_HOST="pmis.county.go.ke:8104")
    data = pdf.render_printable(pdf.printable(contract), addresses.public_base(request))
    assert qr_codes(data) == ["http://pmis.county.go.ke:8104" + reverse("contract-verify", args=[version.verify_code])]


def test_the_cover_prints_the_coat_of_arms_only_when_there_is_one(demo, media, settings):
    contract = ministry_contract(demo)
    text, _ = pdf_text(pdf.render_contract_pdf(contract))
    flat = squash(text)
    assert "Coatofarms" not in flat and "kenya_pc" not in text
    png = io.BytesIO()
    Image.new("RGB", (60, 60), "#0b3d2e").save(png, "PNG")
    org.set_identity(demo.users["admin"], demo.water, name_sw="Wizara ya Maji",
                     coat_of_arms=SimpleUploadedFile("arms.png", png.getvalue(), "image/png"))
    contract.institution.refresh_from_db()
    context = pdf.context_for(pdf.printable(contract))
    assert context["emblem"].startswith("data:image/png;base64,")
    assert pdf.render_contract_pdf(contract).startswith(b"%PDF")
