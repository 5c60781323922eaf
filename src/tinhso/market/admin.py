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
