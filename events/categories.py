"""The event categories every installation starts with (FY2023 measures of the seed plan)."""

DEFAULT_CATEGORIES = [
    # slug, Japanese, English, CSS colour name, icon
    ("joint-consultation-fair", "合同相談会", "Joint consultation fair", "teal", "🤝"),
    ("family-gathering", "家族交流会", "Family gathering", "darkorange", "☕"),
    ("ux-womens-meeting", "ひきこもりUX女子会", "UX women's meeting", "mediumvioletred", "🌷"),
    ("ux-mothers-meeting", "UXママ会", "UX mothers' meeting", "orchid", "🌼"),
    ("lecture", "講演会", "Lecture", "steelblue", "🎤"),
    ("holiday-consultation", "休日相談", "Holiday consultation", "seagreen", "📞"),
    ("study-training", "勉強会・研修会", "Study session / training", "slateblue", "📘"),
    ("network-meeting", "ネットワーク会議", "Network meeting", "sienna", "🔗"),
]


def ensure_default_categories(category_model):
    """Create the default categories that are missing; never overwrite an edited one."""
    for order, (slug, name, name_en, colour, icon) in enumerate(DEFAULT_CATEGORIES):
        category_model.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "name_en": name_en,
                "colour": colour,
                "icon": icon,
                "sort_order": order * 10,
            },
        )
