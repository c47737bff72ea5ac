"""Issue 12, the reader's side: every hostile workbook gets a clear Chinese finding naming the file
(exit 1 through the CLI), or is read exactly as a conforming XML parser reads it. Never a traceback,
a hang, a modified input, or a process past 400 MB. The workbooks are built by
tests/fixtures/hostile/make_hostile.py from a valid sample."""
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, SAMPLES

from converter.batch import build, check_files
from converter.batch.pipeline import process_file
from converter.intake.safe_zip import MemberTooLarge, read_member
from converter.intake.workbook import read_workbook

sys.path.insert(0, str(FIXTURES / "hostile"))
import make_hostile

NIANBAO = str(Path(sys.executable).parent / "nianbao")
GOOD = SAMPLES / "青山镇人民政府-2024.xlsx"
UNIT = "青山镇人民政府"
MEMORY_CEILING_MB = 400


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """hostile(name) -> the path of that hostile workbook, built once per module."""
    folder = tmp_path_factory.mktemp("hostile")
    built: dict[str, Path] = {}

    def get(name: str) -> Path:
        if name not in built:
            built[name] = make_hostile.build(name, folder)
        return built[name]
    return get


def both(path):
    """The results of both engines."""
    return read_workbook(path, engine="xml"), read_workbook(path, engine="openpyxl")


def only_finding(path, code):
    """Both engines refuse the file with exactly this one finding; it is returned."""
    for r in both(path):
        assert r.data is None
        assert [f.code for f in r.findings] == [code]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.findings[0].message)
    return r.findings[0]


def cli(*args, timeout=120):
    return subprocess.run([NIANBAO, *map(str, args)], capture_output=True, text=True, timeout=timeout, check=False)


# -- serious 1: the fast engine reads what a conforming parser reads ------------------------------------
@pytest.mark.parametrize("name", ["comment_with_fake_sheet", "pi_with_fake_sheet"])
def test_fake_sheet_data_in_a_comment_or_processing_instruction_is_not_read(hostile, name):
    for r in both(hostile(name)):
        assert r.ok and r.findings == []
        assert r.data["fields"]["unit"] == UNIT


def test_cdata_holding_the_text_of_the_sheet_data_end_tag_is_read(hostile):
    for r in both(hostile("cdata_closing_sheet_data")):
        assert r.ok and r.data["fields"]["unit"] == "青山</sheetData>镇"


def test_comment_and_processing_instruction_inside_a_number_are_skipped(hostile):
    for r in both(hostile("comment_inside_number")):
        assert r.data["tables"]["p3"]["new"]["natural"] == 12


# -- serious 2: a zip bomb that lies about its size ---------------------------------------------------
def test_zip_bomb_lying_about_its_size_is_refused_while_inflating(hostile):
    path = hostile("lying_zip_bomb")
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet5.xml")
        assert info.file_size == 4096 and path.stat().st_size < 1 << 20
        with pytest.raises(MemberTooLarge) as caught:
            read_member(z, info, 32 << 20)
    assert caught.value.member == "xl/worksheets/sheet5.xml"
    found = only_finding(path, "FILE_TOO_LARGE")
    assert "sheet5.xml 解压后超过 32 MB（声明为 4096 字节）" in found.message


def test_read_member_gives_what_zipfile_gives_for_every_sample_part():
    for sample in SAMPLES.glob("*.xlsx"):
        with zipfile.ZipFile(sample) as z:
            for info in z.infolist():
                assert read_member(z, info, 1 << 25) == z.read(info)


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_read_member_streams_large_members_exactly_and_stops_at_the_cap(tmp_path, method):
    """8 MB that compress to a few KB: zlib hands the output out in pieces after all input is in."""
    data = (b"\0" * (1 << 20) + bytes(range(256)) * 64) * 8
    path = tmp_path / "big.zip"
    with zipfile.ZipFile(path, "w", method) as z:
        z.writestr("big.xml", data)
    with zipfile.ZipFile(path) as z:
        assert read_member(z, "big.xml", len(data)) == data
        with pytest.raises(MemberTooLarge):
            read_member(z, "big.xml", len(data) - 1)


