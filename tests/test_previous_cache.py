"""Last year's reports kept between runs of --previous: used again only for files unchanged since, by
the same code; never stale, never in the way."""
import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from test_text_tables import PUBLISHED, report

from converter.batch import previous as previous_module
from converter.batch import previous_cache
from converter.batch.previous import load_previous
from converter.definition.formats import get
from converter.render.html import render_html


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(previous_cache.ENV, str(folder))
    return folder


def page(unit):
    """Last year's report of `unit` as a web page, as nianbao publishes one."""
    return render_html(report(unit=unit, year=2023), get("2021"))


def settled(path):
    """A file as it is when a coordinator reads it: written a while ago (one modified in the last few
    seconds is not kept, as it may change again within the same tick of the clock)."""
    old = time.time() - 600
    os.utime(path, (old, old))
    return path


def last_year(folder, n, pdf=False):
    folder.mkdir()
    for i in range(n):
        (folder / f"{i:02d}.html").write_text(page(f"测试{i:02d}镇人民政府"), encoding="utf-8")
        settled(folder / f"{i:02d}.html")
    if pdf:
        settled(shutil.copy(PUBLISHED / "hongze_2023.pdf", folder / "hongze_2023.pdf"))
    return folder


def _as_read(prev):
    return {k: v for k, v in prev.by_key.items()}, [(f.code, f.file, f.message) for f in prev.findings]


def test_unchanged_files_come_from_the_cache_and_give_what_reading_gives(tmp_path, cache):
    last = last_year(tmp_path / "last", 5, pdf=True)
    (last / "bad.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    settled(last / "bad.xlsx")
    (last / "extracted.json").write_text(json.dumps(report(unit="另一镇人民政府", year=2023), ensure_ascii=False),
                                         encoding="utf-8")
    settled(last / "extracted.json")
    listing = sorted(os.listdir(last))
    first = load_previous([last])
    assert first.cached == 0 and len(first) == 7 and [f.code for f in first.findings] == ["PREV_UNREADABLE"]
    again = load_previous([last])
    assert again.cached == 7                  # all but the unreadable file, JSON too
    assert _as_read(again) == _as_read(first) == _as_read(load_previous([last], cache=False))
    assert sorted(os.listdir(last)) == listing               # nothing written beside the inputs
    assert [p.name for p in cache.iterdir()] and all(p.name.endswith(".previous.pickle") for p in cache.iterdir())


def test_a_file_changed_in_place_is_read_again_even_with_its_old_size_and_time(tmp_path, cache):
    last = last_year(tmp_path / "last", 3)
    load_previous([last])
    target = last / "01.html"
    st = os.stat(target)
    text = target.read_text(encoding="utf-8").replace("测试01镇", "测试99镇")
    target.write_text(text, encoding="utf-8")               # same length in bytes
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))    # and the old modification time
    assert os.stat(target).st_size == st.st_size and os.stat(target).st_mtime_ns == st.st_mtime_ns
    again = load_previous([last])
    assert again.cached == 2
    assert "测试99镇政府" in again.by_key and "测试01镇政府" not in again.by_key


def test_added_and_removed_files(tmp_path, cache):
    last = last_year(tmp_path / "last", 3)
    load_previous([last])
    (last / "00.html").unlink()
    (last / "new.html").write_text(page("新设镇人民政府"), encoding="utf-8")
    again = load_previous([last])
    assert sorted(again.by_key) == ["新设镇政府", "测试01镇政府", "测试02镇政府"] and again.cached == 2


def test_a_damaged_cache_or_one_from_other_code_is_not_used(tmp_path, cache, monkeypatch):
    last = last_year(tmp_path / "last", 3)
    load_previous([last])
    [f] = cache.iterdir()
    f.write_bytes(f.read_bytes()[:100])
    damaged = load_previous([last])
    assert damaged.cached == 0 and len(damaged) == 3
    assert load_previous([last]).cached == 3                 # written anew
    monkeypatch.setattr(previous_cache, "code_stamp", lambda: "another version")
    assert load_previous([last]).cached == 0


