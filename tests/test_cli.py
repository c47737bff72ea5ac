"""The command line as a coordinator uses it: exit codes, JSON, the check report, safe outputs."""
import hashlib
import json
import shutil
import subprocess
import sys

import openpyxl
import pytest
from conftest import SAMPLES, zero_values
from processes import inbox_of_copies, worker_pids

from converter.definition.formats import get
from converter.template.workbook import make_template


def nianbao(*args):
    return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, text=True)


def test_help_and_usage_errors():
    assert nianbao("--help").returncode == 0
    for cmd in ("template", "check", "build", "schema"):
        r = nianbao(cmd, "--help")
        assert r.returncode == 0 and "示例" in r.stdout
    assert nianbao().returncode == 2
    assert nianbao("build", "samples").returncode == 2            # -o missing
    assert nianbao("check", "/no/such/file.xlsx").returncode == 2
    assert nianbao("template", "-o", "x.xlsx", "--format", "2018").returncode == 2


def test_check_exit_codes_and_json():
    ok = nianbao("check", str(SAMPLES / "云溪县市场监督管理局-2024.xlsx"))
    assert ok.returncode == 0 and "通过 1" in ok.stdout
    bad = nianbao("check", str(SAMPLES / "云溪县自然资源局-2024.xlsx"), "--json")
    assert bad.returncode == 1
    found = json.loads(bad.stdout)
    assert {f["code"] for f in found} == {"P3_ROW_TOTAL", "P3_COLUMN_BALANCE", "P4_BLOCK_TOTAL"}
    for f in found:
        assert f["file"].endswith("云溪县自然资源局-2024.xlsx") and f["severity"] == "error"
        assert f["sheet"] and f["cell"] and f["message"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_output_piped_into_a_reader_that_stops_ends_quietly(tmp_path, jobs):
    """nianbao check … | head -1: the reader goes away; the batch stops without a
    traceback or an error line about the pipe."""
    inbox = inbox_of_copies(tmp_path, 40)
    proc = subprocess.Popen([sys.executable, "-m", "converter", "check", str(inbox), "--jobs", jobs],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline()
    proc.stdout.close()                         # what head does after its first line
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) == 141
    assert "Broken pipe" not in err and "Traceback" not in err and "Exception ignored" not in err, err


def test_readable_table_names_sheet_and_cell():
    out = nianbao("check", str(SAMPLES / "云溪县教育局-2024.xlsx")).stdout
    assert "'三、依申请公开'!H12" in out and "未填写，无数据请填 0" in out


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_build_samples(tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES, inbox)
    before = _digest(inbox)
    r = nianbao("build", str(inbox), "-o", str(tmp_path / "out"), "--jobs", "2")
    assert r.returncode == 1                                   # two samples are wrong on purpose
    assert _digest(inbox) == before                            # inputs never modified
    out = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "校验结果.xlsx" in out and len([n for n in out if n.endswith(".docx")]) == 5
    assert not [n for n in out if n.startswith(".")]           # no temporary files left behind
    wb = openpyxl.load_workbook(tmp_path / "out" / "校验结果.xlsx")
    assert wb.sheetnames == ["汇总", "问题明细"]
    rows = [row for row in wb["汇总"].iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)]
    assert [row[0] for row in rows] == list(range(1, 8))
    assert any(str(row[0]).startswith("合计：共 7 个文件") for row in wb["汇总"].iter_rows(values_only=True))
    status = {row[1]: row[5] for row in rows}
    assert status["云溪县自然资源局-2024.xlsx"] == "有错误"
    assert status["南岭镇人民政府-2024.xlsx"] == "已转换"
    detail = list(wb["问题明细"].iter_rows(min_row=2, values_only=True))
    assert ("云溪县教育局-2024.xlsx", "云溪县教育局", "错误", "'三、依申请公开'!H12,H13,H20") in [d[:4] for d in detail]
    assert "共 7 个文件" in r.stdout


def test_jobs_2_same_as_jobs_1(tmp_path):
    a = nianbao("check", str(SAMPLES), "--json", "--jobs", "1").stdout
    b = nianbao("check", str(SAMPLES), "--json", "--jobs", "2").stdout
    assert json.loads(a) == json.loads(b) and json.loads(a)


