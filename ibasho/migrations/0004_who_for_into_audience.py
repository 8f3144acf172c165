"""Places and events share one audience model: a place's own ``who_for`` becomes the
inherited ``audience`` and ``women_only`` fields, on the pages and in their revisions (so a
draft published later keeps what the editor chose), and then goes."""

from django.db import migrations

# who_for → (audience or None to keep it, women_only)
MAPPING = {
    "self": ("self", False),
    "family": ("family", False),
    "women": (None, True),
    "anyone": (None, False),
}


def who_for_into_audience(apps, schema_editor):
    IbashoPage = apps.get_model("ibasho", "IbashoPage")
    for who_for, (audience, women_only) in MAPPING.items():
        places = IbashoPage.objects.filter(who_for=who_for)
        if audience is not None:
            places.update(audience=audience)
        if women_only:
            places.update(women_only=True)

    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="ibasho", model="ibashopage").first()
    if content_type is None:
        return
    for revision in Revision.objects.filter(content_type=content_type).iterator():
        content = revision.content
        if "who_for" not in content:
            continue
        audience, women_only = MAPPING.get(content.pop("who_for"), (None, False))
        if audience is not None:
            content["audience"] = audience
        if women_only:
            content["women_only"] = True
        revision.content = content
        revision.save(update_fields=["content"])


def audience_into_who_for(apps, schema_editor):
    IbashoPage = apps.get_model("ibasho", "IbashoPage")
    IbashoPage.objects.filter(women_only=True).update(who_for="women")
    for audience in ("self", "family"):
        IbashoPage.objects.filter(women_only=False, audience=audience).update(who_for=audience)


class Migration(migrations.Migration):
    dependencies = [
        ("ibasho", "0003_ibasho_category"),
        ("events", "0010_max_party_size_at_most_20"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(who_for_into_audience, audience_into_who_for),
        migrations.RemoveField(model_name="ibashopage", name="who_for"),
    ]
