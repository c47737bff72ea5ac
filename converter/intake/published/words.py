"""Words the published-report reader recognises that are not labels of the forms: what a cell holds
instead of a number, how part 六 says no fee was charged, and the lines that end a web page's text."""
from __future__ import annotations

# What a cell holds instead of a number when there is nothing to report.
DASHES = frozenset({"/", "-", "—", "——", "－", "–", "无", "—/—", "/ ", "\\", "空", "—-", "--", "×"})

# How part 六 says that no 信息处理费 was charged.
FEE_NONE: tuple[str, ...] = ("未收取", "没有收取", "不收取", "未收费", "免收", "均未收", "无收取", "未产生", "未发生",
                             "零收费", "没有发生")

# Lines of a web page's footer: the report's text ends before the first of them.
PAGE_FOOTER: tuple[str, ...] = ("版权所有", "网站标识码", "ICP备", "主办单位", "打印本页", "关闭窗口", "扫一扫在手机",
                                "网站地图", "相关链接", "附件下载", "相关附件", "【打印】", "【关闭】", "视力保护色", "【字体", "分享到",
                                "上一篇", "下一篇", "公网安备", "技术支持")
