"""Back office of orders: read-only (an order's state moves only through
``services.orders``, audited); cancel and refund from the order's page."""

from django.contrib import admin

from tinhso.market.models import Order, OrderEvent, OrderLine, ShopOrder


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ShopOrderInline(ReadOnly, admin.TabularInline):
    model = ShopOrder
    fields = ("shop", "state", "items_total_vnd", "delivery_fee_vnd", "total_vnd",
              "commission_vnd", "payout_vnd")
    readonly_fields = fields
    extra = 0


class OrderEventInline(ReadOnly, admin.TabularInline):
    model = OrderEvent
    fields = ("at", "shop_order", "from_state", "to_state", "actor", "note")
    readonly_fields = fields
    extra = 0


@admin.register(Order)
class OrderAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("code", "placed_at", "buyer_name", "buyer_phone", "payment_method",
                    "total_vnd", "state")
    list_filter = ("state", "payment_method", "fulfilment", "hub")
    search_fields = ("code", "buyer_phone", "buyer_name")
    inlines = [ShopOrderInline, OrderEventInline]


class OrderLineInline(ReadOnly, admin.TabularInline):
    model = OrderLine
    fields = ("product_name", "unit", "unit_price_vnd", "quantity", "line_total_vnd")
    readonly_fields = fields
    extra = 0


@admin.register(ShopOrder)
class ShopOrderAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("order", "shop", "state", "total_vnd", "payout_vnd")
    list_filter = ("state",)
    search_fields = ("order__code", "shop__name")
    inlines = [OrderLineInline]
