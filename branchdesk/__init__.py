"""BranchDesk: run a brokerage branch's investor communities from one local SQLite file."""

__version__ = "0.1.0"
