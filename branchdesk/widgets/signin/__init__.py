"""Widgets of sign-in and authorisation: the name-and-password fields that an act needing a
reviewer's or manager's password adds to a FormDialog (as an approval does)."""
