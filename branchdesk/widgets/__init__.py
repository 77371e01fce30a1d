"""Reusable Textual pieces the screens are built from."""
