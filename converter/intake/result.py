"""What every reader returns: the report data (or None), where each value was found, and findings."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from converter.checks.findings import Finding
from converter.definition.model import DataPath


@dataclass
class ReadResult:
    """One input read: `data` is None when it could not be read at all (findings say why)."""
    file: str
    data: dict[str, Any] | None = None
    format_id: str | None = None
    locations: dict[DataPath, tuple[str, str]] = field(default_factory=dict)   # path -> (sheet, "D6")
    findings: list[Finding] = field(default_factory=list)
    reported: set[DataPath] = field(default_factory=set)   # paths the reader already has a finding for
    published: str = ""        # 发布日期 (ISO yyyy-mm-dd) where a published page shows one

    @property
    def ok(self) -> bool:
        """Whether there is report data to check."""
        return self.data is not None
