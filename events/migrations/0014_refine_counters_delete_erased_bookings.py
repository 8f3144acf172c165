"""Existing installations: refine the old counters and delete the erased booking rows.

Until now the purge blanked a booking's personal fields but kept the row (who, residence,
first time, channel, door code, check-in time). Those rows are deleted here, with their
mails. Their counts are already in ``AttendanceCounter`` by fiscal year × category × who
× residence × first time × attended; where the rows still tell the month, organisation,
co-hosts and channel, that part of an old counter moves to the new, finer counters. Totals
stay exactly as they were: a part that cannot be matched (the counter is smaller than the
rows say, e.g. the event's category changed since) stays in the old counter, which the
statistics show under an unknown month.
"""

import zoneinfo

from django.db import migrations
from django.db.models import F

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def _local(value):
    return value.astimezone(TOKYO)


def _fiscal_year(local):
    return local.year if local.month >= 4 else local.year - 1


def refine_and_delete(apps, schema_editor):
    Booking = apps.get_model("events", "Booking")
    AttendanceCounter = apps.get_model("events", "AttendanceCounter")
    OutgoingMail = apps.get_model("events", "OutgoingMail")
    EventPage = apps.get_model("events", "EventPage")

    erased = Booking.objects.filter(personal_data_erased_at__isnull=False)
    counted = erased.filter(counted_at__isnull=False).select_related(
        "occurrence__event__category", "occurrence__event__host"
    )
    co_hosts = {}
    through = EventPage.co_hosts.through
    for event_id, organisation_id in through.objects.values_list(
        "eventpage_id", "organisationpage_id"
    ):
        co_hosts.setdefault(event_id, set()).add(organisation_id)

    groups = {}  # old key → {new key: [bookings, people, host name]}
    for booking in counted.iterator():
        occurrence = booking.occurrence
        local = _local(occurrence.start)
        event = occurrence.event
        category = event.category.slug if event is not None and event.category_id else ""
        host = event.host if event is not None and event.host_id else None
        host_id = host.pk if host is not None else 0
        others = sorted(co_hosts.get(event.pk, set()) - {host_id}) if event is not None else []
        first_time = {True: "yes", False: "no"}.get(booking.first_time, "")
        attended = booking.checked_in_at is not None
        old = (_fiscal_year(local), category, booking.who, booking.residence, first_time, attended)
        new = (
            local.month,
            host_id,
            f",{','.join(map(str, others))}," if others else "",
            booking.channel,
        )
        entry = groups.setdefault(old, {}).setdefault(
            new, [0, 0, host.title if host is not None else ""]
        )
        entry[0] += 1
        entry[1] += booking.party_size

    for old, parts in groups.items():
        year, category, who, residence, first_time, attended = old
        coarse = AttendanceCounter.objects.filter(
            fiscal_year=year,
            month=0,
            category=category,
            organisation=0,
            co_hosts="",
            who=who,
            residence=residence,
            first_time=first_time,
            attended=attended,
            channel="",
        ).first()
        bookings = sum(part[0] for part in parts.values())
        people = sum(part[1] for part in parts.values())
        if coarse is None or coarse.bookings < bookings or coarse.people < people:
            continue  # cannot be matched: the old counter keeps the count
        for (month, organisation, co_host_key, channel), (b, p, name) in parts.items():
            counter, _created = AttendanceCounter.objects.get_or_create(
                fiscal_year=year,
                month=month,
                category=category,
                organisation=organisation,
                co_hosts=co_host_key,
                who=who,
                residence=residence,
                first_time=first_time,
                attended=attended,
                channel=channel,
            )
            AttendanceCounter.objects.filter(pk=counter.pk).update(
                bookings=F("bookings") + b, people=F("people") + p, organisation_name=name
            )
        if coarse.bookings == bookings and coarse.people == people:
            coarse.delete()
        else:
            AttendanceCounter.objects.filter(pk=coarse.pk).update(
                bookings=F("bookings") - bookings, people=F("people") - people
            )

    ids = list(erased.values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        OutgoingMail.objects.filter(booking_id__in=chunk).delete()
        Booking.objects.filter(pk__in=chunk).delete()


class Migration(migrations.Migration):
    dependencies = [("events", "0013_counters_by_month_and_organisation")]

    operations = [migrations.RunPython(refine_and_delete, migrations.RunPython.noop)]
