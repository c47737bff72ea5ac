"""What each kind of cell means, in one place: its JSON Schema fragment, its Excel validation and
prompt, how a raw cell value is cleaned up, the fast-path test of "certainly valid" and its unit label.

The schema, the template's validations, the reader and the fast path all ask the kind; a property
test (tests/test_kinds.py) shows that the fast path never accepts a value the schema rejects."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from converter.definition import values


@dataclass(frozen=True, eq=False)
class Kind:
    """A kind of input. Subclasses say what it accepts; instances below are the kinds there are."""
    name: str
    unit: str = ""              # shown beside amounts: 万元, 元
    numeric: bool = False

    def schema(self, required: bool = False, items: int = 0) -> dict[str, Any]:
        """The JSON Schema fragment (draft 2020-12) of a value of this kind."""
        raise NotImplementedError

    def accepts(self, value: Any, required: bool = False, items: int = 0) -> bool:
        """True only when the schema certainly accepts `value` (it may say False for some values the
        schema accepts, e.g. 3.0 as a count; the schema then decides)."""
        raise NotImplementedError

    def clean(self, raw: Any) -> Any:
        """The value of a cell as read from a workbook (already not a formula)."""
        raise NotImplementedError

    def validation(self) -> dict[str, Any] | None:
        """The Excel data validation of an input cell (XlsxWriter options), or None."""
        return None


@dataclass(frozen=True, eq=False)
class NumberKind(Kind):
    """A number: whole or decimal, with optional bounds."""
    integer: bool = True
    minimum: int | None = None
    maximum: int | None = None
    suffix: str = ""            # a regular expression removed from typed text before parsing (年度)
    prompt_title: str = ""
    prompt: str = ""
    error: str = ""
    excel_bounds: tuple[int, int] | None = None   # Excel needs bounds to accept any whole number

    def schema(self, required: bool = False, items: int = 0) -> dict[str, Any]:
        s: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            s["minimum"] = self.minimum
        if self.maximum is not None:
            s["maximum"] = self.maximum
        return s

    def accepts(self, value: Any, required: bool = False, items: int = 0) -> bool:
        t = type(value)
        if self.integer:
            if t is not int:
                return False
        elif t is not int and not (t is float and math.isfinite(value)):
            return False
        return ((self.minimum is None or value >= self.minimum)
                and (self.maximum is None or value <= self.maximum))

    def clean(self, raw: Any) -> Any:
        return values.number(raw, self)

    def validation(self) -> dict[str, Any]:
        v: dict[str, Any] = {"validate": "integer" if self.integer else "decimal"}
        low, high = self.excel_bounds or (self.minimum, self.maximum)
        if low is not None and high is not None:
            v.update(criteria="between", minimum=low, maximum=high)
        elif low is not None:
            v.update(criteria=">=", value=low)
        v.update(input_title=self.prompt_title, input_message=self.prompt, error_message=self.error)
        return v


@dataclass(frozen=True, eq=False)
class TextKind(Kind):
    """Free text (line breaks are paragraphs) or a one-line text; required means not empty."""

    def schema(self, required: bool = False, items: int = 0) -> dict[str, Any]:
        return {"type": "string", "minLength": 1} if required else {"type": "string"}

    def accepts(self, value: Any, required: bool = False, items: int = 0) -> bool:
        return type(value) is str and (bool(value) or not required)

    def clean(self, raw: Any) -> Any:
        return values.text(raw)


@dataclass(frozen=True, eq=False)
class ItemsKind(Kind):
    """One item per row (问题, 改进): a list of non-empty texts, at most `items` of them."""

    def schema(self, required: bool = False, items: int = 0) -> dict[str, Any]:
        return {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": items}

    def accepts(self, value: Any, required: bool = False, items: int = 0) -> bool:
        return (type(value) is list and len(value) <= items
                and all(type(x) is str and x for x in value))

    def clean(self, raw: Any) -> Any:
        return values.items(raw)


COUNT = NumberKind("count", numeric=True, integer=True, minimum=0, prompt_title="填写件数",
                   prompt="请填写大于或等于 0 的整数；无数据请填 0。", error="请填写大于或等于 0 的整数。")
MONEY = NumberKind("money", unit="万元", numeric=True, integer=False, minimum=0, prompt_title="填写金额（万元）",
                   prompt="单位：万元，可含小数；无数据请填 0。", error="请填写大于或等于 0 的数字（单位：万元）。")
DELTA = NumberKind("delta", numeric=True, integer=True, excel_bounds=(-999999999, 999999999),
                   prompt_title="填写增减数", prompt="整数；减少填负数，无变化填 0。", error="请填写整数（减少填负数）。")
YEAR = NumberKind("year", numeric=True, integer=True, minimum=2008, maximum=2100, suffix=r"年度?$",
                  prompt_title="报告年度", prompt="四位年份，如 2024。", error="请填写四位年份，如 2024。")
AMOUNT = NumberKind("amount", unit="元", numeric=True, integer=False, minimum=0, prompt_title="填写金额（元）",
                    prompt="单位：元，可含小数；未收取请填 0。", error="请填写大于或等于 0 的数字。")
TEXT = TextKind("text")
LINE = TextKind("line")
ITEMS = ItemsKind("items")

KINDS: dict[str, Kind] = {k.name: k for k in (COUNT, MONEY, DELTA, YEAR, AMOUNT, TEXT, LINE, ITEMS)}
