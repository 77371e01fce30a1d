"""An event-ready branch: the 200-member demo roster, the branch's zone and a fixed 'now'."""

from __future__ import annotations

from datetime import timedelta

import pytest
from event_support import NOW, TZ, at

from branchdesk.services import events


@pytest.fixture
def make_event(demo_store):
    def make(title="沙龙", start="12-05 14:00", hours=2, **values):
        begin = at(start)
        values = {"kind": "salon", "title": title, "start": begin,
                  "end": begin + timedelta(hours=hours), "room": "301", "capacity": 10, **values}
        return events.create_events(demo_store, "李娜", values, tz=TZ, now=NOW).events[0]

    return make
