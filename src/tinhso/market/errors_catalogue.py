"""Error codes of shops and the catalogue (English templates = gettext msgids)."""

from enum import StrEnum

from django.utils.translation import gettext_noop

from tinhso.core.errors import coded_error, coded_invalid


class CatalogueError(StrEnum):
    CODE_WRONG = "market.code_wrong"
    CODE_TOO_SOON = "market.code_too_soon"
    CODE_TOO_MANY = "market.code_too_many"
    PHONE_TAKEN = "market.phone_taken"
    TEXT_LENGTH = "market.text_length"
    COMMUNE = "market.commune"
    BANK = "market.bank"
    ACCOUNT_NUMBER = "market.account_number"
    TAX_CODE_TAKEN = "market.tax_code_taken"
    CATEGORY = "market.category"
    UNIT = "market.unit"
    PRICE = "market.price"
    QUANTITY = "market.quantity"
    STOCK = "market.stock"
    SEASON = "market.season"
    OCOP_STARS = "market.ocop_stars"
    OCOP_FIELDS = "market.ocop_fields"
    OCOP_DATES = "market.ocop_dates"
    NAME_TAKEN = "market.name_taken"
    TOO_MANY_PHOTOS = "market.too_many_photos"
    NOT_YOURS = "market.not_yours"


MESSAGES: dict[CatalogueError, tuple[str, int]] = {
    CatalogueError.CODE_WRONG: (
        gettext_noop("The code is wrong or has expired. Ask for a new code."), 422),
    CatalogueError.CODE_TOO_SOON: (
        gettext_noop("A code was just sent to this number. Wait a minute before asking again."),
        429),
    CatalogueError.CODE_TOO_MANY: (
        gettext_noop("Too many wrong codes. Ask for a new code."), 429),
    CatalogueError.PHONE_TAKEN: (
        gettext_noop("This mobile number already has a shop."), 409),
    CatalogueError.TEXT_LENGTH: (
        gettext_noop("Must have between {low} and {high} characters."), 422),
    CatalogueError.COMMUNE: (
        gettext_noop("Choose a commune or ward of the province."), 422),
    CatalogueError.BANK: (gettext_noop("Choose a bank from the list."), 422),
    CatalogueError.ACCOUNT_NUMBER: (
        gettext_noop("An account number has 6 to 19 digits."), 422),
    CatalogueError.TAX_CODE_TAKEN: (
        gettext_noop("This tax code is already registered to another organisation."), 409),
    CatalogueError.CATEGORY: (gettext_noop("Choose a category from the list."), 422),
    CatalogueError.UNIT: (gettext_noop("Choose a unit from the list."), 422),
    CatalogueError.PRICE: (
        gettext_noop("The price is a whole number of đồng, from 1 to {high}."), 422),
    CatalogueError.QUANTITY: (
        gettext_noop("A positive quantity with at most three decimals (for example 0,5)."),
        422),
    CatalogueError.STOCK: (
        gettext_noop("The stock is zero or more, with at most three decimals."), 422),
    CatalogueError.SEASON: (
        gettext_noop("Give both months of the season (1 to 12), or neither."), 422),
    CatalogueError.OCOP_STARS: (gettext_noop("OCOP stars are 3, 4 or 5."), 422),
    CatalogueError.OCOP_FIELDS: (
        gettext_noop("An OCOP product needs its certificate number, decision and date."), 422),
    CatalogueError.OCOP_DATES: (
        gettext_noop("The OCOP certificate must be issued by today and expire after issue."),
        422),
    CatalogueError.NAME_TAKEN: (
        gettext_noop("This shop already sells a product with this name."), 409),
    CatalogueError.TOO_MANY_PHOTOS: (
        gettext_noop("A product has at most {limit} photos."), 422),
    CatalogueError.NOT_YOURS: (gettext_noop("Not found."), 404),
}

catalogue_error = coded_error(MESSAGES)
catalogue_invalid = coded_invalid(MESSAGES)
