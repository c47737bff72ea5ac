"""The roster (名单): which units report, and where to write to them. Read from .xlsx or .csv."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from converter.definition.values import text as clean_text
from converter.errors import NianbaoError

COLUMNS = {"unit": ("单位名称", "单位"), "email": ("邮箱", "电子邮箱", "邮件地址", "Email", "E-mail"),
           "contact": ("联系人",), "code": ("单位代码", "代码"), "parent": ("上级单位",),
           "kind": ("单位类型", "类型")}
REQUIRED = ("unit", "email")
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class RosterError(NianbaoError):
    """The roster cannot be used; `problems` are Chinese messages naming the file and row."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Unit:
    """One unit of the roster."""
    name: str
    email: str
    contact: str = ""
    code: str = ""
    parent: str = ""          # 上级单位: the unit whose own report should equal the sum of its children's
    kind: str = ""            # 单位类型, e.g. 县级以上人民政府 or 政府部门: which publication deadline applies


@dataclass(frozen=True)
class Roster:
    """The units that report, in roster order."""
    units: tuple[Unit, ...]
    source: str = ""

    def by_name(self, name: str | None) -> Unit | None:
        """The unit with this name (spaces and full-width forms ignored), or None."""
        key = unit_key(name or "")
        return next((u for u in self.units if unit_key(u.name) == key), None) if key else None

    def by_email(self, address: str | None) -> Unit | None:
        """The unit with this email address, or None."""
        address = (address or "").strip().lower()
        return next((u for u in self.units if u.email.lower() == address), None) if address else None


def unit_key(name: str) -> str:
    """Names compare without spaces, with full-width forms folded and case-folded (ABC局 is abc局:
    one file name on Windows and macOS, so one unit)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


def read_roster(source: str | Path) -> Roster:
    """The roster in a .xlsx or .csv file; RosterError lists every problem with its row."""
    path = Path(source)
    if not path.exists():
        raise RosterError([f"{path}：找不到名单文件"])
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(path)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    else:
        raise RosterError([f"{path}：名单应为 .xlsx 或 .csv 文件"])
    return _parse(rows, str(path))


def csv_text(raw: bytes) -> str:
    """A roster file's text, in whatever Excel or a text editor saved it as: UTF-16 with its byte
    order mark (Excel's 「Unicode 文本」), UTF-8 with or without BOM, or GBK (Excel's 「CSV（逗号分隔）」
    on Chinese Windows), read as GB 18030, which holds every GBK character. Line endings of any kind."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    odd, even = raw[1::2].count(0), raw[0::2].count(0)
    if odd + even > len(raw) // 10:      # UTF-16 without BOM: the ASCII (tabs, addresses) has NUL halves
        return raw.decode("utf-16-le" if odd >= even else "utf-16-be", "replace")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", "replace")


def _csv_rows(path: Path) -> list[list[str]]:
    text = csv_text(path.read_bytes())
    first = text.split("\n", 1)[0]
    # 「Unicode 文本」 and 「文本文件（制表符分隔）」 separate columns by tabs
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_rows(path: Path) -> list[list[str]]:
    import openpyxl
    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise RosterError([f"{path}：无法打开名单（{type(e).__name__}）"]) from None
    ws = wb.worksheets[0]
    rows = [[clean_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def _parse(rows: list[list[str]], source: str) -> Roster:
    rows = [[(c or "").strip() for c in row] for row in rows]
    header_at = next((i for i, row in enumerate(rows) if any(c in COLUMNS["unit"] for c in row)), None)
    if header_at is None:
        raise RosterError([f"{source}：找不到表头“单位名称”（应有列：单位名称、邮箱、联系人，可选单位代码）"])
    header = rows[header_at]
    cols = {}
    for key, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in names:
                cols[key] = i
                break
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in cols]
    if missing:
        raise RosterError([f"{source}：缺少列“{'”“'.join(missing)}”"])
    problems: list[str] = []
    units: list[Unit] = []
    seen_names: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for n, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        def get(k: str, row: list[str] = row) -> str:
            return row[cols[k]].strip() if k in cols and cols[k] < len(row) else ""
        name, email = get("unit"), get("email")
        if not name and not email:
            continue
        where = f"{source} 第 {n} 行"
        if not name:
            problems.append(f"{where}：缺少单位名称")
            continue
        if not _EMAIL.match(email):
            problems.append(f"{where}：“{name}”的邮箱“{email}”格式不正确")
            continue
        key = unit_key(name)
        if key in seen_names:
            problems.append(f"{where}：单位“{name}”与第 {seen_names[key]} 行重复")
            continue
        if email.lower() in seen_emails:
            problems.append(f"{where}：邮箱“{email}”与第 {seen_emails[email.lower()]} 行重复")
            continue
        seen_names[key], seen_emails[email.lower()] = n, n
        units.append(Unit(name, email, get("contact"), get("code"), get("parent"), get("kind")))
    listed = {unit_key(u.name) for u in units}
    for u in units:
        if u.parent and unit_key(u.parent) not in listed:
            problems.append(f"{source}：“{u.name}”的上级单位“{u.parent}”不在名单中")
        elif u.parent and unit_key(u.parent) == unit_key(u.name):
            problems.append(f"{source}：“{u.name}”的上级单位不能是它自己")
    if problems:
        raise RosterError(problems)
    if not units:
        raise RosterError([f"{source}：名单中没有单位"])
    return Roster(tuple(units), source)
