"""Stage 0 → the workbook: a format's compiled plan drawn as the standard 填报模板 (.xlsx), blank or
pre-filled, in fixed steps: sheet → labels → inputs with defined names → totals as formulas →
validations → live checks and conditional formatting → protection and widths.

In: a format (or its plan), optionally a unit, a year and values by data path. Out: .xlsx bytes.
"""
from converter.template.evaluate import FAIL_MARK, NOT_FILLED, PASS_MARK
from converter.template.from_data import values_from_data
from converter.template.workbook import make_template, write_template

__all__ = ["FAIL_MARK", "NOT_FILLED", "PASS_MARK", "make_template", "values_from_data", "write_template"]
