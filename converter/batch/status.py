"""The one vocabulary of outcomes, shared by build, check, status, the 收件记录 manifest and feedback."""
from __future__ import annotations

from enum import Enum


class Status(str, Enum):
    """What became of one input (a str, so it compares and serialises as its value)."""
    CONVERTED = "converted"      # valid, and its report was written
    PASSED = "checked"           # valid (checked only)
    REJECTED = "rejected"        # read, with errors
    UNREADABLE = "unreadable"    # not read at all (not a workbook, damaged, not ours…)
    FAILED = "failed"            # something went wrong processing it (the rest of the batch went on)
    MISSING = "missing"          # a roster unit that sent nothing

    @property
    def label(self) -> str:
        """The Chinese word a user sees."""
        return _LABELS[self]

    @property
    def ok(self) -> bool:
        """Whether the input is valid."""
        return self in (Status.CONVERTED, Status.PASSED)

    @classmethod
    def parse(cls, text: str) -> Status:
        """A status from its value or its label (manifests written before the labels were unified)."""
        for s in cls:
            if text in (s.value, s.label):
                return s
        return _LEGACY.get(text, cls.FAILED)

    def __str__(self) -> str:
        return self.value


_LABELS = {Status.CONVERTED: "已转换", Status.PASSED: "通过", Status.REJECTED: "有错误",
           Status.UNREADABLE: "无法读取", Status.FAILED: "处理出错", Status.MISSING: "未报送"}
_LEGACY = {"校验通过": Status.PASSED, "未通过校验": Status.REJECTED}
