# The documents' search indexes gain key words (agency, type, register, state and the
# row-level visibility of access.py) so that search runs through core.search.find: words
# and filters matched inside the index, bounded work per query (p99 was 800 ms on
# PostgreSQL at 200,000 documents through the ranked search and its join).

from django.db import migrations

from tinhso.core.search import CreateSearchIndex, populate


class Migration(migrations.Migration):

    dependencies = [
        ('documents', '0002_recent_indexes'),
    ]

    operations = [
        CreateSearchIndex('documents_incomingdocument', keys=True, replace=True),
        migrations.RunPython(populate('documents', 'IncomingDocument'),
                             migrations.RunPython.noop),
        CreateSearchIndex('documents_outgoingdocument', keys=True, replace=True),
        migrations.RunPython(populate('documents', 'OutgoingDocument'),
                             migrations.RunPython.noop),
    ]