# -- serious 3: memory within the size cap --------------------------------------------------------------
@pytest.mark.parametrize("name, part, what", [
    ("empty_cells_sheet", "xl/worksheets/sheet5.xml", "解压后 58 MB"),
    ("empty_cells_within_cap", "xl/worksheets/sheet5.xml", "XML 标记"),
    ("styles_bomb", "xl/styles.xml", "XML 标记"),
    ("shared_strings_bomb", "xl/sharedStrings.xml", "XML 标记"),
    ("package_rels_bomb", "_rels/.rels", "XML 标记"),
])
def test_parts_that_would_take_gigabytes_are_refused_naming_the_part(hostile, name, part, what):
    found = only_finding(hostile(name), "FILE_TOO_LARGE")
    assert f"{part} " in found.message and what in found.message


def test_costliest_cells_just_under_the_budget_are_read(hostile):
    for r in both(hostile("cells_just_under_budget")):
        assert r.ok and r.data["fields"]["unit"] == UNIT


def test_nesting_past_the_parsers_depth_limit_is_a_damaged_file(hostile):
    r = read_workbook(hostile("deep_nesting"))
    assert [f.code for f in r.findings] == ["FILE_CORRUPT"]


_PEAK = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:], capture_output=True); "
         "sys.stdout.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) + ' ' + str(p.returncode) "
         "+ '\\n' + p.stderr.decode(errors='replace'))")


@pytest.mark.parametrize("name", make_hostile.MEMORY)
def test_memory_ceiling_per_hostile_input(hostile, name):
    """`nianbao check` on one hostile file, in a process of its own: its peak resident memory."""
    path = hostile(name)
    out = subprocess.run([sys.executable, "-c", _PEAK, NIANBAO, "check", str(path)],
                         capture_output=True, text=True, timeout=300, check=False).stdout
    first, _, stderr = out.partition("\n")
    peak_kb, rc = map(int, first.split())
    print(f"{name}: peak {peak_kb // 1024} MB")
    assert peak_kb < MEMORY_CEILING_MB * 1024, f"{name}: {peak_kb // 1024} MB"
    assert rc in (0, 1) and "Traceback" not in stderr


# -- point 6: FIFOs, devices and sockets are reported, never opened --------------------------------------
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_socket_and_device_in_a_batch_are_reported_and_the_batch_goes_on(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(GOOD, inbox / "good.xlsx")
    os.mkfifo(inbox / "pipe.xlsx")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(inbox / "sock.xlsx"))
    try:
        # as a folder, as files named directly, through the API and the CLI: none may hang
        r = cli("check", "--json", inbox, "/dev/null", timeout=60)
        assert r.returncode == 1 and "Traceback" not in r.stderr
        found = {Path(f["file"]).name: f for f in json.loads(r.stdout)}
        assert found["pipe.xlsx"]["code"] == "FILE_NOT_XLSX" and "命名管道" in found["pipe.xlsx"]["message"]
        assert found["sock.xlsx"]["code"] == "FILE_NOT_XLSX" and "套接字" in found["sock.xlsx"]["message"]
        assert found["null"]["code"] == "FILE_NOT_XLSX" and "设备文件" in found["null"]["message"]
        assert cli("check", inbox / "pipe.xlsx", timeout=60).returncode == 1
        report = build([inbox], tmp_path / "out")
        status = {Path(t.file).name: t.status for t in report.tasks}
        assert status == {"good.xlsx": "converted", "pipe.xlsx": "unreadable", "sock.xlsx": "unreadable"}
        assert [t.findings[0].file for t in report.tasks if t.status == "unreadable"] == [
            str(inbox / "pipe.xlsx"), str(inbox / "sock.xlsx")]
    finally:
        sock.close()


# -- point 15: the right codes ------------------------------------------------------------------------
def test_deflate64_member_is_a_damaged_file_naming_the_method(hostile):
    found = only_finding(hostile("deflate64_member"), "FILE_CORRUPT")
    assert "sheet5.xml" in found.message and "Deflate64" in found.message


