"""Widgets of the events area: the agenda list, the event form, the invitation dialog."""
