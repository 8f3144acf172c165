from django.db import migrations


def create_categories(apps, schema_editor):
    from events.categories import ensure_default_categories

    ensure_default_categories(apps.get_model("events", "EventCategory"))


class Migration(migrations.Migration):
    dependencies = [("events", "0002_initial")]

    operations = [migrations.RunPython(create_categories, migrations.RunPython.noop)]