def test_member_flagged_encrypted_is_an_encrypted_file(hostile):
    only_finding(hostile("encrypted_member"), "FILE_ENCRYPTED")


def test_duplicate_zip_entry_is_a_damaged_file(hostile):
    found = only_finding(hostile("duplicate_entry"), "FILE_CORRUPT")
    assert "同名部件 xl/worksheets/sheet2.xml" in found.message


def test_shared_string_index_out_of_range_is_a_damaged_file(hostile):
    for r in both(hostile("shared_string_out_of_range")):
        assert [f.code for f in r.findings] == ["FILE_CORRUPT"]
    assert "共享字符串编号 999999 超出范围" in read_workbook(hostile("shared_string_out_of_range")).findings[0].message


def test_five_thousand_digit_number_is_a_finding_on_its_cell(hostile):
    task = process_file(str(hostile("five_thousand_digits")))
    assert task.status == "rejected"
    bad = [f for f in task.findings if f.code == "VALUE_NOT_NUMBER"]
    assert len(bad) == 1 and (bad[0].sheet, bad[0].cell) == ("三、依申请公开", "D8")
    assert "共 5000 位数字" in bad[0].message and len(bad[0].message) < 200


def test_five_thousand_digit_number_in_a_date_styled_cell(hostile, tmp_path):
    """The same number in a cell whose style shows dates: still its text, not a crash."""
    src = hostile("five_thousand_digits")
    def edit(name: str, data: bytes) -> bytes:
        if name == "xl/styles.xml":         # cell format 0 shows dates
            return data.replace(b'<cellXfs count="13"><xf numFmtId="0"', b'<cellXfs count="13"><xf numFmtId="14"')
        return data.replace(b'<c r="D8"><v>9', b'<c r="D8" s="0"><v>9')
    dst = make_hostile.rezip(tmp_path / "dated.xlsx", edit, src=src)
    r = read_workbook(dst)
    assert r.ok and "共 5000 位数字" in r.data["tables"]["p3"]["new"]["natural"]


def test_strict_open_xml_says_how_to_save_again(hostile):
    found = only_finding(hostile("strict_open_xml"), "FILE_STRICT_XML")
    assert "Strict" in found.message and "另存为“Excel 工作簿(*.xlsx)”" in found.message


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_file_we_may_not_read_says_permission_not_damage(tmp_path):
    """Root may read anything, so when the tests run as root the reader runs without the two
    capabilities that let it (setpriv, util-linux)."""
    path = tmp_path / "locked.xlsx"
    shutil.copy(GOOD, path)
    path.chmod(0)
    code = ("import sys; from converter.intake.workbook import read_workbook; "
            "print(' '.join(f.code + ' ' + f.message for f in read_workbook(sys.argv[1]).findings))")
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: cannot make a file unreadable")
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    r = subprocess.run([*prefix, sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                       timeout=60, check=False)
    assert r.stdout.split()[0] == "FILE_NO_PERMISSION", r.stderr
    assert "权限" in r.stdout and "损坏" not in r.stdout
    assert path.stat().st_mode & 0o777 == 0


# -- all of them through the CLI -----------------------------------------------------------------------
def test_every_hostile_file_through_the_cli_exit_1_names_the_file_and_is_left_unchanged(hostile, tmp_path):
    names = [n for n in make_hostile.BUILDERS if n not in make_hostile.MEMORY]
    paths = [hostile(n) for n in names]
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    r = cli("check", "--json", *paths)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    codes: dict[str, set[str]] = {str(p): set() for p in paths}
    for f in json.loads(r.stdout):
        codes[f["file"]].add(f["code"])
    readable = {"comment_with_fake_sheet", "pi_with_fake_sheet", "cdata_closing_sheet_data",
                "comment_inside_number", "five_thousand_digits"}
    for name, path in zip(names, paths):
        file_level = {c for c in codes[str(path)] if c.startswith("FILE_")}
        assert bool(file_level) is (name not in readable), (name, codes[str(path)])
    assert not any("INTERNAL_ERROR" in c for c in codes.values())
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths} == before
    report = check_files(paths)
    assert all(t.status != "failed" for t in report.tasks)
