# The version of the checklist answered in `ceklis` is `ceklis_versi` (docs/glossary.md:
# Indonesian schema, a stored version is `<thing>_versi`).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('kunjungan_rumah', '0002_kunjunganrumah_tugas_dipilih'),
    ]

    operations = [
        migrations.RenameField(
            model_name='anggotadikunjungi',
            old_name='checklist_versi',
            new_name='ceklis_versi',
        ),
    ]
