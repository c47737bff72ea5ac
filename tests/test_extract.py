"""`extract` writes report data as JSON; `template --from` turns it back into a workbook whose data is
the same: for every sample, for real published reports, and for generated reports."""
import json
import subprocess
import sys

import pytest
from conftest import FIXTURES, SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converter.definition import compile
from converter.definition.formats import FORMATS, get
from converter.intake import read_report, read_workbook
from converter.template import make_template, values_from_data


def nianbao(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "converter", *args], capture_output=True, text=True, cwd=cwd)


def _round_trip(data, tmp_path, name="back.xlsx"):
    fmt = get(data["format"])
    path = tmp_path / name
    path.write_bytes(make_template(fmt, values=values_from_data(fmt, data)))
    return read_workbook(path)


@pytest.mark.parametrize("sample", sorted(SAMPLES.glob("*.xlsx")), ids=lambda p: p.stem)
def test_samples_round_trip_through_the_command_line(sample, tmp_path):
    r = nianbao("extract", str(sample), "-o", str(tmp_path / "d.json"))
    assert r.returncode in (0, 1), r.stderr
    data = json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))
    assert data == read_workbook(sample).data
    r = nianbao("template", "--from", str(tmp_path / "d.json"), "-o", str(tmp_path / "back.xlsx"))
    assert r.returncode == 0, r.stderr
    back = read_workbook(tmp_path / "back.xlsx")
    assert back.data == data


@pytest.mark.parametrize("name", ["pingtan_2024.html", "hongze_2023.pdf", "shuyang_fgj_2023.html", "pingtan_2019.html"])
def test_published_reports_round_trip(name, tmp_path):
    """Blanks stay blank, printed totals stay as printed (hongze_2023's wrong 总计 0 too)."""
    first = read_report(FIXTURES / "published" / name)
    back = _round_trip(first.data, tmp_path)
    assert {k: v for k, v in back.data.items() if k != "template_version"} == first.data


def test_extract_folder_and_exit_status(tmp_path):
    r = nianbao("extract", str(SAMPLES), "-o", str(tmp_path / "out"))
    assert r.returncode == 1                         # two samples have errors
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.stem + ".json" for p in SAMPLES.glob("*.xlsx"))
    assert nianbao("extract", str(SAMPLES), "-o", str(tmp_path / "x.json")).returncode == 2
    assert nianbao("template", "--from", str(tmp_path / "nothing.json"), "-o", str(tmp_path / "y.xlsx")).returncode == 2


def _reports():
    def one(format_id, seed):
        import random
        rnd = random.Random(seed)
        plan = compile(FORMATS[format_id])
        tables = {}
        for t in plan.fmt.tables():
            tables[t.key] = {r.key: {c.key: rnd.choice([None, 0, rnd.randint(0, 50), "无", 3.5 if c.kind.name == "money" else 7])
                                     for c in t.columns} for r in t.rows}
        fields = {}
        for _, f in plan.fmt.fields():
            fields[f.key] = ({"items": ["一是" * rnd.randint(1, 3)] * rnd.randint(0, 2), "year": 2024, "amount": 0}
                             .get(f.kind.name, rnd.choice(["", "第一段\n第二段", "文字"])))
        return {"format": format_id, "template_version": plan.fmt.template_version, "fields": fields, "tables": tables}
    return st.builds(one, st.sampled_from(sorted(FORMATS)), st.integers(0, 10**6))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=_reports())
def test_generated_reports_round_trip(data, tmp_path):
    back = _round_trip(data, tmp_path, "gen.xlsx")
    assert back.data == data
