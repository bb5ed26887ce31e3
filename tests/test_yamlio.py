"""The strict reading dialect (SPEC §5.6, RELIABILITY Y2–Y9) and the writer's round trip."""

from __future__ import annotations

import datetime as dt
import pathlib
import time

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from partywork.storage.yamlio import dump, parse


def read(text: str | bytes):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse(raw, "r.yaml")


def codes(text: str | bytes) -> list[str]:
    return [p.code for p in read(text)[1]]


@pytest.mark.parametrize(
    "source, key, expected",
    [
        ("country: NO\n", "country", "NO"),
        ("on: x\n", "on", "x"),
        ("start: 10:30\n", "start", "10:30"),
        ("v: 1.10\n", "v", "1.10"),
        ("id: 0755\n", "id", "0755"),
        ("date: 2024-02-30\n", "date", "2024-02-30"),
        ("status: no\n", "status", "no"),
        ("k: =\n", "k", "="),
        ("null: 1\n", "null", "1"),
        ("empty:\n", "empty", None),
        ("quoted: ''\n", "quoted", ""),
    ],
)
def test_values_stay_as_written(source, key, expected):
    doc, problems = read(source)
    assert problems == [] and doc.data[key] == expected


def test_complex_key_is_refused_with_a_line():
    doc, problems = read("a: 1\n? [a]\n: b\n")
    assert doc is None and problems[0].line == 2


@pytest.mark.parametrize(
    "source, line",
    [("title: a\nplace: b\ntitle: c\n", 3), ("actions:\n  - task: a\n    task: b\n", 3)],
)
def test_duplicate_keys_name_both_lines(source, line):
    _doc, problems = read(source)
    assert [p.code for p in problems] == ["DUPLICATE-KEY"]
    assert (
        problems[0].line == line
        and "first at line" in problems[0].message
        or "第一次出现" in problems[0].message
    )


def test_alias_bomb_is_refused_fast():
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    started = time.monotonic()
    assert codes("\n".join(levels) + "\n") == ["ALIAS"]
    assert time.monotonic() - started < 0.1
    assert codes("x: &a 1\ny: *a\n") == ["ALIAS"]


@pytest.mark.parametrize(
    "source",
    [
        "x: !!python/object/apply:os.system ['true']\n",
        "x: !!python/object/new:object []\n",
        "x: !!binary aGk=\n",
        "x: !!set {a, b}\n",
        "x: !foo 1\n",
        "!!str x: 1\n",
    ],
)
def test_explicit_tags_are_refused(source):
    assert codes(source) == ["TAG"]


@pytest.mark.parametrize(
    "source",
    [
        "[" * 50000,
        "- " * 50000,
        "{" * 100000,
        "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 200)),
    ],
)
def test_nesting_bombs_end_in_a_problem_not_a_crash(source):
    started = time.monotonic()
    doc, problems = read(source)
    assert doc is None and problems[0].code in ("TOO-DEEP", "YAML-SYNTAX")
    assert time.monotonic() - started < 1


def test_size_is_checked_before_parsing():
    assert codes(b"a: " + b"x" * (1024 * 1024 + 10)) == ["TOO-LARGE"]


@pytest.mark.parametrize(
    "raw, code",
    [
        ("会议: 内容\n".encode("utf-16-le"), "ENCODING"),
        ("name: José\n".encode("latin-1"), "ENCODING"),
        ("议题: 会议\n".encode("gbk"), "ENCODING"),
        (b"a: b\x00c\n", "CONTROL-CHAR"),
        (b"a: b\x07c\n", "CONTROL-CHAR"),
        ("a: b\u0085c\n".encode("utf-8"), "CONTROL-CHAR"),
    ],
)
def test_encodings_and_control_characters(raw, code):
    doc, problems = read(raw)
    assert doc is None and problems[0].code == code and problems[0].line == 1


def test_bom_and_crlf_are_accepted():
    doc, problems = read(b"\xef\xbb\xbftitle: \xe4\xbc\x9a\r\nplace: x\r\n")
    assert problems == [] and doc.data == {"title": "会", "place": "x"}


@pytest.mark.parametrize(
    "source, code",
    [
        ("", "EMPTY"),
        ("# 只有注释\n", "EMPTY"),
        ("- a\n", "NOT-MAPPING"),
        ("just text\n", "NOT-MAPPING"),
        ("a: 1\n---\nb: 2\n", "MULTI-DOC"),
        ("a:\n\t- b\n", "YAML-SYNTAX"),
    ],
)
def test_structure_problems(source, code):
    doc, problems = read(source)
    assert doc is None and problems[0].code == code


def test_marks_point_at_keys_and_items():
    doc, _ = read("title: 会议\nattendees:\n  - 王伟\n  - 李芳\n")
    assert doc.where(("attendees", 1)) == (4, 5)
    assert doc.where(("title",)) == (1, 1)


def test_dump_writes_chinese_as_text_and_indents_lists():
    text = dump(
        {
            "host": "王伟",
            "attendees": ["王伟", "李芳"],
            "date": dt.date(2026, 7, 3),
            "start": "10:30",
            "minutes": "第一行\n第二行\n",
            "status": "no",
        }
    )
    assert "host: 王伟" in text and "\\u" not in text
    assert "attendees:\n  - 王伟\n" in text and "date: 2026-07-03" in text
    assert "minutes: |" in text
    doc, problems = read(text)
    assert problems == [] and doc.data["start"] == "10:30" and doc.data["status"] == "no"
    assert "&" not in text and "*" not in text


