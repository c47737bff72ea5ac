"""What intake is willing to unpack and parse, so that no workbook takes a process past a few hundred MB.

Two bounds, both far above any filled template (its largest part is about 40 KB and the whole workbook
has about 30,000 tags and attributes):

- MAX_PART: bytes one part may inflate to, counted while inflating (see safe_zip).
- MAX_MARKUP: tags plus attributes ('<' and '=' bytes, an upper bound of both) over all the parts one
  workbook has parsed. A parsed element or attribute costs lxml (or openpyxl) about 200 bytes
  whatever its size on disk, so this is what bounds a sheet of millions of empty cells, a styles part of
  millions of cell formats or a table of millions of shared strings; XML nesting depth is bounded by
  libxml2 itself (256 levels unless huge_tree is asked for, which it never is).
"""
from __future__ import annotations

from converter.intake.safe_zip import MemberTooLarge

MAX_PART = 32 << 20
MAX_MARKUP = 800_000
SMALL_PART = 256 << 10


def markup(raw: bytes) -> int:
    """An upper bound of the number of tags and attributes in an XML document's bytes."""
    return raw.count(b"<") + raw.count(b"=")


def charge(raw: bytes) -> int:
    """What a part's bytes cost the budget. A tag or an attribute takes at least 3 bytes ("<a>",
    ' a=""'), so a small part is charged a third of its size without counting; large ones are counted."""
    return len(raw) // 3 if len(raw) <= SMALL_PART else markup(raw)


class MarkupBudget:
    """Counts the markup of the parts one workbook parses; raises MemberTooLarge naming the part that
    goes past MAX_MARKUP."""

    def __init__(self, limit: int = MAX_MARKUP):
        self.left = limit
        self.limit = limit

    def spend(self, part: str, raw: bytes) -> None:
        """Charge a part's markup to the budget; FILE_TOO_LARGE (as a MemberTooLarge) once it is spent."""
        self.spend_charge(part, charge(raw))

    def spend_charge(self, part: str, amount: int) -> None:
        """Charge `amount` (what charge() gave for the part's bytes) to the budget, as spend() does."""
        self.left -= amount
        if self.left < 0:
            raise MemberTooLarge(part, f"XML 标记（单元格、样式、字符串等）合计超过 {self.limit:,} 个")
