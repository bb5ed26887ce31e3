#!/usr/bin/env python3
"""Write the sample branch in records/ with pw itself, one commit per change.

usage: python scripts/make_sample.py [REPO [--yearly]]   (default: this checkout)
       --yearly: only add the yearly record book (issue 15) to an existing sample

The sample is a construction-project branch (项目部党支部) with 12 members in two party groups and
two quarters of records (2026Q2, 2026Q3). It was typed up in one sitting from the paper book, so
every record carries a late_reason — and pw audit will rightly call the batch out.
Deliberate gaps for the reports to find: no 第二党小组 meeting in August, one unexcused absence,
one overdue rectification item.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
TODAY = "2026-11-26"
LATE = "示例数据：据纸质会议记录本补录"


def pw(*args: str) -> str:
    command = [sys.executable, "-m", "partywork", "--repo", str(REPO), "--today", TODAY, *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"pw {' '.join(args)}\n{result.stderr}")
    return result.stdout.strip()


MEMBERS = [
    # name, group, status, joined, role
    ("王建国", "g1", "full", "2024-03-01", "secretary"),
    ("李芳", "g1", "full", "2024-03-01", "committee"),
    ("张强", "g2", "full", "2024-03-01", "committee"),
    ("刘洋", "g1", "full", "2024-03-01", "group-leader"),
    ("陈静", "g1", "full", "2024-03-01", None),
    ("杨帆", "g1", "full", "2024-05-10", None),
    ("赵磊", "g1", "probationary", "2025-07-01", None),
    ("黄海", "g2", "full", "2024-03-01", None),
    ("周敏", "g2", "full", "2024-03-01", None),
    ("吴涛", "g2", "full", "2024-03-01", None),
    ("徐丽", "g2", "full", "2024-09-01", None),
    ("孙浩", "g2", "full", "2026-08-01", None),
]
G1 = ["王建国", "李芳", "刘洋", "陈静", "杨帆", "赵磊"]
G2 = ["张强", "黄海", "周敏", "吴涛", "徐丽"]


def roster() -> None:
    pw("group", "add", "g1", "--name", "第一党小组（项目管理）")
    pw("group", "add", "g2", "--name", "第二党小组（施工一线）")
    for name, group, status, joined, role in MEMBERS:
        args = ["member", "add", name, "--group", group, "--status", status, "--joined", joined]
        pw(*args, *(["--role", role] if role else []))
    pw("member", "leave", "吴涛", "--on", "2026-09-15")


def meeting(
    kind: str,
    date: str,
    title: str,
    host: str,
    recorder: str,
    present: list[str],
    absent: list[str],
    topics: list[str],
    minutes: str,
    *extra: str,
) -> str:
    args = [
        "log",
        "meeting",
        "--kind",
        kind,
        "--date",
        date,
        "--title",
        title,
        "--place",
        "项目部二楼会议室",
        "--start",
        "19:00",
        "--end",
        "20:30",
        "--host",
        host,
        "--recorder",
        recorder,
        "--attendees",
        ",".join(present),
        "--minutes",
        minutes,
        "--late-reason",
        LATE,
    ]
    for item in absent:
        args += ["--absent", item]
    for topic in topics:
        args += ["--topic", topic]
    return pw(*args, *extra)


def study(
    date: str,
    kind: str,
    title: str,
    present: list[str],
    materials: list[str],
    hours: str,
    minutes: str,
) -> str:
    args = [
        "log",
        "study",
        "--kind",
        kind,
        "--date",
        date,
        "--title",
        title,
        "--place",
        "项目部职工书屋",
        "--host",
        "王建国",
        "--recorder",
        "李芳",
        "--attendees",
        ",".join(present),
        "--hours",
        hours,
        "--minutes",
        minutes,
        "--late-reason",
        LATE,
    ]
    for material in materials:
        args += ["--material", material]
    return pw(*args)


def months() -> None:
    committee_members = ["王建国", "李芳", "张强"]
    plans = {
        "04": (
            "研究二季度安全生产和党建工作计划",
            "张强：汇报4月份施工进度，主体结构完成45%。\n李芳：提出二季度党员发展和教育计划。\n王建国：要求把安全生产责任落实到每个班组。",
        ),
        "05": (
            "研究雨季施工安全措施",
            "张强：通报近期两起安全隐患整改情况。\n王建国：部署雨季施工防汛准备工作。\n李芳：建议组织党员先锋岗挂牌。",
        ),
        "06": (
            "研究上半年工作总结和党员先锋岗评选",
            "李芳：汇报党员先锋岗评选方案。\n张强：介绍一线班组推荐情况。\n王建国：强调评选要公开公正，接受群众监督。",
        ),
        "07": (
            "研究三季度重点工作",
            "王建国：传达公司党委三季度工作会议精神。\n张强：汇报高温季节施工安排。\n李芳：提出三季度党课和主题党日安排。",
        ),
        "08": (
            "研究防汛和高温作业安全",
            "张强：汇报防汛物资储备情况，缺少排水泵两台。\n李芳：建议一线班组开展防汛演练。\n王建国：要求立即补齐物资并组织演练。",
        ),
        "09": (
            "研究吴涛同志组织关系转出和四季度计划",
            "李芳：说明吴涛同志调往公司机关，组织关系9月15日转出。\n张强：汇报主体结构封顶准备。\n王建国：部署四季度组织生活会准备工作。",
        ),
    }
    for month, (topic, minutes) in plans.items():
        extra = []
        if month == "08":
            extra = [
                "--action",
                "组织一线班组开展防汛演练|黄海|2026-09-15",
                "--action",
                "补齐排水泵等防汛物资|张强|2026-08-20",
            ]
        if month == "07":
            extra = ["--action", "完善项目部安全生产责任清单|张强|2026-08-31"]
        meeting(
            "committee",
            f"2026-{month}-05",
            f"2026年第{int(month)}次支委会",
            "王建国",
            "李芳",
            committee_members,
            [],
            [topic],
            minutes,
            *extra,
        )
        day = f"2026-{month}-18"
        g1_present = [n for n in G1 if not (month == "06" and n == "杨帆")]
        g1_absent = ["杨帆:外出培训"] if month == "06" else []
        meeting(
            "group",
            day,
            f"第一党小组{int(month)}月党小组会",
            "刘洋",
            "陈静",
            g1_present,
            g1_absent,
            ["学习安全生产法律法规", "交流本月工作"],
            "刘洋领学《安全生产法》有关条款。\n陈静、杨帆结合合同管理工作谈体会。\n赵磊汇报思想动态。",
            "--group",
            "g1",
        )
        if month != "08":  # August: the second group did not meet (赶工期)
            g2 = [n for n in G2 if not (month == "09" and n == "吴涛")] + (
                ["孙浩"] if month == "09" else []
            )
            meeting(
                "group",
                day,
                f"第二党小组{int(month)}月党小组会",
                "张强",
                "周敏",
                g2,
                [],
                ["班组安全讲评", "党员先锋岗履职情况"],
                "张强讲评本月班组安全情况。\n黄海、徐丽汇报先锋岗履职。\n周敏提出改善工人夜间照明的建议。",
                "--group",
                "g2",
            )
        everyone = [n for n in G1 + G2 if not (n == "吴涛" and month == "09")] + (
            ["孙浩"] if month in ("08", "09") else []
        )
        absent = ["黄海:夜班值守"] if month == "05" else []
        if month == "07":
            absent = ["徐丽：无故未到"]
        present = [
            n
            for n in everyone
            if n not in ("黄海" if month == "05" else "", "徐丽" if month == "07" else "")
        ]
        meeting(
            "theme-day",
            f"2026-{month}-25",
            f"2026年{int(month)}月主题党日",
            "王建国",
            "李芳",
            present,
            absent,
            ["重温入党誓词", "志愿服务"],
            "全体党员重温入党誓词。\n到工地周边社区开展安全宣传志愿服务，发放资料80余份。",
            "--decision",
            "下月主题党日围绕防汛安全开展",
        )
        study(
            f"2026-{month}-12",
            "collective" if month not in ("05", "08") else "first-topic",
            f"2026年{int(month)}月集中学习",
            [n for n in everyone if n != "赵磊" or month != "04"],
            ["《中国共产党支部工作条例（试行）》", "公司党委本月学习通知"],
            "2",
            "王建国领学，李芳、张强交流学习体会。",
        )
        if month == "04":
            pass


def quarterly() -> None:
    everyone_q2 = G1 + G2
    meeting(
        "general",
        "2026-06-28",
        "2026年第2次支部党员大会",
        "王建国",
        "李芳",
        [n for n in everyone_q2 if n != "周敏"],
        ["周敏:探亲假"],
        ["讨论接收赵磊同志为预备党员（示例）", "通报上半年工作"],
        "李芳介绍赵磊同志培养考察情况。\n与会党员逐一发表意见。\n王建国通报上半年支部工作。",
        "--decision",
        "同意上半年支部工作总结",
    )
    meeting(
        "general",
        "2026-09-26",
        "2026年第3次支部党员大会",
        "王建国",
        "李芳",
        [n for n in G1 + G2 if n != "吴涛"] + ["孙浩"],
        [],
        ["通报三季度工作", "部署组织生活会准备"],
        "王建国通报三季度工作。\n李芳说明组织生活会征求意见安排。\n张强就主体结构封顶安全工作作发言。",
    )
    for date, title, lecturer, topic in (
        ("2026-05-20", "二季度党课：安全生产与党员责任", "王建国", "安全生产与党员责任"),
        ("2026-08-20", "三季度党课：弘扬工匠精神", "孙教授|市委党校", "弘扬工匠精神"),
    ):
        present = [n for n in G1 + G2 if not (date.startswith("2026-08") and n == "赵磊")] + (
            ["孙浩"] if date >= "2026-08" else []
        )
        absent = ["赵磊:参加入党积极分子培训"] if date.startswith("2026-08") else []
        meeting(
            "lecture",
            date,
            title,
            "王建国",
            "李芳",
            present,
            absent,
            [topic],
            f"主讲：{topic}。\n结合项目实际，讲述一线党员在抢险和攻坚中的作用。",
            "--lecturer",
            lecturer,
            "--hours",
            "2",
        )


def review() -> None:
    text = """kind: special
