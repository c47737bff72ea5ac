import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import office  # noqa: E402

from converter.definition import compile  # noqa: E402
from converter.definition.formats import get, ids  # noqa: E402
from converter.template.workbook import make_template  # noqa: E402

# last year's reports read in a run before are kept in a cache (converter.batch.previous_cache): the tests
# and the commands they run keep theirs in a folder of their own, gone at the end
os.environ["NIANBAO_CACHE_DIR"] = tempfile.mkdtemp(prefix="nianbao-test-cache-")
atexit.register(shutil.rmtree, os.environ["NIANBAO_CACHE_DIR"], True)

SAMPLES = ROOT / "samples"
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(params=ids())
def fmt(request):
    return get(request.param)


@pytest.fixture
def f2021():
    return get("2021")


@pytest.fixture
def f2019():
    return get("2019")


def zero_values(fmt, unit="测试单位", year=2024) -> dict:
    """A complete, valid report: every input 0, the required fields filled."""
    values = {p: 0 for p in compile(fmt).cell_paths if p not in compile(fmt).computed}
    values[("fields", "unit")] = unit
    values[("fields", "year")] = year
    values[("fields", "fee")] = 0
    for key in ("active", "onrequest", "management", "platform", "supervision"):
        values[("fields", key)] = f"{key} 的内容。"
    values[("fields", "problems")] = ["政策解读的形式还不够丰富，个别栏目更新不够及时。"]
    values[("fields", "improvements")] = ["下一步将丰富解读形式，建立栏目更新的定期检查制度。"]
    return values


@pytest.fixture
def workbook(tmp_path):
    """Write a filled workbook: workbook(fmt, values) -> path."""
    counter = [0]

    def make(fmt, values=None, name=None):
        counter[0] += 1
        path = tmp_path / (name or f"wb{counter[0]}.xlsx")
        path.write_bytes(make_template(fmt, values=zero_values(fmt) | (values or {})))
        return path
    return make


@pytest.fixture(scope="session")
def lo_profile(tmp_path_factory):
    if not office.soffice():
        if os.environ.get("NIANBAO_SKIP_OFFICE"):
            pytest.skip("LibreOffice not installed (NIANBAO_SKIP_OFFICE set)")
        pytest.fail("LibreOffice (soffice) is required: run `make test`, which installs it")
    return tmp_path_factory.mktemp("lo-profile")
