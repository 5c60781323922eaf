# The product search index gains key words (category, communes, shop, speciality, OCOP
# stars) for filters inside the index, SQLite prefix indexes, and holds only what is on
# sale in an open shop (core.search.find: bounded work per query).

from django.db import migrations

from tinhso.core.search import CreateSearchIndex, populate


class Migration(migrations.Migration):

    dependencies = [
        ('market', '0004_merge_0003_catalogue_0003_hubs_reviews_kpis'),
    ]

    operations = [
        CreateSearchIndex('market_product', keys=True, replace=True),
        migrations.RunPython(populate('market', 'Product'), migrations.RunPython.noop),
    ]