date: 2026-09-10
title: 安全生产专题检讨会
place: 项目部二楼会议室
host: 王建国
recorder: 李芳
attendees: [王建国, 李芳, 张强, 刘洋, 陈静, 杨帆, 赵磊, 黄海, 周敏, 吴涛, 徐丽, 孙浩]
upper_attendee: {name: 马书记, org: 示例建设集团公司党委}
topics:
  - 8月份高处作业安全隐患专题检讨
minutes: |
  王建国：代表支部委员会作检讨，对8月份发生的高处作业隐患负领导责任。
  张强：作为分管安全的委员，检查不到位，深刻检讨。
  马书记：要求逐项整改，对单销号。
self_reviews:
  - member: 王建国
    problems: [对一线安全检查频次不够]
    measures: [每周带队检查一次高处作业]
  - member: 张强
    problems: [安全交底流于形式]
    measures: [每个班组每月安全交底签字留档]
criticisms:
  - {from: 李芳, to: 张强, content: 对分包队伍安全交底督促不够，8月两次交底记录缺失}
  - {from: 黄海, to: 王建国, content: 到夜班一线次数偏少}
actions:
  - {task: 每周开展一次高处作业专项检查, owner: 王建国, due: 2026-12-31}
  - {task: 补齐分包队伍安全交底记录, owner: 张强, due: 2026-09-30}
