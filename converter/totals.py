"""Recompute the totals the template fills by formula. A formula's cached value is never trusted:
a total cell that still holds a formula takes the sum of its inputs; a total a clerk overtyped keeps
the typed value and is checked like any other."""
from __future__ import annotations

from .model import Format, Path


def get(data: dict, path: Path):
    node = data
    for k in path:
        node = node[k]
    return node


def put(data: dict, path: Path, value) -> None:
    node = data
    for k in path[:-1]:
        node = node.setdefault(k, {})
    node[path[-1]] = value


def fill_totals(data: dict, fmt: Format, formula_paths: set[Path]) -> None:
    computed = fmt.computed()
    done: dict[Path, float] = {}

    def resolve(path: Path):
        if path in done:
            return done[path]
        if path in formula_paths and path in computed:
            total = 0
            for p in computed[path].rhs:
                v = resolve(p)
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    total += v           # an invalid operand is reported on its own cell
            done[path] = total
            return total
        return get(data, path)

    for path in formula_paths:
        if path in computed:
            put(data, path, resolve(path))
