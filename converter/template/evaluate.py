"""What every formula of the template evaluates to, given the values written into it.

A spreadsheet application that does not recalculate on opening (LibreOffice's default for .xlsx)
shows the result stored with each formula. So whatever writes values into a workbook also writes the
true result of every formula that depends on them: totals, check cells, status lines. Each formula
is built here beside the Python that computes its result, so that the two say the same thing."""
from __future__ import annotations

from typing import Any

from converter.definition.model import DataPath, Equation
from converter.definition.plan import Plan

PASS_MARK, FAIL_MARK = "✓", "✗"
CHECK_FAIL = f"{FAIL_MARK} 不符"
NOT_FILLED = "未填完"        # an operand is blank or not a number: like the checker, no verdict yet


def _number(v: Any) -> int | float:
    """What SUM() takes from a cell: numbers; text, booleans and blanks count as nothing."""
    return v if (type(v) is int or type(v) is float) else 0


class Evaluation:
    """The results of a workbook's formulas for the values written into it ({path: value})."""

    def __init__(self, plan: Plan, values: dict[DataPath, Any]):
        self.plan = plan
        self.values = values
        self._totals: dict[DataPath, int | float] = {}

    def formula_holds(self, path: DataPath) -> bool:
        """Whether the cell keeps the template's formula (a total nobody overtyped)."""
        return path in self.plan.computed and path not in self.values

    def number(self, path: DataPath) -> int | float:
        """The cell's contribution to a SUM."""
        if self.formula_holds(path):
            return self.total(path)
        return _number(self.values.get(path))

    def total(self, path: DataPath) -> int | float:
        """The result of a total's SUM formula."""
        if path not in self._totals:
            self._totals[path] = sum(self.number(p) for p in self.plan.computed[path].rhs)
        return self._totals[path]

    def holds(self, eq: Equation) -> bool:
        """The result of an equation's check cell: SUM(lhs)=SUM(rhs)."""
        return sum(self.number(p) for p in eq.lhs) == sum(self.number(p) for p in eq.rhs)

    def filled(self, path: DataPath) -> bool:
        """Whether COUNT() counts the cell: it holds a number (or its total formula)."""
        if self.formula_holds(path):
            return True
        v = self.values.get(path)
        return type(v) is int or type(v) is float

    def check_text(self, eq: Equation) -> str:
        """What the check cell shows (check_formula())."""
        if not all(self.filled(p) for p in (*eq.lhs, *eq.rhs)):
            return NOT_FILLED
        return PASS_MARK if self.holds(eq) else CHECK_FAIL

    def fails(self, eq: Equation) -> bool:
        """Whether the check cell shows a failure."""
        return self.check_text(eq) == CHECK_FAIL


    def blank(self, path: DataPath) -> bool:
        """Whether COUNTBLANK counts the cell (empty, or empty text)."""
        if self.formula_holds(path):
            return False
        v = self.values.get(path)
        return v is None or v == ""

    def empty_items(self, path: DataPath) -> bool:
        """Whether an items range holds nothing (COUNTA()=0)."""
        v = self.values.get(path)
        items = v if isinstance(v, list) else [v]
        return all(x is None or x == "" for x in items)


def check_formula(lhs: list[str], rhs: list[str]) -> str:
    """A live check cell: no verdict until every operand holds a number, then ✓ or ✗."""
    cells = ",".join(lhs + rhs)
    return (f'=IF(COUNT({cells})<{len(lhs) + len(rhs)},"{NOT_FILLED}",'
            f'IF(SUM({",".join(lhs)})=SUM({",".join(rhs)}),"{PASS_MARK}","{CHECK_FAIL}"))')


# -- status lines: each formula beside the text it gives -------------------------------------------
def grid_status_formula(blanks: str, fails: str, has_rules: bool) -> str:
    """A table sheet's status line: only what is true and non-zero."""
    done = f"{PASS_MARK} 本表已填写完整" + ("，勾稽关系成立" if has_rules else "")
    blank_part = f'IF(({blanks})>0,"本表尚有"&({blanks})&"个单元格未填写（无数据请填 0）","")'
    if not has_rules:
        return f'=IF(({blanks})=0,"{done}",{blank_part})'
    return (f'=IF(({blanks})+({fails})=0,"{done}",{blank_part}&IF(AND(({blanks})>0,({fails})>0),"；","")'
            f'&IF(({fails})>0,({fails})&"处勾稽关系不成立（见标红单元格）",""))')


def grid_status_text(blanks: int, fails: int, has_rules: bool) -> str:
    """What grid_status_formula() shows."""
    if blanks + fails == 0:
        return f"{PASS_MARK} 本表已填写完整" + ("，勾稽关系成立" if has_rules else "")
    parts = []
    if blanks:
        parts.append(f"本表尚有{blanks}个单元格未填写（无数据请填 0）")
    if fails:
        parts.append(f"{fails}处勾稽关系不成立（见标红单元格）")
    return "；".join(parts)


def _fields_done(required: bool, headings: bool) -> str:
    """A complete narrative sheet's status: 「✓ 必填项和各项内容已填写」 and its shorter forms."""
    return f"{PASS_MARK} " + "和".join(w for w, has in (("必填项", required), ("各项内容", headings)) if has) + "已填写"


def fields_status_formula(required: str, headings: str) -> str:
    """A narrative sheet's status line: required cells still empty, headings still without text."""
    done = _fields_done(bool(required), bool(headings))
    r = required or "0"
    h = headings or "0"
    return (f'=IF(({r})+({h})=0,"{done}",IF(({r})>0,"尚有"&({r})&"个必填项未填写","")'
            f'&IF(AND(({r})>0,({h})>0),"；","")&IF(({h})>0,({h})&"项内容尚未填写",""))')


def fields_status_text(required: int | None, headings: int | None) -> str:
    """What fields_status_formula() shows (None: the sheet has no such cells)."""
    r, h = required or 0, headings or 0
    if r + h == 0:
        return _fields_done(required is not None, headings is not None)
    parts = []
    if r:
        parts.append(f"尚有{r}个必填项未填写")
    if h:
        parts.append(f"{h}项内容尚未填写")
    return "；".join(parts)
