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


def test_every_public_function_and_class_has_a_docstring():
    """What it takes and returns, for a newcomer; a method that implements its base's is documented there."""
    import ast
    missing = []
    for path in sorted((ROOT / "converter").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not ast.get_docstring(tree):
            missing.append(f"{path.name}: module")
        documented = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                documented[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef) and ast.get_docstring(n)}

        def walk(node, inherited=frozenset(), path=path, documented=documented):
            for n in ast.iter_child_nodes(node):
                if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and not n.name.startswith("_"):
                    if not ast.get_docstring(n) and n.name not in inherited:
                        missing.append(f"{path.relative_to(ROOT)}:{n.lineno} {n.name}")
                    if isinstance(n, ast.ClassDef):
                        bases = {b.id for b in n.bases if isinstance(b, ast.Name)}
                        walk(n, frozenset().union(*(documented.get(b, set()) for b in bases)), path, documented)
        walk(tree)
    assert missing == []
