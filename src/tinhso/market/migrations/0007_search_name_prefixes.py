# The product search index gains the marked beginnings of the name's words (core.search
# PREFIX_MARK): PostgreSQL finds a name word being typed as one posting list.

from django.db import migrations

from tinhso.core.search import CreateSearchIndex, populate


class Migration(migrations.Migration):

    dependencies = [
        ('market', '0006_catalogue_sort_indexes'),
    ]

    operations = [
        CreateSearchIndex('market_product', keys=True, replace=True),
        migrations.RunPython(populate('market', 'Product'), migrations.RunPython.noop),
    ]
