"""Copied minutes (analysis/similar.py): pure, no repository needed."""

from __future__ import annotations

from partywork.analysis.similar import similar_pairs

MINUTES = (
    "王伟传达了上级关于安全生产的部署要求，李芳结合项目部实际提出隐患排查整改措施并明确责任人。"
)


def test_a_copied_text_is_found_and_an_unrelated_one_is_not():
    texts = {
        "b": MINUTES,
        "a": MINUTES.replace("王伟", "张强"),
        "c": "刘洋讲授专题党课，围绕理想信念谈体会，大家交流了学习心得和下一步打算安排。",
    }
    pairs = similar_pairs(texts, 0.8)
    assert [(a, b) for a, b, _score in pairs] == [("a", "b")]
    assert 0.8 <= pairs[0][2] <= 1


def test_short_texts_are_too_short_to_judge():
    assert similar_pairs({"a": "按议程进行。", "b": "按议程进行。"}, 0.5) == []
