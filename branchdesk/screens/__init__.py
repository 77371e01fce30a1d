"""One Textual Screen per job. Screens gather input, call a service and show the result.

Conventions shared by every screen:
- `BINDINGS` name a catalog key as their description; `translate_bindings(self)` in
  `__init__` turns it into text, and the app re-translates after a language switch.
- A screen may define `relabel()` to update its labels in place after a language switch
  (otherwise it is composed again), `reload_data()` to read its data again after an import,
  `palette_commands()` to add commands to the palette, and `HELP_SECTION` (a catalog key) to
  list its keys on the help screen.
"""
