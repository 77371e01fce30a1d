"""Phone and account numbers inside free text (a message, a finding, a reason, a complaint's
summary) masked as the app masks them in their own columns: a mobile as ``138****5678``
(member_fields.mask_phone), any other long number as an account, first three and last four
shown (member_fields.mask_account). In a checked message, what the privacy rules found
(also a number in parts or in Chinese numerals) is masked first as their rewrite masks it
(compliance/detectors.mask).

A number is a run of nine or more digits with nothing between them; a mobile may also be
written in groups (``138 1234 5678``, ``138-1234-5678``), and its spaces or hyphens are kept.
Shorter numbers (prices, percentages, dates, times) are left as they are.
"""

from __future__ import annotations

import re
from typing import Any

from branchdesk.compliance.detectors import mask
from branchdesk.member_fields import mask_account, mask_phone

# A mobile in groups first (11 digits, 1[3-9]…), then any unbroken run of nine digits or more
# (an 18-character ID card may end in X). Unicode digits count: a full-width １３８… is a phone too.
_NUMBER = re.compile(r"(?<!\d)(?:1[3-9]\d(?:[ -]?\d){8}|\d{17}[\dXx]|\d{9,})(?!\d)")
_MOBILE = re.compile(r"1[3-9]\d{9}")


def mask_numbers(text: str | None) -> str | None:
    """`text` with every phone or account number in it masked; None stays None."""
    if not text:
        return text
    return _NUMBER.sub(_masked, text)


def mask_message(text: str | None, findings: list[dict[str, Any]]) -> str | None:
    """A checked message's text with what its privacy findings matched masked, then every
    other phone or account number in it. Both keep the text's length, so each finding's
    span still points at its words."""
    if not text:
        return text
    chars = list(text)
    for finding in findings:
        start, end, match = finding.get("start"), finding.get("end"), finding.get("match")
        if (privacy(finding) and isinstance(start, int) and isinstance(end, int) and match
                and text[start:end] == match):
            chars[start:end] = mask(match)
    return mask_numbers("".join(chars))


def privacy(finding: dict[str, Any]) -> bool:
    return "privacy" in (finding.get("categories") or [finding.get("category")])


def _masked(match: re.Match[str]) -> str:
    written = match.group()
    digits = "".join(str(int(ch)) if ch.isdecimal() else ch for ch in written if ch.isalnum())
    shown = mask_phone(digits) if _MOBILE.fullmatch(digits) else mask_account(digits)
    # the masked characters back in the places of the digits, separators kept as written
    out, index = [], 0
    for ch in written:
        if ch.isalnum():
            out.append("*" if shown[index] == "*" else ch)
            index += 1
        else:
            out.append(ch)
    return "".join(out)