def test_same_unit_twice_is_not_silently_overwritten(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLES / "青山镇人民政府-2024.xlsx", inbox / "a.xlsx")
    shutil.copy(SAMPLES / "青山镇人民政府-2024.xlsx", inbox / "b.xlsx")
    r = nianbao("build", str(inbox), "-o", str(tmp_path / "out"))
    assert r.returncode == 0
    docs = sorted(p.name for p in (tmp_path / "out").glob("*.docx"))
    assert docs == ["青山镇人民政府2024年政府信息公开工作年度报告.docx", "青山镇人民政府2024年政府信息公开工作年度报告（2）.docx"]
    assert r.stdout.count("DUPLICATE_UNIT") == 1 and "与 a.xlsx 为同一单位同一年度" in r.stdout


def test_unit_text_in_check_report_is_never_a_formula(tmp_path):
    fmt = get("2021")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    values = zero_values(fmt, unit='=HYPERLINK("http://x","y")') | {("tables", "p3", "new", "natural"): 1}
    (inbox / "evil.xlsx").write_bytes(make_template(fmt, values=values))
    assert nianbao("build", str(inbox), "-o", str(tmp_path / "out")).returncode == 1
    wb = openpyxl.load_workbook(tmp_path / "out" / "校验结果.xlsx")
    cells = [c for row in wb["汇总"].iter_rows() for c in row if c.value == '=HYPERLINK("http://x","y")']
    assert cells and all(c.data_type == "s" for c in cells)


def test_template_command(tmp_path):
    r = nianbao("template", "-o", str(tmp_path / "t.xlsx"), "--format", "2019", "--unit", "南岭镇人民政府", "--year", "2024")
    assert r.returncode == 0
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert wb["版本信息"]["B2"].value == "2019" and wb["基本信息"]["B5"].value == "南岭镇人民政府"


def test_schema_command_matches_committed():
    from converter.generate import ROOT
    r = nianbao("schema", "--format", "2021")
    assert json.loads(r.stdout) == json.loads((ROOT / "schema" / "report-2021.schema.json").read_text())


@pytest.mark.parametrize("name", ["云溪县市场监督管理局-2024.xlsx"])
def test_library_and_cli_agree(name):
    from converter.batch import check_files
    lib = [f.to_dict() for f in check_files([SAMPLES / name]).findings()]
    cli = json.loads(nianbao("check", str(SAMPLES / name), "--json").stdout)
    assert [(f["code"], f["cell"]) for f in lib] == [(f["code"], f["cell"]) for f in cli]


@pytest.mark.parametrize("jobs, whole_group", [("1", False), ("2", False), ("2", True)],
                         ids=["one-process", "workers", "ctrl-c-to-process-group"])
def test_interrupted_build_keeps_what_was_finished(tmp_path, jobs, whole_group):
    import os
    import signal
    import time
    inbox = inbox_of_copies(tmp_path, 150, SAMPLES / "青山镇人民政府-2024.xlsx")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "converter", "build", str(inbox), "-o", str(out), "--jobs", jobs],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("*.docx"))) < 5:
        time.sleep(0.05)
    if whole_group:
        os.killpg(proc.pid, signal.SIGINT)      # what Ctrl-C in a terminal does
    else:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "已中断" in err
    docs = list(out.glob("*.docx"))
    assert 5 <= len(docs) < 150
    assert not list(out.glob(".*"))                            # no temporary files left
    wb = openpyxl.load_workbook(out / "校验结果.xlsx")
    listed = [row for row in wb["汇总"].iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)]
    assert len(listed) >= len(docs) and all(row[5] == "已转换" for row in listed)


def test_reports_are_readable_by_others(tmp_path):
    import os
    import stat
    old = os.umask(0o022)
    try:
        r = nianbao("build", str(SAMPLES / "青山镇人民政府-2024.xlsx"), "-o", str(tmp_path / "out"))
    finally:
        os.umask(old)
    assert r.returncode == 0
    for p in (tmp_path / "out").iterdir():
        assert stat.S_IMODE(p.stat().st_mode) == 0o644, p


