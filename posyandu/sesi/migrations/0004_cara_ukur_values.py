# Stored positions "L"/"H" (WHO anthro's letters, where "L" also reads as male) become
# "terlentang"/"berdiri", and back on reversal. A migration of its own, so on PostgreSQL the
# rows are updated in a transaction apart from the ALTER TABLE of 0003.

from django.db import migrations

FORWARD = {'terlentang': ('L', 'l'), 'berdiri': ('H', 'h')}
BACKWARD = {'L': 'terlentang', 'H': 'berdiri'}


def spell_out(apps, schema_editor):
    Pengukuran = apps.get_model('sesi', 'Pengukuran')
    for new, old in FORWARD.items():
        Pengukuran.objects.filter(cara_ukur__in=old).update(cara_ukur=new)


def letters(apps, schema_editor):
    Pengukuran = apps.get_model('sesi', 'Pengukuran')
    for old, new in BACKWARD.items():
        Pengukuran.objects.filter(cara_ukur=new).update(cara_ukur=old)


class Migration(migrations.Migration):

    dependencies = [
        ('sesi', '0003_mesin_versi_cara_ukur'),
    ]

    operations = [
        migrations.RunPython(spell_out, letters, elidable=False),
    ]
