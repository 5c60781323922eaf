from tinhso.accounts.models import User
from tinhso.payments.demo import seed_payments
from tinhso.payments.models import FeeRate, PayeeAccount


def test_seed_is_idempotent_and_keeps_admin_edits(payments):
    FeeRate.objects.filter(code="2-4").update(amount_vnd=250_000, is_placeholder=False)
    count = FeeRate.objects.count()
    seed_payments()
    assert FeeRate.objects.count() == count
    assert FeeRate.objects.get(code="2-4").amount_vnd == 250_000
    assert PayeeAccount.objects.filter(is_default=True).count() == 1
    assert not FeeRate.objects.get(code="cont40-perishable").is_placeholder


def test_admin_pages_render_and_show_placeholders(client, invoice):
    client.force_login(User.objects.get(email="admin@demo.tinhso.vn"))
    rates = client.get("/admin/payments/feerate/")
    assert rates.status_code == 200 and "tạm tính / placeholder" in rates.content.decode()
    assert client.get("/admin/payments/invoice/").status_code == 200
    page = client.get(f"/admin/payments/invoice/{invoice.pk}/change/")
    assert page.status_code == 200
    assert 'name="amount_vnd"' not in page.content.decode()  # money is read-only
    assert client.get("/admin/payments/banktransaction/").status_code == 200
