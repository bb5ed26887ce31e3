"""`pw --help` in Chinese. The English help stays beside each option in app/ (where a developer
reads it); this table gives each English text its Chinese, and `localize` swaps them in before
Typer builds the help. tests/e2e/test_i18n.py checks every help text has its Chinese here."""

from __future__ import annotations

import inspect
from typing import Any

ZH = {
    "pw — 支部台账 / a git-backed record book for Party branches.": "pw — 支部台账：记在 git 里、改动有迹可查的党支部工作记录本。",
    "Show pw's version and exit.": "显示 pw 的版本并退出。",
    "general 支部党员大会, committee 支委会, group 党小组会, lecture 党课, theme-day 主题党日, other 其他会议 (either name).": "会议类别：general 支部党员大会、committee 支委会、group 党小组会、lecture 党课、theme-day 主题党日、other 其他会议（英文或中文名称均可）。",
    "collective 集中学习, seminar 专题研讨, first-topic 第一议题, online 线上学习, training 培训班, self 自学 (either name).": "学习类别：collective 集中学习、seminar 专题研讨、first-topic 第一议题、online 线上学习、training 培训班、self 自学（英文或中文名称均可）。",
    "org-life 组织生活会, special 专题检讨会 (either name).": "检讨会类别：org-life 组织生活会、special 专题检讨会（英文或中文名称均可）。",
    "A kind or a type, by its English or Chinese name: committee, 支委会, study ….": "类别或类型，英文或中文名称均可：committee、支委会、study……",
    "Show one record.": "显示一条记录。",
    "The record's id (or a unique prefix of it).": "记录编号（或能唯一确定它的前缀）。",
    "text | yaml | json.": "text | yaml | json。",
    "Find records.": "查找记录。",
    "meeting | study | review.": "meeting（会议）| study（学习）| review（检讨会）。",
    "2026Q3, 2026-07, 2026, A..B, this, last (quarters).": "2026Q3、2026-07、2026、A..B、this、last（按季度）。",
    "Records that name this member.": "提到这名党员的记录。",
    "Records whose text contains this.": "正文包含这段文字的记录。",
    "table | json | csv (default: table on a terminal, json when piped).": "table | json | csv（默认：终端上为 table，管道输出为 json）。",
    "Amend a record, with a stated reason (one commit).": "更正一条记录，须写明理由（一次提交）。",
    "Why the record is changed (required; goes into the history).": "更正理由（必填，记入历史）。",
    "The whole corrected record from a file, or - for stdin.": "从文件读入更正后的整条记录，- 表示标准输入。",
    "FIELD=VALUE (repeatable), e.g. --set place=党员活动室.": "字段=值（可重复），如 --set place=党员活动室。",
    "Mark a record void: the file stays, it counts nowhere (one commit).": "作废一条记录：文件保留，但不再计入任何统计（一次提交）。",
    "Why the record is void (required).": "作废理由（必填）。",
    "Validate every file in records/; exit 1 on any error.": "检查 records/ 下的每个文件；有错误时退出码为 1。",
    "Fail on warnings too.": "有警告也算不通过。",
    "text | json.": "text | json。",
    "Create a records repository (git init when needed) with its first commit.": "新建台账仓库（需要时 git init），并做第一次提交。",
    "Where to create the records repository.": "在哪里新建台账仓库。",
    "The branch's name, e.g. 示例项目部党支部.": "支部名称，如 示例项目部党支部。",
    "The supervising committee (上级党委).": "上级党委。",
    "formal | temporary | joint.": "formal（正式）| temporary（临时）| joint（联合）。",
    "Every version of a record, newest first: who, when, why, what changed.": "一条记录的每个版本，最新的在前：谁、何时、为何、改了什么。",
    "The record's id (also of a deleted record), or a member's name.": "记录编号（已删除的记录也可以），或党员姓名（显示其花名册的每次变动）。",
    "Integrity findings from the git history.": "从 git 历史中检查台账是否可信（补记、改写、抄袭、绕过 pw 修改等）。",
    "Only records of this period (default: the whole history).": "只看这一时期的记录（默认：全部历史）。",
    "Exit 1 on any warning or error.": "有任何警告或错误时退出码为 1。",
    "Seal a period: annotated tag pw/closed/<label>, signed when signing is on.": "封存一个时期：打附注标签 pw/closed/<时期>，开启签名时同时签名。",
    "2026Q3, 2026-07 or 2026: a period that is over.": "2026Q3、2026-07 或 2026：已经结束的时期。",
    "The strict gate for CI: signatures, sealed periods, edits outside pw, git objects. Exit 1 on any problem.": "供持续集成使用的严格检查：签名、封存时期、绕过 pw 的修改、git 对象。有任何问题时退出码为 1。",
    "Exchange records with the remote: fetch, fast-forward or rebase, push (never force), close tags too.": "与远程仓库同步台账：获取、快进或变基、推送（绝不强制推送），封存标签一并同步。",
    "What is not shared yet: unpushed and unpulled commits, uncommitted changes, open drafts.": "还有什么没有同步：未推送和未拉取的提交、未提交的修改、未完成的草稿。",
    "The editor's kept drafts (.pw/drafts/): list, drop.": "编辑器保存的草稿（.pw/drafts/）：列出、删除。",
    "List the kept drafts, one path a line.": "列出保存的草稿，每行一个路径。",
    "A draft under .pw/drafts/.": ".pw/drafts/ 下的一份草稿。",
    "Delete a kept draft (nothing is committed; records are never touched).": "删除一份草稿（不做提交，不动任何记录）。",
    "Change a record of a closed period (the audit shows it).": "修改已封存时期的记录（审计中会显示）。",
    "Why, kept in the commit (after a close, the audit shows it).": "原因，写入提交（封存之后修改时，审计会显示它）。",
    "Settle a sync conflict on one record: keep mine or theirs (one commit); then pw sync.": "解决一条记录的同步冲突：保留本地版本（mine）或远程版本（theirs），一次提交；之后再 pw sync。",
    "The record the refused sync named.": "同步被拒绝时点名的那条记录。",
    "mine | theirs: which version stands.": "mine（本地版本）| theirs（远程版本）：以哪个为准。",
    "Why this version (goes into the history).": "为何以这个版本为准（记入历史）。",
    "The records repository (default: PW_REPO, then search upwards). Several for a report across branches.": "台账仓库（默认：环境变量 PW_REPO，否则从当前目录向上查找）。给出多个时生成各支部汇总报表。",
    "Language of messages and reports: zh or en.": "提示信息和报表的语言：zh 或 en。",
    "Pretend today is this date (YYYY-MM-DD).": "把这一天当作今天（YYYY-MM-DD）。",
    "Show tracebacks of internal errors.": "内部错误时显示调用栈。",
    "Record a meeting, a study session or a review (one commit).": "记录一次会议、学习或检讨会（一次提交）。",
    "Record a meeting: 三会一课, theme day (主题党日) or other.": "记录一次会议：三会一课、主题党日或其他。",
    "Day it was held, YYYY-MM-DD (default: today).": "召开日期，YYYY-MM-DD（默认：今天）。",
    "Title (default: numbered, e.g. 2026年第11次支委会).": "标题（默认自动编号，如 2026年第11次支委会）。",
    "Place, or the platform of an online meeting.": "地点，线上会议写平台名称。",
    "offline | online | hybrid.": "offline（线下）| online（线上）| hybrid（线上线下结合）。",
    "Start time HH:MM.": "开始时间 HH:MM。",
    "End time HH:MM.": "结束时间 HH:MM。",
    "Host (主持人).": "主持人。",
    "Recorder (记录人).": "记录人。",
    "Present: A,B,C (also 、 or ，).": "实到人员：A,B,C（也可用 、 或 ，分隔）。",
    "One person present (repeatable).": "一名实到人员（可重复）。",
    "Everyone expected who is not listed absent.": "应到人员中除缺席者外全部实到。",
    "NAME:REASON (repeatable).": "姓名:缺席原因（可重复）。",
    "A topic (repeatable).": "一项议题（可重复）。",
    "The minutes.": "会议记录正文。",
    "Read the minutes from a file.": "从文件读入会议记录正文。",
    "A decision (repeatable).": "一项决议（可重复）。",
    '"TASK|OWNER|DUE" (repeatable).': '"事项|责任人|期限"（可重复）。',
    "Party group id or name (group meetings).": "党小组编号或名称（党小组会）。",
    "Lecturer: a member, or 'NAME|ORG' for a guest.": "授课人：本支部党员，或用 '姓名|单位' 写外请人员。",
    "Study hours credited to each attendee.": "每名参加者计入的学时。",
    "Study material (repeatable).": "学习材料（可重复）。",
    "Why the record is written late (补记说明).": "补记说明：为什么事后才记录。",
    "Read the record from a YAML file, or - for stdin.": "从 YAML 文件读入记录，- 表示标准输入。",
    "Open $EDITOR on the record (default: when fields are missing on a terminal).": "用 $EDITOR 编辑记录（默认：在终端上且缺少字段时）。",
    "Record a study session (学习) with hours per member.": "记录一次学习，含每人学时。",
    "Record a review (组织生活会 / 专题检讨会) with self-criticism and rectification items.": "记录一次组织生活会或专题检讨会，含批评与自我批评和整改事项。",
    "The compliance report of a month, quarter or year.": "月度、季度或年度的落实情况报表。",
    "The compliance report of a month.": "月度落实情况报表。",
    "The compliance report of a quarter.": "季度落实情况报表。",
    "The compliance report of a year.": "年度落实情况报表。",
    "2026Q3, 2026-Q3, Q3, 2026-07, 2026, A..B, this, last (default: this).": "2026Q3、2026-Q3、Q3、2026-07、2026、A..B、this、last（默认：this，本期）。",
    "table | md | json | csv | html (default: table on a terminal, json when piped).": "table | md | json | csv | html（默认：终端上为 table，管道输出为 json）。",
    "Write to this file instead of stdout.": "写入这个文件，而不是标准输出。",
    "Rectification and follow-up items (整改事项): list, done, drop.": "整改事项：列出、完成、撤销。",
    "List rectification and follow-up items, with overdue ones marked.": "列出整改事项，标出逾期的。",
    "open | overdue | done | dropped (or 进行中, 已过期, 已完成, 已撤销).": "open 或 进行中、overdue 或 已过期、done 或 已完成、dropped 或 已撤销。",
    "Only this owner's items.": "只看这名责任人的事项。",
    "table | json.": "table | json。",
    "Mark an item done, with its evidence (one commit).": "标记事项已完成，并写明佐证（一次提交）。",
    "<record id>#<n>, e.g. 2026-07-03-committee-7k2m#1.": "<记录编号>#<序号>，如 2026-07-03-committee-7k2m#1。",
    "What shows it is done (required).": "完成的佐证（必填）。",
    "Day it was done (default: today).": "完成日期（默认：今天）。",
    "Drop an item; it keeps its place and id (one commit).": "撤销一项整改事项；它保留原位置和编号（一次提交）。",
    "Why the item is dropped (required).": "撤销理由（必填）。",
    "Keep the roster (花名册): add, edit, leave, promote, role, remove, list.": "维护党员花名册：加入、更正、转出、转正、职务、删除、列出。",
    "Add a member to the roster.": "把一名党员加入花名册。",
    "Name, unique in the roster (namesakes: 王伟(机电)).": "姓名，在花名册中唯一（重名时写作 王伟(机电)）。",
    "full | probationary.": "full（正式党员）| probationary（预备党员）。",
    "Party group id.": "党小组编号。",
    "Joined this branch, YYYY-MM-DD (default: today).": "转入本支部的日期，YYYY-MM-DD（默认：今天）。",
    "secretary | deputy | committee | group-leader, from --joined.": "secretary（书记）| deputy（副书记）| committee（委员）| group-leader（党小组长），自 --joined 起。",
    "Matches the member's git commits.": "与这名党员的 git 提交邮箱对应。",
    "Record that a member left the branch; open roles end that day.": "记录党员转出本支部；其职务同日结束。",
    "The day the member left (transfer etc.), YYYY-MM-DD.": "转出（组织关系转接等）日期，YYYY-MM-DD。",
    "Why (transferred to …, died, expelled …); kept in the history.": "原因（转往某支部、去世、出党……），记入历史（pw history 姓名 可查）。",
    "Add a term of office, or end the current one with --to.": "增加一段任职，或用 --to 结束当前任职。",
    "secretary | deputy | committee | group-leader.": "secretary（书记）| deputy（副书记）| committee（委员）| group-leader（党小组长）。",
    "First day in the role.": "任职起始日。",
    "Last day in the role (alone: end the open term).": "任职最后一天（单独使用：结束当前任职）。",
    "The members active on a day, with status, group and roles.": "某一天在册的党员，含党员类别、党小组和职务。",
    "The roster as it stood on this day (default: today).": "按这一天的花名册（默认：今天）。",
    "Party groups (党小组): add, edit, list.": "党小组：增加、修改、列出。",
    "Add a party group.": "增加一个党小组。",
    "Short id, e.g. g1.": "简短编号，如 g1。",
    "e.g. 第一党小组.": "如 第一党小组。",
    "Group leader (a member).": "党小组长（须为本支部党员）。",
    "The party groups and their members today.": "各党小组及其现有成员。",
    # issue 14: pw config, --since, pw member import
    "Branch settings (records/pw.yaml): get, set.": "支部设置（records/pw.yaml）：查看、修改。",
    "A setting, dotted for nested ones: rules.committee.min.": "设置项，嵌套的用点号连接，如 rules.committee.min。",
    "Print a setting as it applies (defaults filled in).": "显示一项设置的现行值（未写明的取默认值）。",
    "A setting, dotted for nested ones: study_hours.member.": "设置项，嵌套的用点号连接，如 study_hours.member。",
    "The new value; null switches a rule off; recorders as a comma list.": "新值；null 表示关闭一条规则；recorders 用逗号分隔。",
    "Why; kept in the commit as Pw-Reason.": "修改理由，作为 Pw-Reason 记入提交。",
    "Change one setting: checked like pw.yaml, then one commit.": "修改一项设置：按 pw.yaml 的规则检查后，一次提交。",
    "The record book's first day: nothing before it is missing.": "台账启用日期：此前的月份、季度、年度不计为缺失。",
    "A .csv (UTF-8 or GBK) or .xlsx: 姓名, 党小组, 类别, 加入本支部日期, 职务, 邮箱.": ".csv（UTF-8 或 GBK）或 .xlsx 文件：姓名、党小组、类别、加入本支部日期、职务、邮箱。",
    "Add the members of a spreadsheet: every row checked, all or nothing, one commit.": "从表格导入党员：逐行检查，有错则全部不导入，无错则一次提交。",
    # issue 14: roster without hand edits
    "FIELD=VALUE (repeatable): name, status, full_since, group, joined, left, voting, email.": "字段=值，可重复：name（姓名）、status（类别）、full_since（转正日期）、group（党小组）、joined（加入日期）、left（转出日期）、voting（表决权）、email（邮箱）。",
    "Why the roster entry is corrected.": "更正花名册的原因。",
    "Correct a roster entry (joined, left, group, email, status, a typo in the name).": "更正花名册中的一名党员（加入日期、转出日期、党小组、邮箱、类别、姓名错字）。",
    "Why the member is taken off the roster.": "从花名册删除的原因。",
    "Undo a mistaken add: only for a member named in no record.": "撤销误加的党员：仅限任何记录都未提到的党员。",
    "The day the member became a full member.": "转为正式党员的日期，YYYY-MM-DD。",
    "Probationary to full member (转正): status full, full_since, a vote.": "预备党员转正：类别改为正式党员，记下转正日期，享有表决权。",
    "The group's id, e.g. g1.": "党小组编号，如 g1。",
    "The group's new name.": "党小组的新名称。",
    "The group's leader (a member); an empty value clears it.": "党小组长（须为本支部党员）；留空则清除。",
    "Rename a party group or set its leader.": "修改党小组名称或设定党小组长。",
    # issue 16: the printable binder (pw binder)
    "The printable record book (台账) of a period, as PDF or Word.": "打印用的党建工作台账（PDF 或 Word）：封面、目录、党员名册、每条记录按标准表格排版并留签字栏，最后是本期报告和审计发现。",
    "2026, 2026Q3, 2026-08, this, last (default: the current year).": "期间：2026、2026Q3、2026-08、this（本年）、last（上年）；默认本年。",
    "The file to write: .pdf, or .docx for Word.": "写出的文件：.pdf，或 .docx（Word）。",
    # -- issue 16 (report): xlsx and --all --
    "table | md | json | csv | html | xlsx (default: table on a terminal, json when piped).": "table | md | json | csv | html | xlsx（默认：终端上为 table，管道输出为 json）。",
    "Write to this file instead of stdout (.xlsx: an Excel workbook).": "写入这个文件，而不是标准输出（.xlsx：Excel 工作簿）。",
    "List every finding (by default one line per code).": "逐条列出全部发现（默认同一代码合并为一行）。",
    # -- issue 15: the record types appraisal, talk, dues and the incentive meeting --
    "Record a meeting: 三会一课, theme day (主题党日), incentive meeting (激励会) or other.": "记录一次会议：三会一课、主题党日、激励会或其他。",
    "general 支部党员大会, committee 支委会, group 党小组会, lecture 党课, theme-day 主题党日, other 其他会议, incentive 激励会 (either name).": "会议类别：general 支部党员大会、committee 支委会、group 党小组会、lecture 党课、theme-day 主题党日、other 其他会议、incentive 激励会（英文或中文名称均可）。",
    '"MEMBER|HONOUR|REASON" (incentive meetings; repeatable).': '"党员|荣誉|事由"（激励会的表彰；可重复）。',
    "Who led the study (领学人).": "领学人。",
    "Record the annual appraisal of members (民主评议党员): one grade per member.": "记录年度民主评议党员：每名党员一个评定等次。",
    "annual 民主评议党员 (either name).": "评议类别：annual 民主评议党员（英文或中文名称均可）。",
    "The year appraised (default: the year of --date).": "评议年度（默认：--date 所在年份）。",
    "NAME:GRADE, grade excellent 优秀 | qualified 合格 | basic 基本合格 | unqualified 不合格 (repeatable).": "姓名:等次，等次为 优秀 | 合格 | 基本合格 | 不合格（也可写英文；可重复）。",
    "Record a talk (谈心谈话): one-to-one 个别谈话 or one-to-many 集体谈话.": "记录一次谈心谈话：个别谈话或集体谈话。",
    "one-to-one 个别谈话, one-to-many 集体谈话 (either name).": "谈话类别：one-to-one 个别谈话、one-to-many 集体谈话（英文或中文名称均可）。",
    "Record a month's dues collection (党费收缴): who paid, who is exempt, who has not paid.": "记录一个月的党费收缴：谁已交、谁免交、谁未交。",
    "monthly 党费收缴 (either name).": "类别：monthly 党费收缴（英文或中文名称均可）。",
    "The month collected, YYYY-MM (default: that of --date).": "收缴月份 YYYY-MM（默认：--date 所在月份）。",
    "Who collected the dues (收缴人).": "收缴人。",
    "NAME:AMOUNT[:PAID_ON] (repeatable; PAID_ON defaults to --date).": "姓名:金额[:交纳日期]（可重复；交纳日期默认为 --date）。",
    "NAME:REASON (免交; repeatable).": "姓名:免交原因（可重复）。",
    "NAME:REASON (未交; repeatable).": "姓名:未交原因（可重复）。",
    "Record a meeting, study session, review, appraisal, talk or dues collection (one commit).": "记录一次会议、学习、检讨会、民主评议党员、谈心谈话或党费收缴（一次提交）。",
    "meeting | study | review | appraisal | talk | dues.": "meeting（会议）| study（学习）| review（检讨会）| appraisal（民主评议党员）| talk（谈心谈话）| dues（党费）。",
    # -- pw fleet: the supervisor's desk (issue 17) --
    "A branch's repository; several for a report across branches.": "支部的台账仓库；给出多个时生成各支部汇总报表。",
    "The supervisor's desk: a folder of branch clones (fleet.yaml), kept and reported on.": "督查台：存放各支部台账克隆的文件夹（fleet.yaml），用于同步、汇总和核验。",
    "Make this folder (or --dir) a desk: an empty fleet.yaml.": "把当前文件夹（或 --dir）设为督查台：新建空的 fleet.yaml。",
    "The desk's folder, holding fleet.yaml (default: the current folder).": "督查台文件夹，其中有 fleet.yaml（默认：当前文件夹）。",
    "Add a branch to fleet.yaml (pw fleet sync clones it).": "在 fleet.yaml 中添加一个支部（由 pw fleet sync 克隆）。",
    "The branch's name on the desk (its clone's folder).": "支部在督查台上的名称（也是其克隆的文件夹名）。",
    "Where its records are shared: the git server's url.": "支部台账共享的位置：git 服务器地址。",
    "Take a branch off the desk and delete its clone.": "从督查台移除一个支部并删除其克隆。",
    "The branch's name on the desk.": "支部在督查台上的名称。",
    "The branches on the desk, with what their last sync came to.": "督查台上的各支部及其上次同步的结果。",
    "Clone new branches and fetch all, fast-forward only; refuse any rewritten (REWRITTEN).": "克隆新支部并拉取全部支部，只做快进；历史被改写的支部拒绝同步（REWRITTEN）。",
    "pw verify on every branch: one row each; exit 1 if any fails.": "对每个支部运行 pw verify：每支部一行；有支部未通过时退出码为 1。",
    "pw audit on every branch: one row each; exit 1 if any has an error.": "对每个支部运行 pw audit：每支部一行；有支部存在错误时退出码为 1。",
    "The compliance report of every branch on the desk.": "督查台上各支部的组织生活报告。",
    "The compliance report of a month, every branch on the desk.": "督查台上各支部的月度组织生活报告。",
    "Write to this file; a folder (DIR/) gets a static site.": "写入此文件；给出文件夹（DIR/）时生成静态网站。",
    "The compliance report of a quarter, every branch on the desk.": "督查台上各支部的季度组织生活报告。",
    "The compliance report of a year, every branch on the desk.": "督查台上各支部的年度组织生活报告。",
    # fixux: dead ends a new branch recorder hit
    "Add a record to a closed period (needs --late-reason; the audit shows it).": "补记到已封存的时期（须写 --late-reason；审计中会显示）。",
    "Date joined this branch for rows without one (default: such rows are refused).": "没有填写加入本支部日期的人所用的日期（不给则拒绝这些行）。",
    # fixfleet: pw fleet remove --forget (H1)
    "Also forget what the desk witnessed of this branch (its name and url), so a rewritten history is accepted when it is added again. Without it, a branch added back is still held to what was seen (REWRITTEN).": "同时忘记督查台对该支部（按名称和地址）见证过的历史，再次添加时接受被改写的历史。不加此项时，重新添加的支部仍要与曾见到的历史一致，否则为 REWRITTEN。",
    # newuser3: a new recorder's month
    "Open the record in $EDITOR, terminal or not (as pw log --edit).": "用 $EDITOR 编辑这条记录，无论是否在终端上（同 pw log --edit）。",
}


def help_texts(app: Any) -> list[Any]:
    """Every object of this Typer app that carries a help text (groups, commands, parameters)."""
    found: list[Any] = [app.info] if app.info.help else []
    for command in app.registered_commands:
        found.append(command)
        found += [
            p.default
            for p in inspect.signature(command.callback).parameters.values()
            if getattr(p.default, "help", None)
        ]
    if app.registered_callback:
        found += [
            p.default
            for p in inspect.signature(app.registered_callback.callback).parameters.values()
            if getattr(p.default, "help", None)
        ]
    for group in app.registered_groups:
        found += [group] if group.help else []
        found += help_texts(group.typer_instance)
    return found


def english(holder: Any) -> str | None:
    callback = getattr(holder, "callback", None)
    return holder.help or (
        inspect.getdoc(callback) if callback and not hasattr(holder, "typer_instance") else None
    )


def localize(app: Any, lang: str) -> None:
    """Put the Chinese help in place (English stays as written)."""
    if lang != "zh":
        return
    for holder in help_texts(app):
        text = english(holder)
        if text in ZH:
            holder.help = ZH[text]
