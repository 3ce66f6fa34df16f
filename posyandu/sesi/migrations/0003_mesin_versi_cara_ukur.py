# Names that follow docs/glossary.md: a stored version is `<thing>_versi`; the measuring position
# is spelled out (its values change in 0004), so the column is widened first.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sesi', '0002_tanda_bahaya'),
    ]

    operations = [
        migrations.RenameField(
            model_name='pengukuran',
            old_name='engine_version',
            new_name='mesin_versi',
        ),
        migrations.AlterField(
            model_name='pengukuran',
            name='cara_ukur',
            field=models.CharField(blank=True, choices=[('terlentang', 'lying (length)'), ('berdiri', 'standing (height)')], max_length=10, verbose_name='position'),
        ),
    ]
