from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("kunjungan_rumah", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="kunjunganrumah",
            name="tugas_dipilih",
            field=models.JSONField(blank=True, default=list, verbose_name="tasks answered"),
        ),
    ]
