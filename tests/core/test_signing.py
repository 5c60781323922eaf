"""core.signing: a PAdES signature made with the local CA validates; the same PDF changed
after signing, signed by a certificate from an untrusted CA, unsigned or not a PDF at all is
flagged and never reported as validly signed."""

import io

import pytest
from pypdf import PdfReader

from tinhso.core import pdf as corepdf
from tinhso.core import signature_images, signing
from tinhso.core.signing import Verdict


@pytest.fixture(scope="module")
def ca():
    return signing.LocalCA.create("Test Root CA")


@pytest.fixture(scope="module")
def signer(ca):
    return ca.issue("Nguyễn Văn Hùng", organisation="UBND tỉnh Lạng Sơn")


@pytest.fixture(scope="module")
def document():
    return corepdf.simple_document("QUYẾT ĐỊNH về việc ban hành kế hoạch", [
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số năm 2027.",
        "Điều 2. Quyết định có hiệu lực kể từ ngày ký.",
    ])


APPEARANCE = signing.Appearance(name="Nguyễn Văn Hùng", title="Chủ tịch", authority="TM.",
                                authority_of="Ủy ban nhân dân",
                                organisation="UBND tỉnh Lạng Sơn")


@pytest.fixture(scope="module")
def signed(document, signer):
    return signing.sign_pdf(document, signer, appearance=APPEARANCE, reason="Ban hành")


def test_a_signed_pdf_validates_with_signer_and_time(signed, ca, clock):
    result = signing.validate_pdf(signed, [ca.root_pem])
    assert result.verdict is Verdict.VALID and result.is_valid
    [check] = result.signatures
    assert check.signer == "Nguyễn Văn Hùng"
    assert check.organisation == "UBND tỉnh Lạng Sơn"
    assert check.intact and check.trusted and not check.changed_after
    assert check.signed_at is not None
    assert result.as_dict()["verdict"] == "valid"


