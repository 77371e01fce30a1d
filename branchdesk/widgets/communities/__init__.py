"""Widgets of the communities feature: the member card's communities field and its picker."""
