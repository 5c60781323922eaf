from django.contrib import admin

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.core.money import format_vnd
from tinhso.payments.models import (
    PLACEHOLDER_LABEL,
    BankTransaction,
    CashReversal,
    FeeRate,
    Invoice,
    PayeeAccount,
    RefundRequest,
)


@admin.display(description="Tạm tính / placeholder", boolean=False)
def placeholder(obj) -> str:
    return PLACEHOLDER_LABEL if obj.is_placeholder else ""


@admin.register(FeeRate)
class FeeRateAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "vehicle_class", "goods_kind", "direction", "amount",
                    "multiplier_pct", "valid_from", "valid_to", placeholder)
    list_filter = ("is_placeholder", "vehicle_class", "goods_kind", "direction")
    search_fields = ("code", "label", "source")

    @admin.display(description="Số tiền / amount")
    def amount(self, obj) -> str:
        return format_vnd(obj.amount_vnd) if obj.amount_vnd else "—"


@admin.register(PayeeAccount)
class PayeeAccountAdmin(admin.ModelAdmin):
    list_display = ("code", "bank_name", "bank_bin", "account_number", "account_name",
                    "is_default", placeholder)


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("reference", "subject", "payer", "amount", "status", "paid_via",
                    "created_at", "paid_at", placeholder)
    list_filter = ("status", "paid_via", "is_placeholder")
    search_fields = ("reference", "subject", "payer__name")
    date_hierarchy = "created_at"
    # Money and payment state change only through the services (with an audit entry).
    readonly_fields = ("reference", "declaration", "payer", "payee", "amount_vnd", "lines",
                       "is_placeholder", "status", "paid_at", "paid_via", "confirmed_by",
                       "verify_token", "created_at")

    @admin.display(description="Số tiền / amount", ordering="amount_vnd")
    def amount(self, obj) -> str:
        return format_vnd(obj.amount_vnd)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BankTransaction)
class BankTransactionAdmin(admin.ModelAdmin):
    list_display = ("provider", "transaction_id", "amount_vnd", "reference", "outcome",
                    "reason", "invoice", "received_at")
    list_filter = ("outcome", "reason", "provider")
    search_fields = ("transaction_id", "reference", "description")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CashReversal)
class CashReversalAdmin(admin.ModelAdmin):
    """Read-only: a reversal is made by the supervisor's page or API, never edited or
    deleted."""

    list_display = ("invoice", "amount_vnd", "paid_at", "confirmed_by", "reason", "reversed_by",
                    "reversed_at")
    list_filter = ("reason",)
    search_fields = ("invoice__reference", "note")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RefundRequest)
class RefundRequestAdmin(ReadOnlyAdmin):
    """Read-only: a refund is requested by the accountant's page or API and moved on by
    the bank's answers (``payments.refunds``, audited); here it is only looked up."""

    list_display = ("reference", "kind", "source_reference", "amount", "bank_name",
                    "account_tail", "state", "adapter", "bank_reference", "requested_at",
                    "sent_at", "settled_at")
    list_filter = ("state", "kind", "adapter", "bank_name")
    search_fields = ("reference", "source_reference", "bank_reference", "account_name")
    date_hierarchy = "requested_at"
    list_select_related = ("organization",)

    @admin.display(description="Số tiền / amount", ordering="amount_vnd")
    def amount(self, obj) -> str:
        return format_vnd(obj.amount_vnd)

    @admin.display(description="Tài khoản / account")
    def account_tail(self, obj) -> str:
        # The list shows only the last digits (as the audit entries do); the detail page,
        # for the back office that must check a transfer, shows the whole number.
        return f"…{obj.account_number[-4:]}"
