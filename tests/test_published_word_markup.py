"""What Word and WPS write that a reader must see through: text split into runs anywhere, tracked
changes (insertions shown, deletions not), fields (their shown result, not their code), content
controls, a number in its own run next to a bookmark. Made by editing the XML of our own report,
then read back to the data it was built from."""
from __future__ import annotations

import io
import re
import zipfile

from converter.definition.formats import get
from converter.intake.published import read_published
from converter.intake.workbook import read_workbook
from converter.render.docx import render_report

SAMPLE = "samples/青山镇人民政府-2024.xlsx"
RUN = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'


def _rewrite(docx: bytes, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            z.writestr(info, data)
    return out.getvalue()


def _cell_run(xml: str, label: str, nth: int) -> tuple[int, int, str]:
    """Where the run of the nth number cell after `label` is: (start, end, its text)."""
    at = xml.index(label)
    for _ in range(nth):
        at = xml.index("<w:tc>", at + 1)
    m = re.compile(r'<w:r><w:t xml:space="preserve">([^<]*)</w:t></w:r>').search(xml, at)
    assert m
    return m.start(), m.end(), m.group(1)


def test_runs_tracked_changes_fields_and_controls(tmp_path):
    r = read_workbook(SAMPLE)
    fmt = get(r.format_id)
    data = r.data

    def edit(xml: str) -> str:
        # a label split into three runs, one of them with its own formatting
        xml = xml.replace(RUN.format("1.属于国家秘密"),
                          RUN.format("1.属于") + '<w:r><w:rPr><w:b/></w:rPr><w:t>国家</w:t></w:r>' + RUN.format("秘密"), 1)
        # 自然人 of 一、本年新收: the shown number is an insertion; a deleted old number stays unseen
        s, e, value = _cell_run(xml, "一、本年新收政府信息公开申请数量", 1)
        xml = (xml[:s] + f'<w:del w:id="1" w:author="a"><w:r><w:delText>999</w:delText></w:r></w:del>'
               f'<w:ins w:id="2" w:author="a">{RUN.format(value)}</w:ins>' + xml[e:])
        # 总计 of the same row: a field whose result is the number (the code must not be read)
        s, e, value = _cell_run(xml, "一、本年新收政府信息公开申请数量", 7)
        xml = (xml[:s] + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> =SUM(LEFT) 12 </w:instrText></w:r>'
               '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + RUN.format(value) +
               '<w:r><w:fldChar w:fldCharType="end"/></w:r>' + xml[e:])
        # 规章 本年制发件数: a number split over two runs inside a content control, after a bookmark
        s, e, value = _cell_run(xml, "规章", 1)
        head, tail = (value[:1], value[1:]) if len(value) > 1 else (value, "")
        xml = (xml[:s] + '<w:bookmarkStart w:id="9" w:name="x"/><w:sdt><w:sdtContent>' + RUN.format(head)
               + (RUN.format(tail) if tail else "") + '</w:sdtContent></w:sdt><w:bookmarkEnd w:id="9"/>' + xml[e:])
        # a moved-away copy of a heading is not text that is shown
        xml = xml.replace(RUN.format("一、总体情况"),
                          '<w:moveFrom w:id="3" w:author="a">' + RUN.format("已删除") + '</w:moveFrom>'
                          + RUN.format("一、总体情况"), 1)
        for piece in ("<w:del ", "<w:ins ", "<w:instrText>", "<w:sdt>", "<w:moveFrom ", "<w:t>国家</w:t>"):
            assert piece in xml
        return xml

    path = tmp_path / "修订.docx"
    path.write_bytes(_rewrite(render_report(data, fmt), edit))
    back = read_published(path)
    assert back.data["tables"] == data["tables"]
    assert not [f for f in back.findings if f.sheet]
    assert "已删除" not in back.data["fields"]["summary"] + back.data["fields"]["preface"]
    assert back.data["fields"]["summary"] == data["fields"]["summary"]