def test_dump_refuses_text_that_would_change():
    with pytest.raises(ValueError):
        dump({"minutes": "a\u0085b"})


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["title", "place", "minutes", "host"]),
        st.one_of(texts, st.lists(texts, max_size=3)),
        max_size=4,
    )
)
def test_round_trip_or_refusal(data):
    """Arbitrary text comes back unchanged, or pw refuses to write it; never a silent change."""
    try:
        text = dump(data)
    except ValueError:
        return
    doc, problems = read(text)
    assert problems == [] and doc.data == data


@settings(max_examples=6000, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_problems_not_exceptions(raw):
    doc, problems = read(raw)  # any exception here fails the test
    if doc is None:
        assert problems and all(p.severity == "error" for p in problems)
    else:
        assert isinstance(doc.data, dict)


@settings(max_examples=4000, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_gives_problems_not_exceptions(text):
    doc, problems = read(text)  # any exception here fails the test
    assert doc is not None or problems


def test_no_unsafe_loader_in_src():
    src = pathlib.Path(__file__).resolve().parents[1] / "src"
    text = "\n".join(p.read_text(encoding="utf-8") for p in src.rglob("*.py"))
    for bad in (
        "yaml.load(",
        "FullLoader",
        "UnsafeLoader",
        "BaseLoader",
        "unsafe_load",
        "index.commit(",
    ):
        assert bad not in text
    assert yaml  # the test file itself may use yaml.safe_load


# -- issue 14 leftovers: every syntax problem a user can make, in Chinese, at its line --------

_ENGLISH = ("found", "expected", "could not", "not allowed", "while ", "token", "indicator")


@pytest.mark.parametrize(
    "source, line, words",
    [
        ("title: a: b\n", 1, "加引号"),  # mapping values are not allowed
        ("title: a\n  place: b\nhost: c\n", 2, "“: ”"),  # over-indented key
        ("title: a\nplace\nhost: b\n", 2, "半角冒号"),  # could not find expected ':'
        ("title: @全体\n", 1, "“@”开头"),  # found character that cannot start any token
        ("title: `x`\n", 1, "“`”开头"),
        ("title: a\n\tplace: b\n", 2, "Tab"),  # a tab character that violates indentation
        ("minutes: |\n\t王伟主持\n", 2, "Tab"),  # a tab where an indentation space is expected
        ("actions:\n  - task: a\n   owner: b\n", 3, "缩进"),  # expected '-' indicator
        ("attendees:\n  - 王伟\n - 李芳\n", 3, "缩进"),  # did not find expected key
        ('title: "第一次\nplace: b\n', 1, "引号"),  # unexpected end of stream
        ("title: '第一次\n---\n", 1, "引号"),  # unexpected document indicator
        ("topics: [学习, 研讨\nplace: x\n", 1, "]"),  # expected ',' or ']'
        ("x: {a: 1\nplace: x\n", 1, "}"),  # expected ',' or '}'
        ("title: a\n- b\n", 2, "缩进"),  # did not find expected key
        ('title: "会议" 补记\n', 1, "引号或括号结束后"),
        ("topics: [学习]]\n", 1, "引号或括号结束后"),
        ('title: "a\\qb"\n', 1, "反斜杠"),  # unknown escape character
        ('title: "\\x4"\n', 1, "反斜杠"),  # expected hexdecimal number
        ('title: "\\UFFFFFFFF"\n', 1, "反斜杠"),  # invalid Unicode escape
        ("minutes: |0\n  a\n", 1, "|"),  # indentation indicator equal to 0
        ("minutes: | 纪要\n  a\n", 1, "|"),  # expected comment or line break
        ("title: &\n", 1, "锚点"),  # anchor: expected alphabetic or numeric character
        ("title: *\n", 1, "锚点"),
        ("title: !<x\n", 1, "!"),  # did not find the expected '>'
        ("%FOO\n---\na: 1\n", 1, "%"),  # unknown directive name
        ("%YAML 2.0\n---\na: 1\n", 1, "%"),  # incompatible YAML document
        ("title: %x\n", 1, "“%”开头"),
        ("attendees: - 王伟\n", 1, "列表项"),  # block sequence entries are not allowed
        ("a: }\n", 1, "缺少值"),  # did not find expected node content
    ],
)
def test_syntax_problems_are_said_in_chinese_at_their_line(source, line, words):
    from partywork.i18n import set_lang

    set_lang("zh")
    doc, problems = read(source)
    assert doc is None and len(problems) == 1
    problem = problems[0]
    assert problem.line == line and words in problem.message, problem.message
    for english in _ENGLISH:
        assert english not in problem.message and english not in problem.hint


@pytest.mark.parametrize(
    "source, line",
    [
        ("kind：committee\nplace: 会议室\n", 1),  # PyYAML trips on line 2
        ("type: meeting\nkind：committee\ndate: 2026-07-03\n", 2),
        ("place: 会议室\nkind：committee\n", 2),  # the last line: could not find ':'
        ("attendees:\n  - 王伟\nplace：会议室\nhost: 王伟\n", 3),
    ],
)
def test_a_full_width_colon_is_pointed_at_with_a_hint(source, line):
    from partywork.i18n import set_lang

    set_lang("zh")
    _doc, problems = read(source)
    assert problems[0].line == line and "全角冒号" in problems[0].hint
    assert problems[0].column == source.split("\n")[line - 1].index("：") + 1


def test_a_full_width_colon_inside_a_value_is_no_mistake():
    doc, problems = read("minutes: 王伟：传达会议精神\ntitle: 第一次\n")
    assert problems == [] and doc.data["minutes"] == "王伟：传达会议精神"