late_reason: 示例数据：据纸质会议记录本补录
"""
    path = REPO / ".pw" / "sample-review.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    pw("log", "review", "--from", str(path))
    path.unlink()


# -- the yearly record book (issue 15): appraisal, talks, dues, an incentive meeting -------------
# Deliberate gaps: no committee member has talked with 徐丽; 徐丽 missed July's dues and made them
# up in August (补交); 李芳 pays by the quarter.


def incentive() -> None:
    present = [n for n in G1 + G2]
    meeting(
        "incentive",
        "2026-07-01",
        "庆祝建党105周年暨上半年激励会",
        "王建国",
        "李芳",
        present,
        [],
        ["表彰上半年优秀共产党员和党员先锋岗"],
        "李芳宣读表彰决定。\n张强、黄海代表受表彰党员发言。\n王建国号召全体党员向先进学习。",
        "--commend",
        "张强|优秀共产党员|带领突击队提前完成主体结构施工节点",
        "--commend",
        "黄海|党员先锋岗|雨季施工连续夜班值守，及时排除两处隐患",
    )


def talks() -> None:
    for date, kind, title, host, others in (
        ("2026-04-08", "one-to-one", "书记与李芳谈心谈话", "王建国", ["李芳"]),
        ("2026-04-09", "one-to-one", "书记与张强谈心谈话", "王建国", ["张强"]),
        ("2026-05-06", "one-to-one", "李芳与张强谈心谈话", "李芳", ["张强"]),
        (
            "2026-06-10",
            "one-to-many",
            "书记与第一党小组党员谈心谈话",
            "王建国",
            ["刘洋", "陈静", "杨帆", "赵磊"],
        ),
        (
            "2026-06-11",
            "one-to-many",
            "张强与第二党小组党员谈心谈话",
            "张强",
            ["黄海", "周敏", "吴涛"],
        ),
        ("2026-08-10", "one-to-one", "李芳与新转入党员孙浩谈心谈话", "李芳", ["孙浩"]),
    ):
        pw(
            "log",
            "talk",
            "--kind",
            kind,
            "--date",
            date,
            "--title",
            title,
            "--host",
            host,
            "--attendees",
            ",".join([host, *others]),
            "--topic",
            "工作思想状况",
            "--minutes",
            f"{host}了解{'、'.join(others)}的工作和思想情况，听取意见建议。",
            "--late-reason",
            LATE,
        )


def dues() -> None:
    amounts = {
        "王建国": "120",
        "李芳": "90",
        "张强": "100",
        "刘洋": "80",
        "陈静": "60",
        "杨帆": "60",
        "赵磊": "30",
        "黄海": "70",
        "周敏": "50",
        "吴涛": "70",
        "徐丽": "50",
        "孙浩": "40",
    }
    for month in range(4, 12):
        label = f"2026-{month:02d}"
        args = [
            "log",
            "dues",
            "--date",
            _closed(label),
            "--month",
            label,
            "--title",
            f"2026年{month}月党费收缴",
            "--collector",
            "李芳",
            "--late-reason",
            LATE,
        ]
        for name, amount in amounts.items():
            if (name == "吴涛" and month > 9) or (name == "孙浩" and month < 8):
                continue
            if name == "李芳" and month not in (4, 5, 6):
                continue  # paid by the quarter below
            if name == "徐丽" and month == 7:
                args += ["--unpaid", "徐丽:出差未交"]
                continue
            paid = f"{name}:{int(amount) * 2 if name == '徐丽' and month == 8 else amount}"
            args += ["--paid", f"{paid}:{label}-10"]
        path = None
        if month in (7, 8, 10):
            # quarterly (李芳) and a make-up (徐丽) need `months`: written as a file
            path = _dues_file(label, args, month)
            pw("log", "dues", "--from", str(path))
            path.unlink()
        else:
            pw(*args)


def _closed(label: str) -> str:
    """The day a month's collection was closed: the 28th, November's not yet come (the 25th)."""
    return f"{label}-25" if label == TODAY[:7] else f"{label}-28"


def _dues_file(label: str, args: list[str], month: int) -> Path:
    payments = []
    for i, arg in enumerate(args):
        if arg == "--paid":
            name, amount, day = args[i + 1].split(":")
            months = "[2026-07, 2026-08]" if name == "徐丽" and month == 8 else None
            payments.append((name, amount, day, months))
    if month in (7, 10):
        quarter = ", ".join(f"2026-{m:02d}" for m in range(month, month + 3))
        payments.append(("李芳", "270", f"{label}-08", f"[{quarter}]"))
    lines = [
        "kind: monthly",
        f"title: 2026年{month}月党费收缴",
        f"date: {_closed(label)}",
        f"month: {label}",
        "collector: 李芳",
        "payments:",
    ]
    for name, amount, day, months in payments:
        extra = f", months: {months}" if months else ""
        lines.append(f"  - {{member: {name}, amount: {amount}, paid_on: {day}{extra}}}")
    if month == 7:
        lines += ["unpaid:", "  - {name: 徐丽, reason: 出差未交}"]
    lines.append(f"late_reason: {LATE}")
    path = REPO / ".pw" / f"sample-dues-{label}.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def appraisal() -> None:
    full = [n for n in G1 + G2 if n != "赵磊"]
    grades = {n: "合格" for n in full}
    grades.update({"王建国": "优秀", "张强": "优秀", "黄海": "优秀", "赵磊": "合格"})
    args = [
        "log",
        "appraisal",
        "--date",
        "2026-01-20",
        "--year",
        "2025",
        "--title",
        "2025年度民主评议党员",
        "--place",
        "项目部二楼会议室",
        "--host",
        "王建国",
        "--recorder",
        "李芳",
        "--attendees",
        ",".join(G1 + G2),
        "--minutes",
        "个人自评、党员互评、民主测评，支委会综合评定等次。",
        "--late-reason",
        LATE,
    ]
    for name, grade in grades.items():
        args += ["--grade", f"{name}:{grade}"]
    pw(*args)


def yearly() -> None:
    appraisal()
    incentive()
    talks()
    dues()


if __name__ == "__main__":
    if sys.argv[2:] == ["--yearly"]:  # add the yearly record book to an existing sample
        yearly()
        print(pw("check"))
        sys.exit(0)
    roster()
    months()
    quarterly()
    review()
    yearly()
    print(pw("check"))
