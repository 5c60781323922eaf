# PostgreSQL: the product search index's key words (the names' marked words and
# beginnings, categories, communes, shops) get a posting table (core.search
# CreateKeyPostings): "every word in the name" is read by walking one word's postings
# newest first instead of the newest ids or the GIN index.

from django.db import migrations

from tinhso.core.search import CreateKeyPostings


class Migration(migrations.Migration):

    dependencies = [
        ('market', '0009_search_cards'),
    ]

    operations = [
        CreateKeyPostings('market_product'),
    ]