def test_turned_off_or_unwritable_the_cache_costs_nothing(tmp_path, monkeypatch):
    last = last_year(tmp_path / "last", 2)
    monkeypatch.setenv(previous_cache.ENV, "off")
    assert previous_cache.cache_dir() is None
    assert load_previous([last]).cached == 0 and load_previous([last]).cached == 0
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(previous_cache.ENV, str(blocked / "cache"))
    assert len(load_previous([last])) == 2 and load_previous([last]).cached == 0


def test_a_file_whose_worker_died_is_read_again_next_time(tmp_path, cache, monkeypatch):
    last = last_year(tmp_path / "last", 2)
    real = previous_module._read_all

    def one_lost(paths, jobs, lost=None):
        got = real(paths, jobs, lost)
        if lost is not None and paths:
            lost.add(paths[0])
            got[0] = previous_module._lost(paths[0])
        return got
    monkeypatch.setattr(previous_module, "_read_all", one_lost)
    assert len(load_previous([last])) == 1
    monkeypatch.setattr(previous_module, "_read_all", real)
    again = load_previous([last])
    assert again.cached == 1 and len(again) == 2


def test_the_command_line_says_what_it_took_from_the_cache(tmp_path, cache):
    last = last_year(tmp_path / "last", 2, pdf=True)
    env = os.environ | {previous_cache.ENV: str(cache)}

    def run():
        return subprocess.run([sys.executable, "-m", "converter", "check", PUBLISHED / "hongze_2024.pdf",
                               "--previous", last, "--json"],
                              capture_output=True, text=True, encoding="utf-8", timeout=300, env=env)
    first, second = run(), run()
    assert first.returncode == second.returncode == 0, first.stderr
    assert "沿用" not in first.stderr
    assert "上年报告：读取 3 个单位（3 个文件自上次读取后未改动，沿用上次读取的结果）" in second.stderr
    assert json.loads(first.stdout) == json.loads(second.stdout)
    assert any(f["code"] == "PREV_TEXT_REUSED" for f in json.loads(second.stdout))


def test_json_alone_leaves_no_cache(tmp_path, cache):
    last = tmp_path / "last"
    last.mkdir()
    (last / "a.json").write_text(json.dumps(report(unit="甲镇人民政府", year=2023), ensure_ascii=False), encoding="utf-8")
    assert len(load_previous([last])) == 1 and load_previous([last]).cached == 0
    assert not cache.exists()


def test_a_file_that_could_not_be_read_is_tried_again(tmp_path, cache, monkeypatch):
    last = last_year(tmp_path / "last", 2)
    real = previous_module.read_report

    def share_down(path, *a, **k):
        if path.endswith("01.html"):
            raise OSError(5, "Input/output error")
        return real(path, *a, **k)
    monkeypatch.setattr(previous_module, "read_report", share_down)
    assert len(load_previous([last])) == 1
    monkeypatch.setattr(previous_module, "read_report", real)
    again = load_previous([last])
    assert again.cached == 1 and len(again) == 2 and not again.findings


def test_a_file_modified_a_moment_ago_is_not_kept(tmp_path, cache):
    last = last_year(tmp_path / "last", 2)
    (last / "01.html").write_text(page("测试01镇人民政府"), encoding="utf-8")    # just now
    load_previous([last])
    assert load_previous([last]).cached == 1
    settled(last / "01.html")
    load_previous([last])
    assert load_previous([last]).cached == 2


def test_the_eight_caches_used_last_are_kept(tmp_path, cache):
    cache.mkdir()
    for i in range(9):
        (cache / f"old{i}.previous.pickle").write_bytes(b"")
        os.utime(cache / f"old{i}.previous.pickle", (1000 + i, 1000 + i))
        (cache / f"old{i}.counts.pickle").write_bytes(b"")
        os.utime(cache / f"old{i}.counts.pickle", (1000 + i, 1000 + i))
    (cache / "alone.counts.pickle").write_bytes(b"")       # counts whose inputs' cache was never written
    os.utime(cache / "alone.counts.pickle", (999, 999))
    (cache / "other-file").write_text("not ours")
    load_previous([last_year(tmp_path / "last", 1)])
    kept = sorted(p.name for p in cache.iterdir())
    assert len([k for k in kept if k.endswith(".previous.pickle")]) == 8 and "other-file" in kept
    assert "old0.previous.pickle" not in kept and "old1.previous.pickle" not in kept and "old8.previous.pickle" in kept
    assert "old0.counts.pickle" not in kept and "old1.counts.pickle" not in kept and "old8.counts.pickle" in kept
    assert "alone.counts.pickle" not in kept


