"""Back-office of the documents app: agencies, units and registers are reference data an
administrator keeps; documents themselves change only through the services (audited), so
they are read-only here, and exchange messages can be tried again."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core import outbox
from tinhso.documents.models import (
    Agency,
    ExchangeMessage,
    IncomingDocument,
    OutgoingDocument,
    Register,
    Unit,
)


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


class RegisterInline(admin.TabularInline):
    model = Register
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "exchange_code", "organization", "is_active"]
    search_fields = ["name", "abbreviation", "exchange_code"]
    inlines = [UnitInline, RegisterInline]


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingDocument)
class OutgoingAdmin(ReadOnly):
    list_display = ["number_symbol", "excerpt", "agency", "state", "confidentiality",
                    "issued_at"]
    list_filter = ["state", "doc_type", "agency"]

    def get_queryset(self, request):
        # Secret documents stay out of the back office: the access rule applies here too.
        return super().get_queryset(request).visible_to(request.user)


@admin.register(IncomingDocument)
class IncomingAdmin(ReadOnly):
    list_display = ["arrival_number", "number_symbol", "sender_name", "agency", "state",
                    "signature_verdict"]
    list_filter = ["state", "signature_verdict", "agency"]

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)


@admin.register(ExchangeMessage)
class ExchangeMessageAdmin(ReadOnly):
    list_display = ["message_id", "recipient", "state", "attempts", "next_attempt_at",
                    "last_error"]
    list_filter = ["state"]
    actions = ["retry"]

    @admin.action(description=_("Send again"))
    def retry(self, request, queryset):
        from tinhso.documents.services import enqueue_exchange

        pks = list(queryset.values_list("pk", flat=True))
        count = outbox.retry_now(ExchangeMessage, pks, now=timezone.now())
        for pk in pks:
            enqueue_exchange(pk)
        self.message_user(request, f"{count}", messages.SUCCESS)
