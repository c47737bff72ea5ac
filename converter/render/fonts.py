"""Which installed font plays each official role (title 小标宋, body 仿宋, 黑体, 楷体, 宋体).

The official fonts come first under every name they are known by (Founder/Windows/macOS), then free
CJK fonts (Fandol, Noto CJK / Source Han, AR PL). A role filled by a free font is a substitution,
reported so the coordinator knows the PDF does not use the official typeface."""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import typst

# role -> (official name shown to the user, official family names, free substitutes in preference order)
ROLES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "title": ("方正小标宋简体", ("FZXiaoBiaoSong-B05S", "方正小标宋简体", "FZXiaoBiaoSong-B05", "方正小标宋_GBK"),
              ("FandolSong", "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing")),
    "body": ("仿宋_GB2312", ("FangSong_GB2312", "仿宋_GB2312", "FangSong", "仿宋", "STFangsong", "华文仿宋"),
             ("FandolFang", "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing")),
    "hei": ("黑体", ("SimHei", "黑体", "FZHei-B01S", "STHeiti", "Heiti SC"),
            ("FandolHei", "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei")),
    "kai": ("楷体_GB2312", ("KaiTi_GB2312", "楷体_GB2312", "KaiTi", "楷体", "STKaiti", "Kaiti SC", "华文楷体"),
            ("FandolKai", "AR PL UKai", "AR PL UKai CN", "Noto Serif CJK SC", "Source Han Serif SC")),
    "song": ("宋体", ("SimSun", "宋体", "NSimSun", "Songti SC", "STSong", "华文宋体"),
             ("FandolSong", "Noto Serif CJK SC", "Source Han Serif SC", "Source Han Serif CN", "AR PL UMing")),
}


@dataclass(frozen=True)
class FontPlan:
    """The family chosen for each role, whether it is the official font, and the font source."""
    families: dict[str, str]        # role -> family name as typst knows it ("" when none at all)
    official: dict[str, bool]       # role -> the official font was found
    fonts: typst.Fonts              # the font book the compiler uses

    def substitutions(self) -> dict[str, str]:
        """Official font name -> the family used instead, for every role not set in its official font."""
        return {ROLES[role][0]: (family or "（无中文字体）")
                for role, family in self.families.items() if not self.official[role]}

    def missing(self) -> list[str]:
        """Official font names for which no CJK font at all was found."""
        return [ROLES[role][0] for role, family in self.families.items() if not family]


def font_dirs(fonts: str | os.PathLike | None) -> tuple[str, ...]:
    """The extra font folders: `fonts` and, on Windows, the per-user font folder typst may not scan."""
    dirs = [str(fonts)] if fonts else []
    local = os.environ.get("LOCALAPPDATA")
    if os.name == "nt" and local and os.path.isdir(os.path.join(local, "Microsoft", "Windows", "Fonts")):
        dirs.append(os.path.join(local, "Microsoft", "Windows", "Fonts"))
    return tuple(dirs)


@functools.lru_cache(maxsize=8)
def font_plan(dirs: tuple[str, ...] = ()) -> FontPlan:
    """The roles resolved against system fonts plus `dirs` (cached: scanning fonts takes ~50 ms)."""
    book = typst.Fonts(include_system_fonts=True, include_embedded_fonts=True, font_paths=list(dirs))
    known = {name.casefold(): name for name in book.families()}
    families: dict[str, str] = {}
    official: dict[str, bool] = {}
    for role, (_, names, free) in ROLES.items():
        hit = next((known[n.casefold()] for n in names if n.casefold() in known), None)
        official[role] = hit is not None
        if hit is None:
            hit = next((known[n.casefold()] for n in free if n.casefold() in known), "")
        families[role] = hit
    return FontPlan(families, official, book)
