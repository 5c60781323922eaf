# The product search index stores each product's catalogue card (core.search data=True,
# market.search_index.card_data) and keys categories by their code: a catalogue search
# reads its page from the index alone, with no join with the product table and no query
# for the category's id.

from django.db import migrations

from tinhso.core.search import CreateSearchIndex, populate


class Migration(migrations.Migration):

    dependencies = [
        ('market', '0008_catalogue_ocop_index'),
    ]

    operations = [
        CreateSearchIndex('market_product', keys=True, data=True, replace=True),
        migrations.RunPython(populate('market', 'Product'), migrations.RunPython.noop),
    ]
