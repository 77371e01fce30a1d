"""Cell normalisers: one raw spreadsheet cell in, one clean member value out.

Every normaliser returns the clean value, ``None`` for a blank cell (including placeholders
such as ``-``, ``无`` or ``N/A``), or raises ``ValueError(reason_key)`` where `reason_key` is a
catalog key (``roster_fields.reason.*``) that explains the problem to the user.

Cells come from calamine (numbers as floats, blanks as ``''``, dates as ``date``) or from a
CSV reader (everything text), so each normaliser accepts both shapes. The common case of each
is checked first and cheaply: these run once per cell of a 100,000-row import.

One module a kind of value: `cells` (what every normaliser shares: the cell type,
placeholders, folding), `phones`, `accounts`, `dates`, `levels` (risk level and experience),
`words` (needs and free tags), `amounts` and `text`.
"""
