import io

import pytest

from tinhso.core import pdf as corepdf
from tinhso.documents import demo, services


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.DOCUMENT_AXIS_DIR = tmp_path / "axis"


@pytest.fixture
def world(db):
    """Three agencies on the platform (UBND tỉnh, Sở Công Thương, UBND xã Đồng Đăng) with
    registers and staff, one outside (Bộ Công Thương), the demo CA trusted."""
    data = demo.seed_reference(password=None)
    codes = {"ubnd": "000.00.00.H20", "sct": "000.00.09.H20", "xa": "000.20.01.H20",
             "bct": "000.00.00.G13"}

    class World:
        agencies = {key: data["agencies"][code] for key, code in codes.items()}
        staff = {key: data["staff"][code] for key, code in codes.items()
                 if code in data["staff"]}

    return World


def pdf_upload(title: str = "Nội dung văn bản", text: str = "Điều 1. Nội dung thử nghiệm."):
    buffer = io.BytesIO(corepdf.simple_document(title, [text]))
    buffer.name = "vb.pdf"
    return buffer


def make_draft(world, *, agency="ubnd", doc_type="cong_van", confidentiality="thuong",
               to=("sct",), is_legal=False, excerpt="Về việc thử nghiệm hệ thống", unit="KT"):
    people = world.staff[agency]
    a = world.agencies[agency]
    return services.create_draft(
        actor=people["chuyenvien"], agency=a, doc_type=doc_type, excerpt=excerpt,
        signer=people["lanhdao"], signer_title="Chủ tịch", authority="TM.",
        authority_of="Ủy ban nhân dân", unit=a.units.get(abbreviation=unit) if unit else None,
        confidentiality=confidentiality, is_legal=is_legal,
        recipients=[world.agencies[k] for k in to], body=pdf_upload(excerpt))


def approve(world, doc, agency="ubnd"):
    people = world.staff[agency]
    services.transition(actor=people["chuyenvien"], document=doc, action="submit")
    services.transition(actor=people["lanhdao"], document=doc, action="approve")
    return doc


def issue(world, doc, agency="ubnd"):
    approve(world, doc, agency)
    return services.transition(actor=world.staff[agency]["vanthu"], document=doc,
                               action="issue")
