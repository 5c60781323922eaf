from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from tinhso.accounts import services
from tinhso.accounts.models import ApiKey, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "phone", "is_active", "is_staff"]
    search_fields = ["full_name", "email", "phone"]
    list_filter = ["is_active", "is_staff", "memberships__role"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "phone", "full_name", "preferred_language", "password"]}),
        ("Quyền / Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "phone", "full_name", "password1", "password2"]}),
    ]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "tax_code", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code", "tax_code"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys are created with `tinhso create_api_key` or the API (shown once); here they can
    only be looked at and revoked — through the service, so that each revocation is audited
    and every process forgets the key at once."""

    list_display = ["name", "organization", "prefix", "scopes", "created_at", "revoked_at"]
    readonly_fields = ["organization", "name", "prefix", "key_hash", "scopes", "created_by",
                       "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request, queryset):
        for api_key in queryset.filter(revoked_at__isnull=True):
            services.revoke_api_key(actor=request.user, api_key=api_key)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
