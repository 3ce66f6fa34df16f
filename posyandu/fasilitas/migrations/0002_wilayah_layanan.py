# "cakupan" means coverage (an indicator) only; the area a Posyandu serves is its wilayah layanan
# (docs/glossary.md).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('fasilitas', '0001_initial'),
    ]

    operations = [
        migrations.RenameField(
            model_name='posyandu',
            old_name='cakupan',
            new_name='wilayah_layanan',
        ),
    ]
