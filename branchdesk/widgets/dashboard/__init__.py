"""Widgets of the dashboard (看板): figure cards with an 8-week sparkline, the tables."""