def test_a_working_folder_that_is_gone_only_turns_the_cache_off(tmp_path, cache, monkeypatch):
    last = last_year(tmp_path / "last", 1)
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert len(load_previous([last])) == 1


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_texts_compared_before_are_not_counted_again(tmp_path, cache, monkeypatch, method):
    """What comparing texts counted in worker processes is kept; the next run takes it instead of
    counting (the same findings and ratios), in worker processes too; a report whose text changed is
    counted again, alone, and every report when the code changed."""
    import pickle

    from test_crossyear import TEXT_2023, TEXT_OTHER, two_years

    from converter.batch import check_files
    from converter.checks import crossyear
    from converter.template import values_from_data, write_template

    def texts(i, last, this):
        last["fields"]["summary"] = TEXT_2023 * (1 + i % 3) + f"（第{i}号）"
        this["fields"]["summary"] = (TEXT_2023 * (1 + i % 3) if i % 2 else TEXT_OTHER * 2) + f"（第{i}号）"
    last_dir, inputs = two_years(tmp_path, 20, texts)
    counting = []
    real = crossyear.shared_bigrams
    monkeypatch.setattr(crossyear, "shared_bigrams", lambda a, b: counting.append(1) or real(a, b))

    def run(jobs):
        counting.clear()
        tasks = check_files([inputs], jobs=jobs, previous=load_previous([last_dir])).tasks
        return [(t.file, t.status, t.findings, t.compare.reuse) for t in tasks]
    monkeypatch.setenv("NIANBAO_START_METHOD", method)
    first = run(2)
    assert len({r[3] for r in first}) > 2 and any(f.code == "PREV_TEXT_REUSED" for r in first for f in r[2])
    [kept] = cache.glob("*.counts.pickle")
    assert len(pickle.loads(kept.read_bytes())[2]) == 20
    assert run(1) == first and counting == []

    # taken, not counted, in worker processes too: counts made up in the file are what they report
    version, stamp, entries = pickle.loads(kept.read_bytes())
    made_up = {k: tuple(s._replace(common=0) for s in v) for k, v in entries.items()}
    kept.write_bytes(pickle.dumps((version, stamp, made_up)))
    assert {r[3] for r in run(2)} == {0.0}

    this = report(unit="测试03镇人民政府", year=2024)
    this["fields"]["summary"] = TEXT_OTHER * 3
    write_template(inputs / "03.xlsx", get("2021"), values=values_from_data(get("2021"), this))
    run(1)
    assert len(counting) == 1
    monkeypatch.setattr(previous_cache, "code_stamp", lambda: "another version")
    again = run(1)
    assert len(counting) == 20 and again[:3] + again[4:] == first[:3] + first[4:]


def test_counts_kept_are_those_used_last_and_a_damaged_file_is_counted_afresh(tmp_path):
    import pickle
    path = str(tmp_path / "x.counts.pickle")
    known = previous_cache.KnownCounts(path, "stamp")
    for i in range(150):
        known.keep(bytes([i]), (i,))
    known.keep(bytes([0]), (0,))             # used again: now the one used last
    known.save(reports=10)                   # room for 4 a report, and never fewer than 100
    kept = previous_cache.KnownCounts(path, "stamp")
    assert len(kept) == 100 and bytes([0]) in kept and bytes([50]) not in kept and bytes([51]) in kept
    assert previous_cache.KnownCounts(path, "other code") == {}
    (tmp_path / "x.counts.pickle").write_bytes(pickle.dumps("not counts")[:5])
    assert previous_cache.KnownCounts(path, "stamp") == {}
    unchanged = previous_cache.KnownCounts(path, "stamp")
    unchanged.save(reports=10)                                  # nothing counted: nothing written
    assert (tmp_path / "x.counts.pickle").read_bytes() == pickle.dumps("not counts")[:5]


