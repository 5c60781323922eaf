"""Checkout under contention: 16 buyers racing for the last units of one product.

Run alone: ``.venv/bin/python bench/market_checkout.py`` (SQLite in a temporary
directory), or with ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/tinhso_bench``
(the database is dropped, created, migrated and dropped again; its name must contain
"bench"). Or call :func:`checkout_race` from another benchmark (``bench/market.py``) once
Django is set up on a migrated database: it creates its own shop and product.

Each buyer thread (its own database connection) places orders of 1 kg of the same
product, through the real service (``services.orders.place_order``: checks, one
transaction, the conditional UPDATE on the stock), until it is refused because the
product ran out. Reported: orders placed per second over the race, and ``oversold``: the
quantity sold beyond the stock (must be 0), with the checks that back it (the stock left
equals the stock minus what the order lines hold; every refusal named the product).
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def checkout_race(*, buyers: int = 16, stock: int = 200, quantity: str = "1") -> dict:
    """The race; returns ``{"checkout_per_s", "oversold", ...}``. Needs a migrated
    database (Django set up); leaves its shop, product and orders behind."""
    from django.db import close_old_connections, connection

    from tinhso.accounts.models import Organization, OrganizationKind
    from tinhso.core.errors import DomainError, InvalidInput
    from tinhso.core.models import AdministrativeUnit
    from tinhso.market.demo_orders import seed_market_payee
    from tinhso.market.models import Category, OrderLine, Product, Shop
    from tinhso.market.services.orders import Contact, LineRequest, place_order

    seed_market_payee()
    tag = f"bench-{int(time.time() * 1000)}"
    commune = (AdministrativeUnit.objects.filter(kind__in=["commune", "ward"]).first()
               or AdministrativeUnit.objects.create(code=99_001, name="Xã Thử", kind="commune"))
    org = Organization.objects.create(code=tag, name=f"Hộ {tag}", kind=OrganizationKind.HOUSEHOLD)
    shop = Shop.objects.create(organization=org, slug=tag, name=f"Cửa hàng {tag}",
                               commune=commune, address="Thôn Thử", phone="0912000999")
    category, _ = Category.objects.get_or_create(slug="bench", defaults={"name": "Thử tải"})
    product = Product.objects.create(shop=shop, slug="na", name="Na Chi Lăng (thử tải)",
                                     category=category, unit="kg", price_vnd=45_000,
                                     quantity_step=Decimal("0.5"), min_quantity=Decimal("1"),
                                     stock=Decimal(stock))
    contact = Contact(buyer_name="Người mua thử", buyer_phone="0987654321",
                      commune_code=commune.code, address="Số 1", payment_method="vietqr")
    barrier = threading.Barrier(buyers)
    lock = threading.Lock()
    sold: list[Decimal] = []
    refusals = {"clear": 0, "unclear": 0, "other": 0}
    failures: list[str] = []

    def buyer() -> None:
        close_old_connections()
        try:
            barrier.wait()
            while True:
                try:
                    place_order(actor=None, contact=contact,
                                lines=[LineRequest(product.pk, quantity)])
                except (DomainError, InvalidInput) as error:
                    errors = error.errors if isinstance(error, InvalidInput) else [error]
                    clear = all(product.name in e.message_vi and product.name in e.message_en
                                for e in errors)
                    with lock:
                        refusals["clear" if clear else "unclear"] += 1
                    return
                except Exception as error:  # noqa: BLE001 - counted, reported, never hidden
                    with lock:
                        refusals["other"] += 1
                        failures.append(repr(error)[:300])
                    return
                with lock:
                    sold.append(Decimal(quantity))
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer) for _ in range(buyers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    product.refresh_from_db()
    sold_quantity = sum(sold, Decimal(0))
    in_lines = sum(OrderLine.objects.filter(product=product).values_list("quantity", flat=True),
                   Decimal(0))
    return {
        "checkout_buyers": buyers,
        "checkout_orders": len(sold),
        "checkout_seconds": round(elapsed, 3),
        "checkout_per_s": round(len(sold) / elapsed, 1) if elapsed else 0.0,
        "oversold": float(max(Decimal(0), sold_quantity - Decimal(stock))),
        "stock_consistent": product.stock == Decimal(stock) - in_lines == Decimal(stock)
        - sold_quantity and product.stock >= 0,
        "refused_clearly": refusals["clear"],
        "refused_unclearly": refusals["unclear"],
        "failed_otherwise": refusals["other"],
        "first_failure": failures[0] if failures else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=16)
    parser.add_argument("--stock", type=int, default=200, help="kg of the product")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "src"))
    from bench.border_events import drop_database, prepare_database

    with tempfile.TemporaryDirectory() as tmp:
        db = prepare_database(Path(tmp))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
        os.environ.setdefault("NOTIFY_BACKEND", "console")
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        try:
            result = {"database": db["vendor"], **checkout_race(buyers=args.buyers,
                                                                stock=args.stock)}
        finally:
            from django.db import connections

            connections.close_all()
            drop_database(db)
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
