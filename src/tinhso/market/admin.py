from django.contrib import admin

from tinhso.market.models import Category, Hub, Product, ProductPhoto, Shop


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "position")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Hub)
class HubAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "commune", "commission_bp", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "slug")


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("name", "commune", "hub", "phone", "is_active")
    list_filter = ("is_active", "hub")
    search_fields = ("name", "slug", "phone")
    raw_id_fields = ("organization", "opened_by_officer")


class ProductPhotoInline(admin.TabularInline):
    model = ProductPhoto
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "shop", "category", "unit", "price_vnd", "stock", "ocop_stars",
                    "is_active")
    list_filter = ("category", "ocop_stars", "is_specialty", "is_active")
    search_fields = ("name", "shop__name")
    raw_id_fields = ("shop",)
    inlines = [ProductPhotoInline]

from tinhso.market import admin_orders  # noqa: E402, F401  (orders: read-only back office)

# ---------------------------------------------------------------- payouts, reviews, KPIs
# Statements and reviews change only through their services (audited): read-only here.
from tinhso.market.models import (  # noqa: E402
    CommuneOffice,
    HouseholdCount,
    KpiTarget,
    PayoutLine,
    PayoutStatement,
    Review,
)
from tinhso.market.services import kpis as kpi_services  # noqa: E402


class PayoutLineInline(admin.TabularInline):
    model = PayoutLine
    extra = 0
    can_delete = False
    readonly_fields = ("shop_order", "order_code", "items_total_vnd", "delivery_fee_vnd",
                       "commission_vnd", "payout_vnd")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PayoutStatement)
class PayoutStatementAdmin(admin.ModelAdmin):
    list_display = ("code", "hub", "shop", "period_start", "period_end", "commission_vnd",
                    "amount_vnd", "state", "paid_at")
    list_filter = ("state", "hub")
    search_fields = ("code", "shop__name")
    inlines = [PayoutLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Hiding goes through the moderator's page (reason, audit): read-only here."""

    list_display = ("product", "author_name", "stars", "created_at", "replied_at", "hidden_at",
                    "hidden_reason")
    list_filter = ("stars", "hidden_reason")
    search_fields = ("product__name", "author_name", "text")
    raw_id_fields = ("order_line", "product", "author")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CommuneOffice)
class CommuneOfficeAdmin(admin.ModelAdmin):
    list_display = ("organization", "commune")
    raw_id_fields = ("organization",)


@admin.register(HouseholdCount)
class HouseholdCountAdmin(admin.ModelAdmin):
    """Saved through ``services.kpis.set_household_count`` (checked, audited)."""

    list_display = ("commune", "year", "households", "source", "entered_by", "entered_at")
    list_filter = ("year",)
    search_fields = ("commune__name", "source")
    fields = ("commune", "year", "households", "source")

    def save_model(self, request, obj, form, change):
        saved = kpi_services.set_household_count(
            actor=request.user, commune=obj.commune, year=obj.year, households=obj.households,
            source=obj.source)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):
    """Saved through ``services.kpis.set_target`` (checked, audited)."""

    list_display = ("year", "shop_pct", "payment_account_pct", "source")

    def save_model(self, request, obj, form, change):
        saved = kpi_services.set_target(actor=request.user, year=obj.year, shop_pct=obj.shop_pct,
                                        payment_account_pct=obj.payment_account_pct,
                                        source=obj.source)
        obj.pk = saved.pk
