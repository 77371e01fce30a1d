"""Values shared by tests (importable because pytest puts tests/ on the path)."""

from datetime import date

# A fixed "today" so dormant markers and demo dates never depend on the day the tests run.
TODAY = date(2026, 11, 25)
