"""Generated reports, both formats, read back from the Word report and the web page made of them:
random figures (six-digit counts, money with decimals, negative 本年增/减, totals that do not add
up: they are read as printed), random units, years and narrative. A fixed seed keeps it repeatable."""
from __future__ import annotations

import random

import pytest
from published_pages import page_html

from converter.definition.formats import get
from converter.definition.kinds import DELTA, MONEY
from converter.intake.published import read_published
from converter.render.docx import render_report

UNITS = ("云溪县人民政府办公室", "南岭镇人民政府", "某某市自然资源和规划局", "某某区卫生健康委员会", "石门乡人民政府")


def _report(fmt, rnd: random.Random) -> dict:
    tables: dict = {}
    for t in fmt.tables():
        tables[t.key] = {}
        for r in t.rows:
            row = tables[t.key][r.key] = {}
            for c in t.columns:
                if c.kind == MONEY:
                    row[c.key] = rnd.choice([0, round(rnd.uniform(0, 99999), rnd.choice([0, 2, 4])), 18651.06])
                elif c.kind == DELTA:
                    row[c.key] = rnd.randint(-50, 50)
                else:
                    row[c.key] = rnd.choice([0, 0, 1, rnd.randint(0, 99), rnd.randint(0, 999999)])
    year = rnd.randint(2019, 2020) if fmt.id == "2019" else rnd.randint(2021, 2025)
    fields = {
        "unit": rnd.choice(UNITS), "year": year, "website": "", "contact": "", "phone": "", "preface": "",
        "summary": rnd.choice(["", f"{year}年，本机关认真贯彻落实《条例》。"]),
        "active": "主动公开政府信息 1136 条。", "onrequest": "受理申请 21 件，均在法定期限内答复。",
        "management": "严格执行“先审后发”。\n加强保密审查。", "platform": "优化政务公开专栏。",
        "supervision": "开展业务培训 2 次。",
        "problems": [f"问题{i}。" for i in range(rnd.randint(1, 3))],
        "improvements": [f"改进{i}。" for i in range(rnd.randint(1, 3))],
        "othertext": rnd.choice(["", "无其他需要报告的事项。"]),
        "fee": rnd.choice([0, 0, 150, 12.5]),
    }
    return {"format": fmt.id, "fields": fields, "tables": tables}


def _check(data: dict, back) -> None:
    assert back.format_id == data["format"]
    assert back.data["tables"] == data["tables"]
    got = back.data["fields"]
    for key in ("unit", "year", "summary", "active", "onrequest", "management", "platform", "supervision",
                "problems", "improvements", "fee"):
        assert got[key] == data["fields"][key], key


@pytest.mark.parametrize("format_id", ["2021", "2019"])
def test_generated_reports_read_back(format_id, tmp_path):
    fmt = get(format_id)
    rnd = random.Random(f"published-{format_id}")
    for i in range(12):
        data = _report(fmt, rnd)
        word = tmp_path / f"{i}.docx"
        word.write_bytes(render_report(data, fmt))
        _check(data, read_published(word))
        page = tmp_path / f"{i}.html"
        page.write_text(page_html(data, fmt, charset="gb2312"), encoding="gb18030")
        _check(data, read_published(page))
