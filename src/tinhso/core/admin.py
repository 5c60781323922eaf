from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tinhso.core import notifications
from tinhso.core.models import (
    AdministrativeUnit,
    AuditEntry,
    CalendarOverride,
    OutboxState,
    OutgoingNotification,
    PeriodicRun,
    SigningCredential,
    TrustedRoot,
)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "former_district", "is_border"]
    list_filter = ["kind", "former_district", "is_border"]
    search_fields = ["name"]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working_day", "reason"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor_label", "action", "object_type", "object_id", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingNotification)
class OutgoingNotificationAdmin(ReadOnlyAdmin):
    """Notifications to drivers and enterprises with their delivery: a failed one says why,
    and can be sent again."""

    list_display = ["created_at", "recipient", "kind", "delivery", "attempts",
                    "last_attempt_at", "next_attempt_at", "short_error"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient", "message_vi"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    @admin.display(description=_("delivery"), ordering="state")
    def delivery(self, obj: OutgoingNotification) -> str:
        if obj.retrying:
            return str(_("Retrying"))
        return obj.get_state_display()

    @admin.display(description=_("last error"))
    def short_error(self, obj: OutgoingNotification) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Send the selected notifications again"),
                  permissions=["retry"])
    def send_again(self, request, queryset):
        count = notifications.retry_now(
            list(queryset.exclude(state=OutboxState.DELIVERED).values_list("pk", flat=True)),
            actor=request.user)
        self.message_user(request, ngettext(
            "%(count)d notification will be sent again.",
            "%(count)d notifications will be sent again.", count) % {"count": count},
            messages.SUCCESS)

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("core.change_outgoingnotification")


@admin.register(PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin):
    list_display = ["name", "period_start", "enqueued_at", "task_id"]


@admin.register(TrustedRoot)
class TrustedRootAdmin(admin.ModelAdmin):
    """The roots received signatures must chain to. Adding one goes through the audited
    service; a root is switched off, never deleted (past validations name it)."""

    list_display = ["name", "fingerprint", "is_active", "created_at"]
    list_filter = ["is_active"]
    readonly_fields = ["fingerprint", "created_at"]
    fields = ["name", "certificate_pem", "is_active", "fingerprint", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from django.db import transaction

        from tinhso.core import audit, credentials

        if not change:
            try:
                saved = credentials.add_trusted_root(
                    actor=request.user, name=obj.name,
                    certificate_pem=obj.certificate_pem.encode())
            except ValueError:
                self.message_user(request, _("This is not a PEM certificate."),
                                  messages.ERROR)
                return
            obj.pk, obj.fingerprint = saved.pk, saved.fingerprint
            return
        with transaction.atomic():
            TrustedRoot.objects.filter(pk=obj.pk).update(name=obj.name, is_active=obj.is_active)
            audit.record(actor=request.user, action="signing.root_changed", obj=obj,
                         after={"is_active": obj.is_active})

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "certificate_pem"] if obj else self.readonly_fields


@admin.register(SigningCredential)
class SigningCredentialAdmin(ReadOnlyAdmin):
    """Certificates the platform signs with (keys are never shown)."""

    list_display = ["label", "user", "organization", "is_authority", "not_after", "is_active"]
    list_filter = ["is_authority", "is_active"]
    fields = ["label", "user", "organization", "is_authority", "certificate_pem",
              "fingerprint", "not_after", "is_active", "created_at"]
