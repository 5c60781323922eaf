"""The API's error bodies keep their shape now that messages come from the catalogue."""

import pytest

from tests.border.conftest import declaration_data
from tests.border.test_end_to_end import logged_in, post
from tinhso.border.models import Declaration


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_api_422_names_field_and_code_with_both_messages(border, lang):
    client = logged_in("doanhnghiep")
    body = declaration_data(plate="13A-123.45", weight_kg=0)

    response = post(client, "/api/v1/border/declarations", body, HTTP_ACCEPT_LANGUAGE=lang)

    assert response.status_code == 422
    errors = {e["field"]: e for e in response.json()["detail"]}
    assert set(errors) == {"plate", "weight_kg"}
    plate = {
        "field": "plate", "code": "plate.province",
        "message_vi": "Mã tỉnh 13 trên biển số không tồn tại.",
        "message_en": "Province code 13 on the plate does not exist.",
    }
    weight = {  # numbers are grouped the way each language writes them
        "field": "weight_kg", "code": "range",
        "message_vi": "Phải từ 1 đến 100.000.",
        "message_en": "Must be between 1 and 100,000.",
    }
    for expected in (plate, weight):
        error = errors[expected["field"]]
        assert error == {**expected, "message": expected[f"message_{lang}"]}
    assert Declaration.objects.count() == 0


def test_an_api_domain_error_and_a_404_keep_code_and_both_messages(border):
    client = logged_in("doanhnghiep")

    missing = client.get("/api/v1/border/declarations/999999", HTTP_ACCEPT_LANGUAGE="en")
    refused = post(client, "/api/v1/border/declarations",
                   {**declaration_data(), "enterprise_code": "no-such-enterprise"})

    assert missing.status_code == 404
    assert missing.json()["detail"] == [{
        "code": "not_found", "field": None, "message": "Not found.",
        "message_vi": "Không tìm thấy.", "message_en": "Not found."}]
    assert refused.status_code == 422
    assert refused.json()["detail"] == [{
        "code": "border.enterprise", "field": "enterprise_code",
        "message": "Chọn doanh nghiệp bạn khai báo thay mặt.",
        "message_vi": "Chọn doanh nghiệp bạn khai báo thay mặt.",
        "message_en": "Choose the enterprise you declare for."}]
