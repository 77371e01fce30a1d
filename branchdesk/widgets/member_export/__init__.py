"""Exporting the roster's current filter to Excel from the app."""
