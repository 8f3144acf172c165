from django.db import migrations


def create_category(apps, schema_editor):
    category = apps.get_model("events", "EventCategory")
    category.objects.get_or_create(
        slug="ibasho",
        defaults={
            "name": "居場所",
            "name_en": "Ibasho (place)",
            "colour": "dimgray",
            "icon": "🏠",
            "sort_order": 100,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("ibasho", "0002_ibasho_page"), ("events", "0003_default_categories")]

    operations = [migrations.RunPython(create_category, migrations.RunPython.noop)]