def test_the_visible_signature_is_on_the_last_page_and_the_text_is_untouched(signed, document):
    reader = PdfReader(io.BytesIO(signed))
    widgets = [a.get_object() for a in reader.pages[-1].get("/Annots", [])]
    sig = [w for w in widgets if w.get("/FT") == "/Sig"]
    assert len(sig) == 1
    x1, y1, x2, y2 = (float(v) for v in sig[0]["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 100  # a visible appearance, not a 0x0 field
    assert "Kế hoạch chuyển đổi số" in reader.pages[0].extract_text()


def test_a_byte_changed_inside_the_signed_range_is_tampered(signed, ca):
    data = bytearray(signed)
    at = data.find(b"stream", 200) + 20  # a byte of the first content stream
    data[at] ^= 0x01
    result = signing.validate_pdf(bytes(data), [ca.root_pem])
    assert result.verdict in (Verdict.TAMPERED, Verdict.CORRUPT)
    assert not result.is_valid


def test_content_added_after_signing_is_tampered(signed, ca):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    stream = writer.add_object(generic.StreamObject(
        stream_data=b"BT /F1 24 Tf 100 400 Td (SO TIEN: 999.000.000) Tj ET"))
    writer.add_stream_to_page(0, stream)
    out = io.BytesIO()
    writer.write(out)
    result = signing.validate_pdf(out.getvalue(), [ca.root_pem])
    assert result.verdict is Verdict.TAMPERED
    assert result.signatures[0].intact  # the signed revision itself is intact …
    assert result.signatures[0].changed_after  # … but the document changed after it


def test_a_certificate_from_an_untrusted_ca_is_untrusted(document, signed, ca):
    other = signing.LocalCA.create("Self-made CA")
    forged = other.issue("Nguyễn Văn Hùng", organisation="UBND tỉnh Lạng Sơn")
    result = signing.validate_pdf(signing.sign_pdf(document, forged), [ca.root_pem])
    assert result.verdict is Verdict.UNTRUSTED and not result.is_valid
    # and a genuine signature is untrusted when its root is not configured
    assert signing.validate_pdf(signed, [other.root_pem]).verdict is Verdict.UNTRUSTED
    assert signing.validate_pdf(signed, []).verdict is Verdict.UNTRUSTED


def test_unsigned_and_corrupt_pdfs_are_flagged(document, ca):
    assert signing.validate_pdf(document, [ca.root_pem]).verdict is Verdict.UNSIGNED
    assert signing.validate_pdf(b"%PDF-1.7 not really", [ca.root_pem]).verdict is Verdict.CORRUPT
    assert signing.validate_pdf(b"PK\x03\x04 a zip", [ca.root_pem]).verdict is Verdict.CORRUPT


def test_a_second_signature_keeps_the_first_valid(signed, ca):
    clerk = ca.issue("Văn thư UBND tỉnh", organisation="UBND tỉnh Lạng Sơn")
    twice = signing.sign_pdf(signed, clerk)
    result = signing.validate_pdf(twice, [ca.root_pem])
    assert result.verdict is Verdict.VALID
    assert [s.signer for s in result.signatures] == ["Nguyễn Văn Hùng", "Văn thư UBND tỉnh"]


def test_attachment_signature_sits_top_right_of_the_first_page(document, signer, ca):
    data = signing.sign_attachment(document, signer, organisation="UBND TỈNH LẠNG SƠN",
                                   number_symbol="05/QĐ-UBND")
    assert signing.validate_pdf(data, [ca.root_pem]).verdict is Verdict.VALID
    page = PdfReader(io.BytesIO(data)).pages[0]
    [widget] = [a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert x1 > width / 2 and y1 > height * 0.8


def test_signing_refuses_what_is_not_a_pdf(signer):
    with pytest.raises(signing.SigningError):
        signing.sign_pdf(b"not a pdf", signer)


def test_authority_prefixes_are_those_of_the_decree():
    with pytest.raises(ValueError, match="authority"):
        signature_images.signature_block(authority="XX.", authority_of="", title="Giám đốc",
                                         name="A")
    img = signature_images.signature_block(authority="KT.", authority_of="Giám đốc",
                                           title="Phó Giám đốc", name="Trần Thị B",
                                           seal=signature_images.seal_image("Sở Công Thương"))
    # blue signature and red seal are both drawn
    colours = {px[:3] for _, px in img.getcolors(maxcolors=1 << 20) if px[3] > 200}
    assert signature_images.BLUE[:3] in colours and signature_images.RED[:3] in colours


def test_an_expired_certificate_is_not_valid_now(document, ca):
    from datetime import UTC, datetime, timedelta

    old = ca.issue("Người ký cũ", now=datetime.now(UTC) - timedelta(days=10), days=5)
    data = signing.sign_pdf(document, old)
    assert signing.validate_pdf(data, [ca.root_pem]).verdict is not Verdict.VALID


@pytest.mark.django_db
def test_demo_ca_is_created_once_trusted_and_issues_credentials(document):
    from tests.factories import UserFactory
    from tinhso.core import credentials
    from tinhso.core.models import AuditEntry, SigningCredential, TrustedRoot

    first = credentials.demo_ca()
    assert credentials.demo_ca().root_pem == first.root_pem
    assert TrustedRoot.objects.count() == 1
    assert AuditEntry.objects.filter(action="signing.trust_root").count() == 1
    user = UserFactory(full_name="Nguyễn Văn Hùng")
    cred = credentials.credential_for_user(user)
    assert credentials.credential_for_user(user).cert_pem == cred.cert_pem  # kept, not re-issued
    row = SigningCredential.objects.get(user=user)
    assert cred.key_pem.decode() not in row.encrypted_key  # encrypted at rest
    data = signing.sign_pdf(document, cred)
    result = signing.validate_pdf(data, credentials.trusted_roots_pem())
    assert result.verdict is Verdict.VALID
    # an administrator switching the root off makes the same signature untrusted
    TrustedRoot.objects.update(is_active=False)
    assert signing.validate_pdf(data, credentials.trusted_roots_pem()).verdict is \
        Verdict.UNTRUSTED
