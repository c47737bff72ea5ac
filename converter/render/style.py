"""A coordinator's house style, taken from a Word file made in Word or WPS (pandoc's "reference
document" convention): page size and margins, the header (a letterhead, a line) and footer, and the
fonts of body text, title and headings. Applied to every report: `build --style reference.docx`."""
from __future__ import annotations

import functools
import io
import os
from dataclasses import dataclass, field
from typing import Any

from docx import Document
from docx.oxml.ns import qn

from converter.errors import NianbaoError

# Our paragraph styles, and the names a reference document may give the same role (Word's English
# built-in names, and WPS's / Chinese Word's names)
ROLES: dict[str, tuple[str, ...]] = {
    "body": ("Normal", "正文"),
    "title": ("Title", "标题"),
    "h1": ("Heading 1", "标题 1"),
    "h2": ("Heading 2", "标题 2"),
}


class StyleError(NianbaoError):
    """The reference document cannot be used (a Chinese message naming it)."""


@dataclass(frozen=True)
class RunFont:
    """A role's font: its East Asian face (None: keep ours) and size in points (None: keep ours)."""
    east_asia: str | None = None
    size: float | None = None


@dataclass(frozen=True)
class HouseStyle:
    """What a reference document says: page geometry in twips, header and footer as XML elements
    with the images they show, and a font per role."""
    source: str
    page: dict[str, int] = field(default_factory=dict)       # width, height, top, bottom, left, right, header, footer
    header: list[Any] = field(default_factory=list)          # w:p / w:tbl elements
    footer: list[Any] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)   # rId in header/footer -> image bytes
    fonts: dict[str, RunFont] = field(default_factory=dict)


@functools.cache
def load_style(path: str) -> HouseStyle:
    """The house style of a reference .docx (cached: a batch uses one)."""
    if not os.path.isfile(path):
        raise StyleError(f"找不到样式参考文档：{path}")
    try:
        ref = Document(path)
    except Exception as e:     # python-docx raises many kinds for a file that is not a .docx
        raise StyleError(f"样式参考文档 {path} 不是可读取的 Word（.docx）文件（{type(e).__name__}）") from None
    section = ref.sections[0]
    page = {}
    for key, value in (("width", section.page_width), ("height", section.page_height),
                       ("top", section.top_margin), ("bottom", section.bottom_margin),
                       ("left", section.left_margin), ("right", section.right_margin),
                       ("header", section.header_distance), ("footer", section.footer_distance)):
        if value is not None:
            page[key] = int(value.twips)
    images: dict[str, bytes] = {}
    header = _content(section.header, images) if not section.header.is_linked_to_previous else []
    footer = _content(section.footer, images) if not section.footer.is_linked_to_previous else []
    fonts = {}
    by_name = {s.name: s for s in ref.styles}
    for role, names in ROLES.items():
        style = next((by_name[n] for n in names if n in by_name), None)
        if style is not None:
            fonts[role] = _font(style)
    return HouseStyle(path, page, header, footer, images, fonts)


def _content(part: Any, images: dict[str, bytes]) -> list[Any]:
    """The header's or footer's paragraphs and tables (copies), if it shows anything."""
    elements = [el for el in part._element if el.tag in (qn("w:p"), qn("w:tbl"))]
    shows = any("".join(el.itertext()).strip() or el.findall(".//" + qn("w:drawing")) or el.findall(".//" + qn("w:pBdr"))
                for el in elements)
    if not shows:
        return []
    for blip in part._element.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"):
        rid = blip.get(qn("r:embed"))
        if rid and rid in part.part.rels:
            images[rid] = part.part.rels[rid].target_part.blob
    import copy
    return [copy.deepcopy(el) for el in elements]


def _font(style: Any) -> RunFont:
    rpr = style.element.rPr
    east = None
    if rpr is not None and rpr.rFonts is not None:
        east = rpr.rFonts.get(qn("w:eastAsia"))
    size = style.font.size.pt if style.font.size is not None else None
    return RunFont(east, size)


def apply_page(section: Any, style: HouseStyle) -> None:
    """Page size and margins of the reference on our section."""
    from docx.shared import Twips
    names = {"width": "page_width", "height": "page_height", "top": "top_margin", "bottom": "bottom_margin",
             "left": "left_margin", "right": "right_margin", "header": "header_distance", "footer": "footer_distance"}
    for key, attr in names.items():
        # a distance of a header or footer the reference does not have means nothing (LibreOffice says 0)
        if (key == "header" and not style.header) or (key == "footer" and not style.footer):
            continue
        if key in style.page:
            setattr(section, attr, Twips(style.page[key]))


def apply_part(part: Any, elements: list[Any], images: dict[str, bytes]) -> None:
    """Replace a header's or footer's content with the reference's, its images carried over."""
    import copy
    body = part._element
    for el in list(body):
        body.remove(el)
    for el in elements:
        el = copy.deepcopy(el)
        for blip in el.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"):
            rid = blip.get(qn("r:embed"))
            if rid in images:
                new_rid, _ = part.part.get_or_add_image(io.BytesIO(images[rid]))
                blip.set(qn("r:embed"), new_rid)
        body.append(el)
