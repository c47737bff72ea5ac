"""The batch under every process model a coordinator's machine uses (issue 15 point 2): fork (Linux)
and spawn (Windows, macOS), chosen with NIANBAO_START_METHOD. Under spawn a worker is a fresh
interpreter that imports the pipeline itself and inherits nothing (no plans, no PDF engine)."""
import json
import os
import signal
import subprocess
import sys
import time

import openpyxl
import pytest
from conftest import SAMPLES
from processes import child_pids, inbox_of_copies, worker_pids

from converter.batch import workers
from converter.errors import NianbaoError

METHODS = ["fork", "spawn"]


def nianbao(method, *args, **kw):
    env = os.environ | {"NIANBAO_START_METHOD": method}
    return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, text=True, env=env, **kw)


def popen(method, *args, **kw):
    env = os.environ | {"NIANBAO_START_METHOD": method}
    return subprocess.Popen([sys.executable, "-m", "converter", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, **kw)


def _rows(path):
    return [r for r in openpyxl.load_workbook(path)["汇总"].iter_rows(min_row=2, values_only=True) if isinstance(r[0], int)]


def test_the_start_method_is_chosen_by_the_environment(monkeypatch):
    monkeypatch.setenv("NIANBAO_START_METHOD", "spawn")
    assert workers.start_method() == "spawn" and workers._context().get_start_method() == "spawn"
    monkeypatch.setenv("NIANBAO_START_METHOD", "thread")
    with pytest.raises(NianbaoError, match="NIANBAO_START_METHOD"):
        workers.start_method()
    monkeypatch.delenv("NIANBAO_START_METHOD")
    assert workers.start_method() == ("fork" if sys.platform.startswith("linux") else "spawn")
    r = nianbao("nonsense", "check", str(SAMPLES), "--jobs", "2")
    assert r.returncode == 2 and "NIANBAO_START_METHOD" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("method", METHODS)
def test_build_and_check_are_the_same_under_every_start_method(tmp_path, method):
    one = nianbao(method, "build", str(SAMPLES), "-o", str(tmp_path / "one"), "--jobs", "1")
    two = nianbao(method, "build", str(SAMPLES), "-o", str(tmp_path / "two"), "--jobs", "2", "--pdf")
    assert one.returncode == two.returncode == 1, two.stderr
    docs = sorted(p.name for p in (tmp_path / "one").glob("*.docx"))
    assert len(docs) == 5 and docs == sorted(p.name for p in (tmp_path / "two").glob("*.docx"))
    for name in docs:        # reports are reproducible: workers make the same bytes as the main process
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    pdfs = list((tmp_path / "two").glob("*.pdf"))             # the PDF engine, started in each worker
    assert len(pdfs) == 5 and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert _rows(tmp_path / "one" / "校验结果.xlsx") == _rows(tmp_path / "two" / "校验结果.xlsx")
    a = nianbao(method, "check", str(SAMPLES), "--json", "--jobs", "1")
    b = nianbao(method, "check", str(SAMPLES), "--json", "--jobs", "2")
    assert json.loads(a.stdout) == json.loads(b.stdout) and json.loads(a.stdout)


@pytest.mark.parametrize("method", METHODS)
def test_a_file_that_kills_its_worker_fails_alone_under(tmp_path, monkeypatch, method):
    """The spawn-safe form of test_cli's test: the job is replaced by one importable by name."""
    import crashers

    from converter.batch import run as batch
    monkeypatch.setenv("NIANBAO_START_METHOD", method)
    monkeypatch.setattr(batch, "_process_chunk", crashers.chunk_that_crashes)
    inbox = inbox_of_copies(tmp_path, 40)
    report = batch.build([inbox], tmp_path / "out", jobs=2)
    assert [t.status for t in report.tasks].count("converted") == 39
    failed = [t for t in report.tasks if t.status == "failed"]
    assert [os.path.basename(t.file) for t in failed] == [crashers.DEADLY]
    assert "处理进程意外退出" in failed[0].findings[0].message
    assert [os.path.basename(t.file) for t in report.tasks] == [f"{i:03d}.xlsx" for i in range(40)]


@pytest.mark.parametrize("method", METHODS)
def test_a_worker_killed_mid_batch_loses_nothing_under(tmp_path, method):
    inbox, out = inbox_of_copies(tmp_path, 120), tmp_path / "out"
    proc = popen(method, "build", str(inbox), "-o", str(out), "--jobs", "2")
    deadline = time.time() + 90
    while time.time() < deadline and (len(list(out.glob("*.docx"))) < 5 or not worker_pids(proc.pid)):
        time.sleep(0.02)
    found = worker_pids(proc.pid)
    assert found
    os.kill(found[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    assert len(list(out.glob("*.docx"))) == 120
    rows = _rows(out / "校验结果.xlsx")
    assert [r[1] for r in rows] == [f"{i:03d}.xlsx" for i in range(120)] and {r[5] for r in rows} == {"已转换"}


@pytest.mark.parametrize("method", METHODS)
def test_ctrl_c_keeps_what_was_finished_under(tmp_path, method):
    inbox, out = inbox_of_copies(tmp_path, 150), tmp_path / "out"
    proc = popen(method, "build", str(inbox), "-o", str(out), "--jobs", "2", start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline and len(list(out.glob("*.docx"))) < 5:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)          # what Ctrl-C in a terminal does: workers get it too
    _, err = proc.communicate(timeout=90)
    assert proc.returncode == 130 and "已中断" in err and "Traceback" not in err, err
    docs = list(out.glob("*.docx"))
    assert 5 <= len(docs) < 150
    assert not list(out.glob(".*"))
    listed = _rows(out / "校验结果.xlsx")
    assert len(listed) >= len(docs) and all(r[5] == "已转换" for r in listed)
    time.sleep(0.5)
    assert not child_pids(proc.pid)              # no worker outlives the batch
