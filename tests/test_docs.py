"""The README documents every finding code and every command."""
from converter.checks.findings import catalogue
from converter.cli.main import parser
from converter.generate import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_code_documented():
    assert [c for c in catalogue() if f"`{c}`" not in README] == []


def test_every_command_documented():
    sub = next(a for a in parser()._actions if a.dest == "command")
    missing = [name for name in sub.choices if f"nianbao {name}" not in README and name != "schema"]
    assert missing == []
    assert README.index("make demo") < README.index("## For the coordinator")
