"""Which files a batch takes: every file below the folders named, each once, in the order given."""
import os

from converter.batch.inputs import collect_inputs


def _tree(tmp_path):
    for rel in ("a/1.xlsx", "a/2.xlsx", "a/b/3.xlsx", "a/.hidden/4.xlsx", "a/~$lock.xlsx", "a/.5.xlsx",
                "c/6.xlsx", "a/out/7.docx"):
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x")
    return tmp_path


def _names(paths):
    return [os.path.basename(p) for p in paths]


def test_folders_walked_in_order_without_hidden_lock_or_output_files(tmp_path):
    t = _tree(tmp_path)
    assert _names(collect_inputs([t / "a", t / "c"], exclude=t / "a" / "out")) == ["1.xlsx", "2.xlsx", "3.xlsx", "6.xlsx"]


def test_overlapping_inputs_give_each_file_once(tmp_path):
    t = _tree(tmp_path)
    a, b, one = t / "a", t / "a" / "b", t / "a" / "1.xlsx"
    expected_all = ["1.xlsx", "2.xlsx", "3.xlsx", "7.docx"]
    assert _names(collect_inputs([a, b, one, a])) == expected_all
    assert _names(collect_inputs([one, a])) == expected_all
    assert _names(collect_inputs([b, a])) == ["3.xlsx", "1.xlsx", "2.xlsx", "7.docx"]
    assert _names(collect_inputs([str(one), os.path.relpath(one)])) == ["1.xlsx"]


def test_missing_file_is_kept_for_its_own_finding(tmp_path):
    assert collect_inputs([tmp_path / "nope.xlsx"]) == [str(tmp_path / "nope.xlsx")]
