"""Issuing and registering under concurrency (PostgreSQL): many clerks at once on one
register get consecutive numbers, none repeated, none skipped, even when some issues fail
after drawing their number."""

import pytest

from tests.border.conftest import all_at_once
from tinhso.core.errors import DomainError
from tinhso.documents import pdfs, services
from tinhso.documents.models import OutgoingDocument, OutgoingState

from .conftest import approve, make_draft

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_issues_never_repeat_or_skip_a_number(world, monkeypatch):
    drafts = [approve(world, make_draft(world, doc_type="bao_cao",
                                        excerpt=f"Báo cáo số liệu {'HỎNG ' if n % 4 == 0 else ''}"
                                                f"tuần {n}"))
              for n in range(12)]
    real = pdfs.issued_copy

    def sometimes_broken(**kwargs):
        if "HỎNG" in kwargs["excerpt"]:
            raise ValueError("the body cannot be composed")
        return real(**kwargs)

    monkeypatch.setattr(pdfs, "issued_copy", sometimes_broken)
    clerk = world.staff["ubnd"]["vanthu"]

    def issue(doc):
        try:
            services.transition(actor=clerk, document=doc, action="issue")
        except DomainError as error:
            return error.code
        return "issued"

    outcomes = all_at_once(issue, drafts)
    assert outcomes.count("issued") == 9 and outcomes.count("documents.signing") == 3
    numbers = sorted(OutgoingDocument.objects.filter(state=OutgoingState.ISSUED)
                     .values_list("number", flat=True))
    assert numbers == list(range(1, 10))
    symbols = set(OutgoingDocument.objects.filter(state=OutgoingState.ISSUED)
                  .values_list("number_symbol", flat=True))
    assert len(symbols) == 9
    assert not OutgoingDocument.objects.filter(state=OutgoingState.APPROVED,
                                               number__isnull=False).exists()


def test_concurrent_registrations_get_consecutive_arrival_numbers(world):
    from datetime import date

    from .conftest import pdf_upload

    clerk = world.staff["sct"]["vanthu"]

    def register(n):
        return services.register_scanned(
            actor=clerk, agency=world.agencies["sct"], upload=pdf_upload(f"Văn bản {n}"),
            sender_name="Bộ Công Thương", number_symbol=f"{n}/BCT-XNK",
            doc_date=date(2026, 11, 30), doc_type="cong_van", excerpt=f"Văn bản {n}",
        ).arrival_number

    numbers = all_at_once(register, list(range(1, 11)))
    assert sorted(numbers) == list(range(1, 11))
