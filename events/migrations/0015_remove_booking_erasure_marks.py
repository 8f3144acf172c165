# Erased bookings are deleted now (0014 and events/bookings/retention.py): the marks that
# only erased rows carried go.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0014_refine_counters_delete_erased_bookings'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='booking',
            name='counted_at',
        ),
        migrations.RemoveField(
            model_name='booking',
            name='personal_data_erased_at',
        ),
    ]
