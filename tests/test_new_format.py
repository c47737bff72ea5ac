"""A new format is data only: a throwaway format defined here (the 2021 format with one more table-三
row and one more rule) runs through template → read → check → Word without any module outside the
format data knowing about it."""
import io
import zipfile
from dataclasses import replace

import pytest

from converter.batch import build
from converter.checks import Context, run_checks
from converter.cli.main import main
from converter.definition import compile
from converter.definition.formats import common, f2021, get, registered
from converter.definition.model import Row, Rule
from converter.intake import read_workbook
from converter.render import render_report
from converter.template import make_template

TRIAL_ROW = Row("other4", ("三、本年度办理结果", "（六）其他处理", "4.试点新增情形"))
TRIAL_RULE = Rule("TRIAL_NATURAL_ONLY", "p3", "rows", ("total",), ("natural",), only=("other4",),
                  title="试点情形只计自然人", severity="warning", check_label="试点情形=自然人",
                  message="{where}：试点情形只计自然人申请，总计（{lhs}）应等于自然人（{rhs}）")


def throwaway(version: str = "2099.2"):
    applications, p3_rules = common.applications(common.P3_OTHER_2021 + (TRIAL_ROW,))
    base = f2021.FORMAT
    sections = tuple(applications if s.key == "applications" else s for s in base.sections)
    return replace(base, id="2099", name="2099 年版（试验）", document="试验格式", template_version=version,
                   accepted_versions=("2099.1", "2099.2"), sections=sections,
                   rules=p3_rules + common.P4_RULES + (TRIAL_RULE,), superseded_from=None, superseded_by=None)


def _zero(plan, unit="试验单位"):
    values = {p: 0 for p in plan.cell_paths if p not in plan.computed}
    values.update({("fields", "unit"): unit, ("fields", "year"): 2024, ("fields", "fee"): 0,
                   ("fields", "problems"): ["个别栏目更新不够及时，政策解读形式单一。"],
                   ("fields", "improvements"): ["建立栏目定期检查制度，丰富政策解读形式。"]})
    for key in ("active", "onrequest", "management", "platform", "supervision"):
        values[("fields", key)] = "内容。"
    return values


def test_throwaway_format_end_to_end(tmp_path):
    fmt = throwaway()
    with registered(fmt):
        plan = compile(get("2099"))
        assert ("tables", "p3", "other4", "natural") in plan.cell_paths
        values = _zero(plan)
        values[("tables", "p3", "other4", "legal")] = 2        # a trial case from a law firm: the new rule warns
        values[("tables", "p3", "new", "legal")] = 2           # and the column still balances
        values[("tables", "p3", "carryover", "legal")] = 0
        path = tmp_path / "inbox" / "试验.xlsx"
        path.parent.mkdir()
        path.write_bytes(make_template(fmt, values=values))

        r = read_workbook(path)
        assert r.ok and r.format_id == "2099" and r.findings == []
        assert r.data["tables"]["p3"]["other4"] == {"natural": 0, "commercial": 0, "research": 0, "nonprofit": 0,
                                                     "legal": 2, "other": 0, "total": 2}
        assert r.data["tables"]["p3"]["total"]["legal"] == 2      # （七）总计 includes the new row
        found = run_checks(r.data, plan, Context(plan, r.locations, r.reported))
        assert [(f.code, f.severity, f.sheet) for f in found] == [("TRIAL_NATURAL_ONLY", "warning", "三、依申请公开")]
        assert "试点情形只计自然人申请" in found[0].message and found[0].cell == r.locations[("tables", "p3", "other4", "total")][1]

        doc = render_report(r.data, plan)
        with zipfile.ZipFile(io.BytesIO(doc)) as z:
            xml = z.read("word/document.xml").decode()
        assert "4.试点新增情形" in xml and "试验单位2024年政府信息公开工作年度报告" in xml

        # the command line offers the new format and builds its reports
        out = tmp_path / "tpl.xlsx"
        assert main(["template", "-o", str(out), "--format", "2099", "--unit", "甲", "--year", "2024"]) == 0
        assert read_workbook(out).format_id == "2099"
        report = build([path.parent], tmp_path / "out", jobs=1)
        assert report.valid and [t.status for t in report.tasks] == ["converted"]
        assert report.tasks[0].findings[0].code == "TRIAL_NATURAL_ONLY"


def test_accepted_versions_is_a_list(tmp_path):
    """Bumping a template version keeps reading the workbooks already handed out."""
    older = throwaway(version="2099.1")
    path = tmp_path / "old.xlsx"
    path.write_bytes(make_template(older, values=_zero(compile(older))))
    current = throwaway(version="2099.2")
    with registered(current):
        r = read_workbook(path)
        assert r.ok and r.findings == []
    with registered(replace(current, accepted_versions=("2099.2",))):
        assert [f.code for f in read_workbook(path).findings] == ["UNKNOWN_VERSION"]


def test_unknown_format_is_refused_until_registered(tmp_path):
    with pytest.raises(SystemExit):
        main(["template", "-o", str(tmp_path / "x.xlsx"), "--format", "2099"])
