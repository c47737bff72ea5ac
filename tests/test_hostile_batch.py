"""Issue 12, hostile runs of `build` and `extract`: two builds into one folder, SIGTERM and kill -9 in the
middle of a batch, an output folder that is also the input folder. Real processes and real signals."""
import os
import shutil
import signal
import subprocess
import sys
import time

import openpyxl
import pytest
from processes import SAMPLE, child_pids, inbox_of_copies

from converter.batch.outputs import process_running, remove_leftovers


def nianbao(*args):
    return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, text=True, timeout=300)


def _dead_pid():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    assert not process_running(p.pid)
    return p.pid


def test_leftover_cleanup_spares_a_live_runs_file_in_flight(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        in_flight = out / f".~{live.pid}-0.part"            # another build's report, half written
        in_flight.write_bytes(b"PK half a report")
        spool = out / f".~{live.pid}-k3j_x9a.part"           # another build's 校验结果 rows, spooled
        spool.write_bytes(b"<row/>")
        dead = _dead_pid()
        leftovers = [out / f".~{dead}-0.part", out / f".~{dead}-abc_12.part"]   # an interrupted run's
        for p in leftovers:
            p.write_bytes(b"x")
        foreign = out / ".~lock.校验结果.xlsx#"                # LibreOffice's lock file: not ours
        foreign.write_bytes(b"x")
        r = nianbao("build", str(SAMPLE), "-o", str(out))
        assert r.returncode == 0, r.stderr
        assert in_flight.read_bytes() == b"PK half a report" and spool.exists() and foreign.exists()
        assert not any(p.exists() for p in leftovers)
        assert (out / "校验结果.xlsx").is_file()
    finally:
        live.kill()
        live.wait()
    remove_leftovers(str(out))                              # its owner gone, it is a leftover now
    assert not in_flight.exists() and not spool.exists() and foreign.exists()


def test_two_builds_into_one_output_folder_both_finish(tmp_path):
    inbox = inbox_of_copies(tmp_path, 40)
    out = tmp_path / "out"
    procs = [subprocess.Popen([sys.executable, "-m", "converter", "build", str(inbox), "-o", str(out), "--jobs", "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
        assert "Traceback" not in err
    assert len(list(out.glob("*.docx"))) == 40               # one unit 40 times: （2）…（40）
    rows = [r for r in openpyxl.load_workbook(out / "校验结果.xlsx")["汇总"].iter_rows(min_row=2, values_only=True)
            if isinstance(r[0], int)]
    assert len(rows) == 40
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def _wait_for_docx(out, n, proc):
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.glob("*.docx"))) < n:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)


def _gone(pids, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        alive = [p for p in pids if process_running(p) and not _zombie(p)]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def _zombie(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


MANY = 400      # enough that a batch interrupted after its third report is still running, on a busy machine too


def _build_many(tmp_path, jobs="2"):
    inbox = inbox_of_copies(tmp_path, MANY)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "converter", "build", str(inbox), "-o", str(out), "--jobs", jobs],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    return out, proc


@pytest.mark.parametrize("whole_group", [False, True], ids=["to-the-main-process", "to-the-process-group"])
def test_sigterm_mid_batch_behaves_like_ctrl_c(tmp_path, whole_group):
    out, proc = _build_many(tmp_path)
    _wait_for_docx(out, 3, proc)
    workers = child_pids(proc.pid)
    if whole_group:
        os.killpg(proc.pid, signal.SIGTERM)        # what a service manager or `kill -- -pgid` does
    else:
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and "已中断" in err, err
    assert "Traceback" not in err and "Error" not in err, err
    docs = list(out.glob("*.docx"))
    assert len(docs) >= 1
    assert not [p for p in out.iterdir() if p.name.startswith(".")]        # no .part left
    wb = openpyxl.load_workbook(out / "校验结果.xlsx")
    listed = [row for row in wb["汇总"].iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)]
    assert 1 <= len(listed) < MANY and all(row[5] == "已转换" for row in listed)
    assert _gone(workers)


def test_kill_9_mid_batch_workers_die_quietly(tmp_path):
    out, proc = _build_many(tmp_path)
    _wait_for_docx(out, 3, proc)
    deadline = time.time() + 30
    while time.time() < deadline and len(child_pids(proc.pid)) < 2:
        time.sleep(0.02)
    workers = child_pids(proc.pid)
    assert workers
    proc.kill()
    _, err = proc.communicate(timeout=60)      # read until every holder of stderr (the workers) is gone
    assert proc.returncode == -signal.SIGKILL
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert _gone(workers)


def test_output_folder_equal_to_the_input_folder_is_refused(tmp_path):
    inbox = inbox_of_copies(tmp_path, 2)
    before = sorted(p.name for p in inbox.iterdir())
    for args in (["build", str(inbox), "-o", str(inbox)], ["build", str(inbox), "-o", str(inbox) + "/", "--html"],
                 ["extract", str(inbox), "-o", str(inbox)]):
        r = nianbao(*args)
        assert r.returncode == 2 and "输出文件夹不能是输入文件夹本身" in r.stderr and str(inbox) in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
        assert sorted(p.name for p in inbox.iterdir()) == before              # nothing written there


def test_output_folder_inside_the_input_folder_is_not_read_back(tmp_path):
    inbox = inbox_of_copies(tmp_path, 2)
    out = inbox / "年报"
    for _ in range(2):
        r = nianbao("build", str(inbox), "-o", str(out), "--html", "--pdf")
        assert r.returncode == 0, r.stdout + r.stderr
    rows = [r for r in openpyxl.load_workbook(out / "校验结果.xlsx")["汇总"].iter_rows(min_row=2, values_only=True)
            if isinstance(r[0], int)]
    assert [r[1] for r in rows] == ["000.xlsx", "001.xlsx"]
    shutil.rmtree(out)
    data = inbox / "数据"
    for _ in range(2):
        r = nianbao("extract", str(inbox), "-o", str(data))
        assert r.returncode == 0, r.stdout + r.stderr
    assert sorted(p.name for p in data.iterdir()) == ["000.json", "001.json"]
