"""Reusable pieces of the screens: the paged roster table, filter bar, status line, header…

Widgets hold no cross-screen state and no SQL: data comes in through their methods or a
source object the screen passes in.
"""
