"""Regenerate the bundled sample workbooks (fictional units, plus 南岭镇人民政府 from the published
example report). Run: .venv/bin/python scripts/make_samples.py"""
from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "samples"
sys.path.insert(0, str(ROOT))

from converter.definition import compile  # noqa: E402
from converter.definition.formats import get  # noqa: E402
from converter.template.workbook import write_template  # noqa: E402

APPLICANTS = ("natural", "commercial", "research", "nonprofit", "legal", "other")


def zeros(fmt) -> dict:
    """Every input cell 0 (totals are left to the template's formulas)."""
    computed = compile(fmt).computed
    return {p: 0 for p in compile(fmt).cell_paths if p not in computed}


def busy_p3(fmt, seed: int, scale: int) -> dict:
    """Applications in every row and column, balanced as the form requires."""
    rnd = random.Random(seed)
    t = fmt.table("p3")
    results = [r.key for r in t.rows if r.key not in ("new", "carried", "total", "carryover")]
    values = {}
    for col in APPLICANTS:
        new, carried = rnd.randint(scale, scale * 4), rnd.randint(0, scale // 2 + 1)
        handled = [rnd.randint(0, scale // 2 + 1) for _ in results]
        while sum(handled) > new + carried:
            handled[rnd.randrange(len(handled))] //= 2
        values[("tables", "p3", "new", col)] = new
        values[("tables", "p3", "carried", col)] = carried
        for key, n in zip(results, handled):
            values[("tables", "p3", key, col)] = n
        values[("tables", "p3", "carryover", col)] = new + carried - sum(handled)
    return values


def review(upheld=0, corrected=0, other=0, pending=0) -> dict:
    v = {}
    for prefix, k in (("r", 1), ("d", 2), ("a", 3)):
        for key, n in (("upheld", upheld), ("corrected", corrected), ("other", other), ("pending", pending)):
            v[("tables", "p4", "main", prefix + key)] = n * k if n else 0
    return v


def fields(**kw) -> dict:
    return {("fields", k): v for k, v in kw.items()}


OVERVIEW = dict(
    summary="本年度，本单位认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
            "持续推进决策、执行、管理、服务、结果公开。",
    active="全年通过政府门户网站主动公开政府信息 {n} 条，其中政策文件 {m} 件，政策解读 {k} 篇。",
    onrequest="严格按照法定程序和时限办理政府信息公开申请，做到件件有登记、事事有回音。",
    management="落实公开属性源头认定和保密审查制度，及时清理失效文件。",
    platform="持续优化门户网站政府信息公开专栏，规范政务新媒体管理。",
    supervision="将政务公开纳入年度绩效考核，本年度未发生因政府信息公开工作被追究责任的情况。",
)


def overview(n: int) -> dict:
    return {k: v.format(n=n, m=n // 10, k=n // 20) for k, v in OVERVIEW.items()}


PROBLEMS = ["一是政策解读形式较为单一，图解、视频等解读方式运用不多。",
            "二是依申请公开办理人员业务水平有待提高。"]
IMPROVEMENTS = ["一是丰富政策解读形式，提高解读质量。", "二是加强业务培训，提升依申请公开办理规范化水平。"]


def basic(unit: str, year: int, contact: str) -> dict:
    return dict(unit=unit, year=year, website=f"{unit}门户网站“政府信息公开年报”栏目", contact=contact,
                phone="0356-1234567")


def samples() -> dict[str, tuple[str, dict]]:
    f21, f19 = get("2021"), get("2019")
    out = {}

    # 1. A town with nothing to report: every figure 0.
    v = zeros(f21) | fields(**basic("青山镇人民政府", 2024, "王芳"), **overview(12), problems=PROBLEMS,
                            improvements=IMPROVEMENTS, othertext="", fee=0)
    out["青山镇人民政府-2024.xlsx"] = ("2021", v)

    # 2. A department with many applications across every row.
    v = zeros(f21) | busy_p3(f21, 7, 12) | review(3, 1, 1, 1) | fields(
        **basic("云溪县市场监督管理局", 2024, "李强"), **overview(486), problems=PROBLEMS,
        improvements=IMPROVEMENTS,
        othertext="本年度办理人大代表建议 5 件、政协提案 7 件，办理结果均已公开。", fee=150)
    v |= {("tables", "a1", "regulations", "issued"): 0, ("tables", "a1", "normative", "issued"): 6,
          ("tables", "a1", "normative", "repealed"): 2, ("tables", "a1", "normative", "inforce"): 31,
          ("tables", "a5", "licensing", "decisions"): 2318, ("tables", "a6", "penalty", "decisions"): 214,
          ("tables", "a6", "coercion", "decisions"): 17, ("tables", "a8", "fees", "amount"): 12.35}
    out["云溪县市场监督管理局-2024.xlsx"] = ("2021", v)

    # 3. 勾稽 errors: carry-over does not balance, and two totals overtyped with wrong figures.
    v = zeros(f21) | busy_p3(f21, 11, 6) | review(1, 0, 0, 1) | fields(
        **basic("云溪县自然资源局", 2024, "赵敏"), **overview(215), problems=PROBLEMS,
        improvements=IMPROVEMENTS, othertext="", fee=0)
    v[("tables", "p3", "carryover", "natural")] += 2           # breaks 一+二=三+四 for 自然人
    v[("tables", "p3", "new", "total")] = 99                   # an overtyped row total
    v[("tables", "p4", "main", "rtotal")] = 5                  # an overtyped 行政复议 total
    out["云溪县自然资源局-2024.xlsx"] = ("2021", v)

    # 4. Numbers typed as text (full-width, spaces, "12.0") and blanks.
    v = zeros(f21) | fields(**basic("云溪县教育局", 2024, "陈静"), **overview(97), problems=PROBLEMS,
                            improvements=IMPROVEMENTS, othertext="", fee=0)
    v |= {("tables", "p3", "new", "natural"): "１２", ("tables", "p3", "granted", "natural"): " 8 ",
          ("tables", "p3", "partial", "natural"): "2.0", ("tables", "p3", "carryover", "natural"): "２",
          ("tables", "a1", "normative", "issued"): "3件"}
    for key in ("deny1", "deny2", "unable1"):
        del v[("tables", "p3", key, "legal")]                  # left blank
    out["云溪县教育局-2024.xlsx"] = ("2021", v)

    # 5. A 2020 report in the 2019 format.
    v = zeros(f19) | busy_p3(f19, 5, 3) | fields(
        **basic("石门乡人民政府", 2020, "刘洋"), **overview(64), problems=PROBLEMS,
        improvements=IMPROVEMENTS, othertext="", fee=0)
    v |= {("tables", "a5", "licensing", "previous"): 12, ("tables", "a5", "licensing", "change"): -2,
          ("tables", "a5", "licensing", "decisions"): 40, ("tables", "a9", "procurement", "projects"): 3,
          ("tables", "a9", "procurement", "amount"): 56.8}
    out["石门乡人民政府-2020.xlsx"] = ("2019", v)

    # 6. A county office in the current format, with some review and litigation cases.
    v = zeros(f21) | busy_p3(f21, 3, 4) | review(2, 1, 0, 0) | fields(
        **basic("云溪县人民政府办公室", 2024, "周婷"), **overview(1320), problems=PROBLEMS,
        improvements=IMPROVEMENTS, othertext="本年度政务公开工作要点各项任务均已落实。", fee=0)
    out["云溪县人民政府办公室-2024.xlsx"] = ("2021", v)

    # 7. 南岭镇人民政府 2024, the published example report (2019 format).
    out["南岭镇人民政府-2024.xlsx"] = ("2019", zeros(f19) | fields(**NANLING))
    return out


NANLING = dict(
    unit="南岭镇人民政府", year=2024, contact="", phone="",
    website="泽州县人民政府网站本单位公开平台的“信息公开年报”栏目",
    preface="根据《中华人民共和国政府信息公开条例》的要求，现公布南岭镇人民政府 2024 年政务公开工作年度报告。"
            "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议、"
            "行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项共六个部分组成，内容涵盖 2024 年 1 月 1 日至 "
            "2024 年 12 月 31 日期间本部门的信息公开工作情况。该报告将在泽州县人民政府网站本单位公开平台的"
            "“信息公开年报”栏目公布。",
    summary="2024 年，泽州县南岭镇始终坚持以习近平新时代中国特色社会主义思想为指引，全面贯彻党的二十大和二十届二中、"
            "三中全会精神及习近平总书记视察山西重要讲话重要指示，牢固树立“四个意识”、坚定“四个自信”、坚决做到"
            "“两个维护”。深入贯彻落实新修订《条例》和国办《关于全面推进政务公开工作的意见》及实施细则，深入推进政务"
            "公开标准化规范化建设，加大民生领域、公共监管领域、营商及经济建设等重点领域信息公开力度，不断完善目录体系，"
            "丰富政策解读形式，积极回应社会关切，着力打造“阳光政务”和服务型政府。",
    active="2024 年在南岭镇人民政府网站共公开各类信息 27 条，其中政务信息类 2 条，动态信息类 8 条，通知公告类 17 条。",
    onrequest="泽州县政府门户网站本单位公开平台公开了《机构法定职责》《内设机构》等内容。2024 年，我单位未收到依申请"
              "公开有关信息。",
    management="2024 年，我单位共办理网民留言 0 条，解读文件 0 个。",
    platform="2024年，我单位政务新媒体数量为0个。",
    supervision="成立了由党委副书记、镇长卫玮任组长，党委副书记李峰任副组长的政务公开领导小组，具体负责政府信息公开"
                "日常工作，保证信息公开工作顺利开展。",
    problems=[
        "2024 年南岭镇坚持从加强组织领导、坚持依法依规和坚持不断完善平台建设和监督体系将政府信息公开工作推进好、"
        "落实好。虽然取得了一定成效，但仍存在以下问题：",
        "一是信息公开内容有待丰富，个别部门重视程度不足。",
        "二是公开内容更新不够及时，发布的信息量有待进一步增大。",
        "三是信息公开宣传力度还有待加强，途径和办法还有待创新。",
    ],
    improvements=[
        "针对存在的问题，在 2024 年度的工作中我镇将从以下几方面着手，切实加强信息公开工作。",
        "一是进一步提高政府信息公开站位。引导各部门提高新时代全面推进政府信息公开的认识，不断丰富信息公开内容，"
        "增强政府公信力、执行力，着力打造法治政府，保障人民群众知情权、参与权、表达权、监督权。",
        "二是进一步完善政府信息公开制度和相关措施，严格按照《中华人民共和国政府信息公开条例》办事，继续增强依法公开，"
        "主动公开意识，搞好政府信息公开评议，加强监督检查力度，确保更新及时、更新数量和质量有保障。",
        "三是进一步加大宣传，拓展信息公开的途径。继续扩大公众参与度，对涉及群众切身利益和突发公共事件等重点事项及时"
        "发布信息，对涉及特别重大、重大突发事件的政务舆情做到快速反应。",
        "总之，我们将在不断总结经验的过程中努力克服不足，以求务实的精神把政府信息公开工作推上一个新的台阶。",
    ],
    othertext="本机关 2024 年度未收取政府信息公开信息处理费。\n"
              "本报告电子版可从“泽州县人民政府”门户网站(http://xxgk.zezhou.gov.cn/xzzf_32691/lzx/fdzdgknr/) 下载。",
    fee=0,
)


def main() -> None:
    for name, (format_id, values) in samples().items():
        write_template(HERE / name, get(format_id), values=values)
        print(f"wrote samples/{name}")


if __name__ == "__main__":
    main()
