"""Set-up without make (issue 15 point 4): the wheel, installed with pip into a fresh virtual
environment outside the checkout, carries everything `template`, `build` and `check` need. This is
what the README's Windows section tells a coordinator to do (`py -m pip install nianbao-….whl`)."""
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow


def _bin(env_dir: Path, name: str) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / name


def test_the_wheel_installed_in_a_fresh_venv_builds_the_samples(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(wheels), "-q"],
                   check=True, capture_output=True, cwd=tmp_path)
    (wheel,) = wheels.glob("nianbao-*.whl")
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)            # no --system-site-packages: only what the wheel asks for
    python = _bin(env_dir, "python")
    # dependencies come from the package index this machine's pip is configured with
    r = subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], capture_output=True, text=True,
                       cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stderr
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "NIANBAO_START_METHOD")}
    work = tmp_path / "work"                        # outside the checkout: nothing of it can be read
    work.mkdir()
    shutil.copytree(SAMPLES, work / "收件箱")

    def nianbao(*args):
        return subprocess.run([str(_bin(env_dir, "nianbao")), *args], capture_output=True, text=True, cwd=work,
                              env=clean, timeout=300)
    where = subprocess.run([str(python), "-c", "import converter; print(converter.__file__)"], capture_output=True,
                           text=True, cwd=work, env=clean, check=True).stdout.strip()
    assert Path(where).is_relative_to(env_dir) and not Path(where).is_relative_to(ROOT)
    t = nianbao("template", "-o", "模板.xlsx", "--year", "2024", "--unit", "测试镇人民政府")
    assert t.returncode == 0 and (work / "模板.xlsx").stat().st_size > 10_000, t.stderr
    b = nianbao("build", "收件箱", "-o", "年报", "--jobs", "2", "--html")
    assert b.returncode == 1 and "Traceback" not in b.stderr, b.stderr     # two samples are wrong on purpose
    assert len(list((work / "年报").glob("*.docx"))) == 5 and (work / "年报" / "校验结果.xlsx").is_file()
    assert (work / "年报" / "index.html").is_file()
    c = nianbao("check", "收件箱/南岭镇人民政府-2024.xlsx")
    assert c.returncode == 0 and "通过" in c.stdout, c.stderr
    s = nianbao("schema")
    assert s.returncode == 0 and '"$schema"' in s.stdout
