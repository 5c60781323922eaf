"""Part 11: the market's demo data — households with shops in several communes, one hub
with its staff, 150 products with drawn photos stored like uploads, OCOP items (one
expired), demo logins that work; a second run creates nothing."""

import pytest
from django.core.management import call_command
from PIL import Image

from tinhso.accounts.models import Membership, Role
from tinhso.core import files
from tinhso.core.demo import DEMO_PASSWORD
from tinhso.market import demo
from tinhso.market import selectors_catalogue as selectors
from tinhso.market.models import Hub, Product, ProductPhoto, Shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(capsys):
    call_command("seed_demo")
    return capsys.readouterr().out


def test_households_shops_and_hub(seeded):
    shops = Shop.objects.all()
    assert shops.count() == 30
    assert shops.values("commune").distinct().count() >= 6
    assert Membership.objects.filter(role=Role.SHOP_OWNER,
                                     organization__market_shop__isnull=False).count() == 30
    hub = Hub.objects.get(slug=demo.HUB_CODE)
    assert hub.payee is not None and hub.members.count() >= 5
    roles = set(Membership.objects.filter(organization=hub.organization)
                .values_list("role", flat=True))
    assert roles == {Role.HUB_MANAGER, Role.HUB_ACCOUNTANT}
    assert demo.SELLER_EMAIL in seeded and demo.HUB_MANAGER_EMAIL in seeded


def test_products_with_drawn_photos_and_ocop(seeded, clock):
    products = Product.objects.all()
    assert products.count() == 150
    assert ProductPhoto.objects.values("product").distinct().count() == 150
    photo = ProductPhoto.objects.order_by("id").first()
    with files.private_storage().open(photo.original) as handle:
        image = Image.open(handle)
        assert image.format == "JPEG" and image.size == demo.PHOTO_SIZE
    from django.utils import timezone

    today = timezone.localdate()
    ocop = [p for p in products if p.ocop_stars]
    assert len(ocop) >= 10
    expired = [p for p in ocop if not p.ocop_valid_on(today)]
    assert len(expired) == 1
    # the catalogue finds the demo products, accent-insensitively
    found = selectors.catalogue(selectors.CatalogueFilter(q="na chi lang"), today=today)
    assert found.count() >= 1 and found[0]["name"].startswith("Na Chi Lăng")


def test_demo_logins_work(seeded):
    from tinhso.accounts.models import User

    for email, role in [(demo.SELLER_EMAIL, Role.SHOP_OWNER),
                        (demo.HUB_MANAGER_EMAIL, Role.HUB_MANAGER),
                        (demo.HUB_ACCOUNTANT_EMAIL, Role.HUB_ACCOUNTANT),
                        (demo.BUYER_EMAIL, Role.CITIZEN)]:
        user = User.objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD), email
        assert user.memberships.filter(role=role).exists(), email


def test_second_run_creates_nothing(seeded):
    counts = (Shop.objects.count(), Product.objects.count(), ProductPhoto.objects.count(),
              Membership.objects.count())
    call_command("seed_demo")
    assert (Shop.objects.count(), Product.objects.count(), ProductPhoto.objects.count(),
            Membership.objects.count()) == counts


def test_drawn_photo_is_a_small_jpeg_with_the_name():
    data = demo.draw_photo("Thạch đen Tràng Định loại 1", "pack", "#2c3e50")
    assert data[:3] == b"\xff\xd8\xff" and len(data) < 40_000