def test_rerun_rewrites_only_changed_reports(tmp_path):
    import os
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for name in ("青山镇人民政府-2024.xlsx", "云溪县人民政府办公室-2024.xlsx"):
        shutil.copy(SAMPLES / name, inbox / name)
    assert nianbao("build", str(inbox), "-o", str(out)).returncode == 0
    docs = sorted(out.glob("*.docx"))
    for d in docs:
        os.utime(d, ns=(10**18, 10**18))         # an old date, to see which files a re-run touches
    fmt = get("2021")
    values = zero_values(fmt, unit="青山镇人民政府") | {("fields", "year"): 2024}
    (inbox / "青山镇人民政府-2024.xlsx").write_bytes(make_template(fmt, values=values))   # a resubmission
    assert nianbao("build", str(inbox), "-o", str(out)).returncode == 0
    touched = {d.name for d in docs if d.stat().st_mtime_ns != 10**18}
    assert touched == {"青山镇人民政府2024年政府信息公开工作年度报告.docx"}


def test_an_output_that_cannot_be_written_stops_only_that_file(tmp_path):
    """On Windows a report open in Word cannot be replaced; here a folder of the same name stands in."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    for name in ("青山镇人民政府-2024.xlsx", "云溪县人民政府办公室-2024.xlsx"):
        shutil.copy(SAMPLES / name, inbox / name)
    (out / "青山镇人民政府2024年政府信息公开工作年度报告.docx").mkdir(parents=True)
    (out / "校验结果.xlsx").mkdir()
    r = nianbao("build", str(inbox), "-o", str(out))
    assert r.returncode == 1
    assert "OUTPUT_FAILED" in r.stdout and "已有同名文件夹" in r.stdout
    assert (out / "云溪县人民政府办公室2024年政府信息公开工作年度报告.docx").is_file()
    reports = list(out.glob("校验结果-*.xlsx"))
    assert len(reports) == 1 and reports[0].name in r.stdout and "无法覆盖" in r.stderr
    rows = list(openpyxl.load_workbook(reports[0])["汇总"].iter_rows(min_row=2, max_row=3, values_only=True))
    assert {row[1]: row[5] for row in rows} == {"云溪县人民政府办公室-2024.xlsx": "已转换", "青山镇人民政府-2024.xlsx": "处理出错"}
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_worker_killed_mid_batch_loses_nothing(tmp_path):
    """The out-of-memory killer (or anything else) ends a worker: the files it held are done again."""
    import os
    import signal
    import time
    inbox, out = inbox_of_copies(tmp_path, 150, SAMPLES / "青山镇人民政府-2024.xlsx"), tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "converter", "build", str(inbox), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and (len(list(out.glob("*.docx"))) < 5 or not worker_pids(proc.pid)):
        time.sleep(0.02)
    workers = worker_pids(proc.pid)
    assert workers
    os.kill(workers[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert len(list(out.glob("*.docx"))) == 150
    rows = [r for r in openpyxl.load_workbook(out / "校验结果.xlsx")["汇总"].iter_rows(min_row=2, values_only=True)
            if isinstance(r[0], int)]
    assert [r[1] for r in rows] == [f"{i:03d}.xlsx" for i in range(150)] and {r[5] for r in rows} == {"已转换"}


def test_a_file_that_kills_its_worker_fails_alone(tmp_path, monkeypatch):
    import os

    from converter.batch import run as batch
    real = batch.process_file

    def crashing(path, outputs=None):
        if path.endswith("007.xlsx"):
            os._exit(1)            # what a crash in a C library looks like from outside
        return real(path, outputs)
    monkeypatch.setattr(batch, "process_file", crashing)     # forked workers inherit the patch
    inbox = inbox_of_copies(tmp_path, 40, SAMPLES / "青山镇人民政府-2024.xlsx")
    report = batch.build([inbox], tmp_path / "out", jobs=2)
    assert [t.status for t in report.tasks].count("converted") == 39
    failed = [t for t in report.tasks if t.status == "failed"]
    assert [os.path.basename(t.file) for t in failed] == ["007.xlsx"]
    assert failed[0].findings[0].code == "INTERNAL_ERROR" and "处理进程意外退出" in failed[0].findings[0].message
    assert [os.path.basename(t.file) for t in report.tasks] == [f"{i:03d}.xlsx" for i in range(40)]
