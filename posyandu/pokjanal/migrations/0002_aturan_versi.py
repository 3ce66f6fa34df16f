# A stored rule version is `<thing>_versi`, as tugas.Tugas.aturan_versi (docs/glossary.md).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('pokjanal', '0001_initial'),
    ]

    operations = [
        migrations.RenameField(
            model_name='stratabulanan',
            old_name='versi_aturan',
            new_name='aturan_versi',
        ),
    ]