def test_no_texts_pass_for_others_in_the_key_of_what_was_compared(tmp_path, cache):
    """The key of a comparison digests each text after its length: a text of last year's (a JSON may hold
    any character) holding what would separate parts is not taken for two parts, nor a pair of lone
    surrogates for the character they would make, nor a format id with a comma for another's sections."""
    from test_crossyear import TEXT_OTHER, two_years

    from converter.batch import check_files
    from converter.checks.crossyear import texts_key

    assert texts_key({"a": "x\x00b\x01y"}) != texts_key({"a": "x", "b": "y"})
    assert texts_key({"a": "1:b0:"}) != texts_key({"a": "", "b": ""})
    assert texts_key({"a": "\ud83d\ude00"}) != texts_key({"a": "😀"})
    assert texts_key({}, ("2021,overview", "other")) != texts_key({}, ("2021", "overview", "other"))

    text = TEXT_OTHER * 3

    def reused(i, last, this):
        last["fields"]["summary"], last["fields"]["problems"] = "去年写的", [text]
        this["fields"]["problems"] = [text]
    last_dir, inputs = two_years(tmp_path, 1, reused)
    first = check_files([inputs], jobs=1, previous=load_previous([last_dir])).tasks[0]
    assert any(f.code == "PREV_TEXT_REUSED" for f in first.findings)
    data = json.loads((last_dir / "0.json").read_text(encoding="utf-8"))
    data["fields"]["problems"] = []
    data["fields"]["summary"] = "去年写的\x00problems\x01" + text
    settled(last_dir / "0.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    again = check_files([inputs], jobs=1, previous=load_previous([last_dir])).tasks[0]
    fresh = check_files([inputs], jobs=1, previous=load_previous([last_dir], cache=False)).tasks[0]
    assert again.compare.counted[0] != first.compare.counted[0] and again.compare.reuse == fresh.compare.reuse < 0.5
    assert again.findings == fresh.findings and not any(f.code == "PREV_TEXT_REUSED" for f in again.findings)


def test_status_and_feedback_keep_what_they_counted(tmp_path, cache, monkeypatch):
    """status (and feedback, which runs it) checks one report at a time: what it counts is kept too."""
    from test_crossyear import TEXT_2023, two_years

    from converter.checks import crossyear
    from converter.mail import sources
    from converter.mail.collect import collect
    from converter.mail.compose import attach, new_message
    from converter.mail.roster import read_roster
    from converter.mail.status import status

    def texts(i, last, this):
        last["fields"]["summary"] = this["fields"]["summary"] = TEXT_2023 + f"（第{i}号）"
    last_dir, inputs = two_years(tmp_path, 3, texts)
    roster_file = tmp_path / "名单.csv"
    roster_file.write_text("单位名称,邮箱\n" + "".join(f"测试{i:02d}镇人民政府,u{i}@units.test\n" for i in range(3)),
                           encoding="utf-8")
    mails = tmp_path / "mails"
    mails.mkdir()
    for i, p in enumerate(sorted(inputs.iterdir())):
        msg = new_message(f"u{i}@units.test", "coord@gov.test", "年报", "请查收")
        attach(msg, p.read_bytes(), p.name)
        (mails / f"{i}.eml").write_bytes(msg.as_bytes())
    inbox = tmp_path / "收件箱"
    collect(sources.from_eml_dir(mails), inbox, read_roster(roster_file))
    counting = []
    real = crossyear.shared_bigrams
    monkeypatch.setattr(crossyear, "shared_bigrams", lambda a, b: counting.append(1) or real(a, b))
    roster = read_roster(roster_file)
    first = [(r.unit, r.findings, r.compare.reuse) for r in status(roster, inbox, previous=load_previous([last_dir]))]
    assert len(counting) == 3 and all(reuse == 1.0 for *_, reuse in first)
    counting.clear()
    again = [(r.unit, r.findings, r.compare.reuse) for r in status(roster, inbox, previous=load_previous([last_dir]))]
    assert again == first and counting == []
