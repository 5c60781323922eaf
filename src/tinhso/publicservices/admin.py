"""Back office for the catalogue and the agencies (dossiers change only through services)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.publicservices.models import Agency, Procedure, ProcedurePaper, ProcedureStep
from tinhso.publicservices.portal import sync as portal_sync
from tinhso.publicservices.portal.models import PortalUpdate


class PaperInline(admin.TabularInline):
    model = ProcedurePaper
    extra = 0


class StepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "level", "processing_days", "online_level",
                    "is_sample", "is_active")
    list_filter = ("level", "online_level", "is_sample", "is_active", "field")
    search_fields = ("code", "name", "field")
    inlines = [PaperInline, StepInline]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "organization", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name")


@admin.register(PortalUpdate)
class PortalUpdateAdmin(ReadOnlyAdmin):
    """The national-portal outbox: what was pushed, what waits, what failed and why; a
    failed update can be sent again once its cause is fixed (audited)."""

    list_display = ["dossier", "sequence", "state", "attempts", "last_attempt_at",
                    "next_attempt_at", "short_error"]
    list_filter = ["state"]
    search_fields = ["dossier__code"]
    list_select_related = ["dossier"]
    actions = ["send_again"]

    @admin.display(description=_("last error"))
    def short_error(self, obj: PortalUpdate) -> str:
        return obj.last_error[:120]

    @admin.action(description=_("Send the selected updates to the national portal again"),
                  permissions=["retry"])
    def send_again(self, request, queryset):
        count = portal_sync.retry_updates(queryset.values_list("pk", flat=True),
                                          actor=request.user)
        self.message_user(request, ngettext(
            "%(count)d update will be sent again.",
            "%(count)d updates will be sent again.", count) % {"count": count},
            messages.SUCCESS)

    def has_retry_permission(self, request) -> bool:
        return request.user.has_perm("publicservices.change_portalupdate")
