"""Erasing a member in the app: the dialog the member card opens (services/erasure.py)."""
