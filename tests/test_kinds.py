"""Each kind says, in one place, what its cells accept; the fast path and the JSON Schema agree on
arbitrary values (the fast path may be unsure, never wrong)."""
import copy
import math

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from converter.definition import compile
from converter.definition.formats import FORMATS
from converter.definition.kinds import KINDS

ANY = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**12, max_value=10**12) | st.floats(allow_nan=True)
    | st.text(max_size=5) | st.sampled_from([0, 1, 2008, 2100, 2101, 2007, -1, 0.5, 3.0, "", "无", float("inf")]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
    max_leaves=6)


@settings(max_examples=400, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)), value=ANY, required=st.booleans(), items=st.integers(0, 3))
def test_fast_path_never_accepts_what_the_schema_rejects(kind, value, required, items):
    k = KINDS[kind]
    if k.accepts(value, required, items):
        assert Draft202012Validator(k.schema(required, items)).is_valid(value), (kind, value)


def _valid_data(plan):
    fields = {}
    for _, f in plan.fmt.fields():
        fields[f.key] = ([] if f.kind.name == "items" else 2024 if f.kind.name == "year"
                         else 0 if f.kind.numeric else "文字")
    tables = {t.key: {r.key: {c.key: 0 for c in t.columns} for r in t.rows} for t in plan.fmt.tables()}
    return {"format": plan.id, "template_version": plan.fmt.template_version, "fields": fields, "tables": tables}


@settings(max_examples=300, deadline=None)
@given(format_id=st.sampled_from(sorted(FORMATS)), picks=st.lists(st.tuples(st.integers(0, 10**6), ANY), max_size=4))
def test_whole_report_fast_path_agrees_with_the_schema(format_id, picks):
    plan = compile(FORMATS[format_id])
    data = _valid_data(plan)
    assert plan.plainly_valid(data) and plan.validator.is_valid(data)
    data = copy.deepcopy(data)
    for i, value in picks:           # put arbitrary values into arbitrary inputs
        path = plan.paths[i % len(plan.paths)]
        node = data
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    if plan.plainly_valid(data):
        assert plan.validator.is_valid(data)


def test_kinds_carry_their_units_and_bounds():
    assert KINDS["money"].unit == "万元" and KINDS["amount"].unit == "元"
    assert KINDS["year"].accepts(2008) and not KINDS["year"].accepts(2007) and not KINDS["year"].accepts(2101)
    assert KINDS["delta"].accepts(-3) and not KINDS["count"].accepts(-3)
    assert not KINDS["money"].accepts(math.inf) and KINDS["money"].accepts(0.5)
    assert KINDS["count"].validation()["validate"] == "integer"
