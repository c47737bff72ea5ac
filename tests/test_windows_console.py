"""Output where coordinators work (issue 15): a Windows console redirected to a file writes in GBK,
LANG=C gives ASCII. No character a unit typed may crash the output; --json is UTF-8 bytes always."""
import json
import os
import subprocess
import sys

import pytest
from conftest import zero_values

from converter.definition.formats import get
from converter.template.workbook import make_template

UNIT = "𠮷野家镇😀\u202e人民政府"          # CJK Extension B, an emoji, a right-to-left override


def run(args, cwd, **env):
    full = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LANG", "LC_ALL", "PYTHONUTF8")}
    full.update(env)
    return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, cwd=cwd, env=full)


@pytest.fixture
def hostile(tmp_path):
    fmt = get("2021")
    values = zero_values(fmt, unit=UNIT) | {("fields", "active"): "表情😀与𠮷。", ("fields", "fee"): -1}
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "𠮷野家镇😀.xlsx").write_bytes(make_template(fmt, values=values))
    ok = zero_values(fmt, unit="𠮷山乡😀")
    (tmp_path / "in" / "𠮷山乡.xlsx").write_bytes(make_template(fmt, values=ok))
    return tmp_path


ENVS = [dict(PYTHONIOENCODING="gbk"), dict(PYTHONIOENCODING="gbk:strict"), dict(PYTHONIOENCODING="ascii"),
        dict(PYTHONIOENCODING="cp437"), dict(LANG="C", LC_ALL="C"), dict(PYTHONIOENCODING="utf-8:strict")]


@pytest.mark.parametrize("env", ENVS, ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items()))
def test_check_and_build_never_crash_on_the_console_encoding(hostile, env):
    encoding = env.get("PYTHONIOENCODING", "utf-8").split(":")[0]
    r = run(["check", "in"], hostile, **env)
    out, err = r.stdout.decode(encoding), r.stderr.decode(encoding)
    assert r.returncode == 1, err
    assert "Traceback" not in err and "Error" not in err
    assert "VALUE_NEGATIVE" in out
    if encoding in ("gbk", "ascii", "cp437"):
        assert "\\U00020bb7" in out                     # shown as an escape, not lost
    assert "\u202e" not in out and "\\u202e" in out     # never reorders the line on screen
    r = run(["build", "in", "-o", "out"], hostile, **env)
    err = r.stderr.decode(encoding)
    assert r.returncode == 1 and "Traceback" not in err, err
    assert len(list((hostile / "out").glob("*.docx"))) == 1


@pytest.mark.parametrize("env", ENVS, ids=lambda e: ",".join(f"{k}={v}" for k, v in e.items()))
def test_json_is_utf8_whatever_the_console(hostile, env):
    r = run(["check", "in", "--json"], hostile, **env)
    assert r.returncode == 1 and b"Traceback" not in r.stderr, r.stderr
    findings = json.loads(r.stdout.decode("utf-8"))           # strict UTF-8, as RFC 8259 says
    assert any(f["code"] == "VALUE_NEGATIVE" and f["file"].endswith("𠮷野家镇😀.xlsx") for f in findings)
    schema = run(["schema"], hostile, **env)
    assert schema.returncode == 0 and json.loads(schema.stdout.decode("utf-8"))["$schema"]


def test_an_error_message_with_such_characters_is_printed(hostile):
    r = run(["check", "不存在的𠮷😀.xlsx"], hostile, PYTHONIOENCODING="gbk")
    err = r.stderr.decode("gbk")
    assert r.returncode == 2 and "找不到" in err and "\\U00020bb7" in err and "Traceback" not in err
