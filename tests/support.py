"""Values shared by tests (importable because pytest puts tests/ on the path)."""

from datetime import date

# A fixed "today" so dormant markers and demo dates never depend on the day the tests run.
TODAY = date(2026, 11, 25)


# A branch set up with staff (the sign-in tests): its manager, and 小李 as plain staff.
MANAGER_NAME, MANAGER_PASSWORD = "周经理", "mgr-pass-1"
STAFF_NAME, STAFF_PASSWORD = "小李", "li-pass-1"


def audit_operators(store, action: str) -> list[str]:
    """Who did `action`, oldest first, as the audit log names them."""
    return [row[0] for row in store.conn.execute(
        "SELECT operator FROM audit_log WHERE action = ? ORDER BY id", (action,))]
