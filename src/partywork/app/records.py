"""pw log | show | list | edit | void | check."""

import inspect
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from partywork.app.common import (
    State,
    choose_format,
    emit_csv,
    emit_json,
    emit_table,
    err,
    hint_line,
    open_repo,
    out,
    problem_lines,
    show_warnings,
)
from partywork.app.main import app

log_app = typer.Typer(
    help="Record a meeting, study session, review, appraisal, talk or dues collection "
    "(one commit).",
    no_args_is_help=True,
)
app.add_typer(log_app, name="log")


def _kind_help(typ: str) -> str:
    """Each `pw log TYPE --help` lists its own kinds, by their English and Chinese names."""
    from partywork.model.types import TYPES

    kinds = ", ".join(f"{k.name} {k.zh[0]}" for k in TYPES[typ].kinds)
    return f"{kinds} (either name)."


def _common_options() -> dict[str, Any]:
    """The flags of the common fields (SPEC §5.1), by the field they set; a type takes those its
    module lists in `common_options`."""
    from partywork.model.types.base import LogOption

    def parse_absent(item: str) -> Any:
        from partywork.ops.book import parse_absent  # the write path's import, not start-up's

        return parse_absent(item)

    def parse_action(item: str) -> Any:
        from partywork.ops.book import parse_action

        return parse_action(item)

    return {
        "place": LogOption("--place", "place", "Place, or the platform of an online meeting."),
        "mode": LogOption("--mode", "mode", "offline | online | hybrid."),
        "start": LogOption("--start", "start", "Start time HH:MM."),
        "end": LogOption("--end", "end", "End time HH:MM."),
        "host": LogOption("--host", "host", "Host (主持人)."),
        "recorder": LogOption("--recorder", "recorder", "Recorder (记录人)."),
        "attendees": LogOption("--attendees", "attendees", "Present: A,B,C (also 、 or ，)."),
        "absent": LogOption("--absent", "absent", "NAME:REASON (repeatable).", True, parse_absent),
        "topics": LogOption("--topic", "topics", "A topic (repeatable).", True),
        "minutes": LogOption("--minutes", "minutes", "The minutes."),
        "decisions": LogOption(
            "--decision", "decisions", "A decision (repeatable).", True, lambda d: {"text": d}
        ),
        "actions": LogOption(
            "--action", "actions", '"TASK|OWNER|DUE" (repeatable).', True, parse_action
        ),
    }


@dataclass(frozen=True, repr=False, eq=False)  # generated methods cost start-up time
class LogRequest:
    """What `pw log TYPE` was given: the flags every type has, and the fields set by the type's
    own flags (already parsed)."""

    kind: str | None
    date: str | None
    title: str | None
    late_reason: str | None
    from_file: str | None
    edit: bool | None
    after_close: bool
    all_present: bool
    minutes_file: Path | None
    attendee: list[str]
    fields: dict[str, Any]


_CONTROL = (
    ("kind", str | None, None, ("--kind",), None),
    ("date", str | None, None, ("--date",), "Day it was held, YYYY-MM-DD (default: today)."),
    (
        "title",
        str | None,
        None,
        ("--title",),
        "Title (default: numbered, e.g. 2026年第11次支委会).",
    ),
    (
        "late_reason",
        str | None,
        None,
        ("--late-reason",),
        "Why the record is written late (补记说明).",
    ),
    (
        "from_file",
        str | None,
        None,
        ("--from",),
        "Read the record from a YAML file, or - for stdin.",
    ),
    (
        "edit",
        bool | None,
        None,
        ("--edit/--no-edit",),
        "Open $EDITOR on the record (default: when fields are missing on a terminal).",
    ),
    (
        "after_close",
        bool,
        False,
        ("--after-close",),
        "Add a record to a closed period (needs --late-reason; the audit shows it).",
    ),
)
_WITH_ATTENDEES = (
    ("attendee", list[str] | None, None, ("--attendee",), "One person present (repeatable)."),
    ("all_present", bool, False, ("--all-present",), "Everyone expected who is not listed absent."),
)
_WITH_MINUTES = (
    ("minutes_file", Path | None, None, ("--minutes-file",), "Read the minutes from a file."),
)


def _type_options(typ: str) -> list:
    from partywork.model.types import TYPES

    rtype = TYPES[typ]
    common = _common_options()
    return [common[f] for f in rtype.common_options if f in common] + list(rtype.options)


def _signature(typ: str) -> inspect.Signature:
    """The command's parameters, derived from the type: Typer reads them as its options."""
    params = [
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    ]
    control: list[tuple[Any, ...]] = list(_CONTROL)
    fields = {o.field for o in _type_options(typ)}
    control += list(_WITH_ATTENDEES) if "attendees" in fields else []
    control += list(_WITH_MINUTES) if "minutes" in fields else []
    for option in _type_options(typ):
        params.append(
            inspect.Parameter(
                option.param,
                inspect.Parameter.KEYWORD_ONLY,
                default=typer.Option(None, option.flag, help=option.help),
                annotation=list[str] | None if option.repeatable else str | None,
            )
        )
    # kind, date, title first; then the type's own; --late-reason, --from, --edit last
    order = [p.name for p in params[:1]] + [c[0] for c in control[:3]]
    last = len(_CONTROL)
    order += [o.param for o in _type_options(typ)] + [c[0] for c in control[last:]]
    order += [c[0] for c in control[3:last]]
    for name, annotation, default, flags, help_text in control:
        helped = _kind_help(typ) if name == "kind" else help_text
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=typer.Option(default, *flags, help=helped),
                annotation=annotation,
            )
        )
    params.sort(key=lambda p: order.index(p.name))
    return inspect.Signature(params)


def _request(typ: str, values: dict[str, Any]) -> LogRequest:
    fields: dict[str, Any] = {}
    for option in _type_options(typ):
        given = values.get(option.param)
        if given is None or given == []:
            continue
        items = list(given) if option.repeatable else [given]
        parsed = [option.parse(item) if option.parse else item for item in items]
        fields[option.field] = parsed if option.repeatable else parsed[0]
    return LogRequest(
        kind=values["kind"],
        date=values["date"],
        title=values["title"],
        late_reason=values["late_reason"],
        from_file=values["from_file"],
        edit=values["edit"],
        after_close=bool(values.get("after_close")),
        all_present=bool(values.get("all_present")),
        minutes_file=values.get("minutes_file"),
        attendee=list(values.get("attendee") or []),
        fields=fields,
    )


def _make_log(typ: str) -> Any:
    from partywork.model.types import TYPES

    def command(ctx: typer.Context, **values: Any) -> None:
        _log(ctx.obj, typ, _request(typ, values))

    signature = _signature(typ)
    command.__signature__ = signature  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    command.__doc__ = TYPES[typ].help
    return command


_registered: list[str] = []


def register_log_commands() -> None:
    """The `pw log TYPE` commands. Their options come from the record-type registry, which costs
    milliseconds to import and Typer more to build, so they are made only for a command line that
    needs them (app/main.py: main) and for whoever walks every command (the help tests)."""
    if _registered:
        return
    from partywork.model.types import TYPES

    for typ in TYPES:
        log_app.command(typ)(_make_log(typ))
        _registered.append(typ)


def _read_source(source: str, label: str) -> bytes:
    from partywork.errors import NotFound
    from partywork.i18n import t
    from partywork.storage.fsutil import read_bounded
    from partywork.storage.yamlio import MAX_BYTES

    if source == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1)
    try:
        return read_bounded(Path(source), MAX_BYTES)
    except OSError as exc:
        raise NotFound(t("record.unreadable", path=label, problem=exc.strerror or exc)) from None


def _load_source(source: str) -> Any:
    """--from FILE|-: a YAML mapping read with the strict dialect."""
    from partywork.errors import InvalidRecords
    from partywork.i18n import t
    from partywork.storage.yamlio import parse

    label = "<stdin>" if source == "-" else source
    doc, problems = parse(_read_source(source, label), label)
    if doc is None or any(p.severity == "error" for p in problems):
        raise InvalidRecords(
            t("record.invalid", count=len(problems)), problems, t("record.invalid.hint")
        )
    return doc


def _minutes_text(source: str) -> str:
    """UTF-8 only, as records are: a GBK file decoded with replacement would be committed as
    mojibake. A BOM and CRLF (Notepad's way of saving) are accepted and dropped."""
    from partywork.errors import DataError
    from partywork.i18n import t

    raw = _read_source(source, source)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            t(
                "log.minutes_not_utf8",
                path=source,
                line=line,
                column=column,
                byte=raw[exc.start : exc.start + 1].hex(),
            ),
            t("log.minutes_not_utf8.hint", path=source),
        ) from None
    return text.replace("\r\n", "\n")


def _type_names() -> str:
    from partywork.model.types import TYPES

    return " | ".join(TYPES)


def _type_words(typ: str) -> tuple[str, ...]:
    from partywork.model.types import TYPES

    rtype = TYPES.get(typ)
    return rtype.zh if rtype else ()


def _kind_option(value: str, typ: str | None) -> str:
    """--kind: the English or the Chinese name of one of the type's kinds; anything else is a
    usage error naming the valid ones."""
    from partywork.errors import UsageError
    from partywork.i18n import t
    from partywork.model.fields import suggest
    from partywork.model.schema import KIND_NAMES_ZH, kind_choices, kind_named
    from partywork.model.types import TYPE_OF_KIND, kinds_of
    from partywork.render.textsafe import one_line

    kind = kind_named(value, typ)
    if kind is None:
        kinds = kinds_of(typ) if typ else tuple(TYPE_OF_KIND)
        words = {**{k: k for k in kinds}, **{n: k for k in kinds for n in KIND_NAMES_ZH[k]}}
        near = suggest(value.strip(), words)
        hint = t("kind.unknown.hint", choices=kind_choices(typ))
        if typ and value.strip() in _type_words(typ):  # 谈心谈话 names the type, not a kind
            near, hint = None, t("kind.is_type", word=one_line(value.strip())) + hint
        if near:
            hint = t("kind.unknown.suggest", kind=near) + " " + hint
        raise UsageError(t("kind.unknown", kind=one_line(value), type=typ or _type_names()), hint)
    return kind


def _fields_said(fields: list[str]) -> str:
    """Fields as the recorder knows them, with the option that gives each: 地点（--place）."""
    from partywork.i18n import lang, t

    # repeatable options are named for one item: --topic, --decision, --action, --material
    singular = {"topics": "topic", "decisions": "decision", "actions": "action"}
    singular["materials"] = "material"
    options = [f"--{singular.get(f, f).replace('_', '-')}" for f in fields]
    if lang() == "zh":
        return "、".join(f"{t('label.' + f)}（{o}）" for f, o in zip(fields, options, strict=True))
    return ", ".join(f"{t('label.' + f)} ({o})" for f, o in zip(fields, options, strict=True))


def _kind_in_file(data: dict, typ: str | None) -> dict:
    """A kind written by its Chinese name in a file (kind: 支委会) is stored by its English one, as
    --kind 支委会 is; a kind that names none is left for the schema to report at its line."""
    from partywork.model.schema import kind_named

    kind = data.get("kind")
    named = kind_named(kind, typ) if isinstance(kind, str) else None
    return {**data, "kind": named} if named else data


def _option_fields(typ: str, request: LogRequest) -> dict:
    from partywork.app.roster import _date
    from partywork.model.types import TYPES
    from partywork.ops.book import split_names
    from partywork.render.textsafe import clean_name

    day = _date(request.date, "--date")  # said plainly here, not as a missing title later
    one_name = {key for key, how in TYPES[typ].names if how == ""}
    data: dict[str, Any] = {}
    for key in ("kind", "date", "title", "late_reason"):
        value = getattr(request, key)
        if value is not None:
            data[key] = value.strip()
    if day is not None:  # 2026/8/30 as typed, 2026-08-30 as written
        data["date"] = day.isoformat()
    for key, value in request.fields.items():
        # names are looked up in the roster's spelling (NFKC), as --attendees are
        if key in one_name and isinstance(value, str):
            data[key] = clean_name(value)
        elif key == "attendees":
            data[key] = split_names(value)
        elif isinstance(value, str) and key != "minutes":
            data[key] = value.strip()
        else:
            data[key] = value
    names = list(data.get("attendees") or []) + [clean_name(n) for n in request.attendee]
    if names:
        data["attendees"] = names
    if request.minutes_file is not None:
        data["minutes"] = _minutes_text(str(request.minutes_file))
    return data


def _log(state: State, typ: str, request: LogRequest) -> None:
    from dataclasses import replace

    from partywork.errors import DataError
    from partywork.i18n import t
    from partywork.ops.book import (
        check_new,
        complete,
        fill_all_present,
        log_record,
        missing_fields,
    )

    if request.kind is not None:
        request = replace(request, kind=_kind_option(request.kind, typ))
    repo = open_repo(state)
    source = _load_source(request.from_file) if request.from_file else None
    given = _option_fields(typ, request)
    data = {**(_kind_in_file(source.data, typ) if source else {}), **given}
    data = complete(repo, typ, data)
    if request.all_present:
        data = fill_all_present(repo, typ, data)
    missing = missing_fields(typ, data)
    use_editor = request.edit is True or (request.edit is None and missing and sys.stdin.isatty())
    if use_editor:
        _log_in_editor(repo, typ, data, request.after_close)
        return
    if missing:
        raise DataError(t("log.missing", fields=_fields_said(missing)), t("log.missing.hint"))
    label = request.from_file if source and request.from_file else "pw log"
    marks = source.marks if source and not given else None
    # a record pw would refuse (or a sealed period) is not asked about lateness
    check_new(repo, typ, data, label, marks, request.after_close)
    data = _late_reason(repo, data)
    written = log_record(repo, typ, data, label, marks, request.after_close)
    if source and request.from_file:
        from partywork.ops.drafts import submitted

        submitted(repo.root, request.from_file)
    _written(written)


def _late_reason(repo: Any, data: dict) -> dict:
    """A record of any type logged more than late_after_days after it was held (the audit's LATE
    judges every type): on a terminal, ask for the late reason (Enter alone: none, and the audit
    will call it LATE); otherwise say so."""
    from partywork.i18n import t
    from partywork.model.fields import parse_date

    day = parse_date(str(data.get("date") or ""))
    if day is None or str(data.get("late_reason") or "").strip():
        return data
    days, limit = (repo.today - day).days, repo.settings.late_after_days
    if days <= limit:
        return data
    what = t("kind." + str(data.get("kind")))
    if sys.stdin.isatty() and sys.stderr.isatty():
        try:
            answer = typer.prompt(
                t("late.prompt", what=what, days=days, limit=limit),
                default="",
                show_default=False,
                err=True,
            ).strip()
        except typer.Abort:  # Ctrl-C (or end of input) at the prompt: interrupted, exit 130
            raise KeyboardInterrupt from None
        if answer:
            return {**data, "late_reason": answer}
        return data
    err(f"pw: {t('late.warning', what=what, days=days, limit=limit)}")
    err(hint_line(t("late.warning.hint")))
    return data


def _written(written: Any) -> None:
    from partywork.i18n import t

    for line in problem_lines(written.warnings):  # an error across records too (see below)
        err(line)
    err(t("log.written", id=written.id, path=written.path))
    errors = sum(1 for p in written.warnings if p.severity == "error")
    if errors:  # across records (a month's dues): written, but pw check and pw close will refuse
        err(hint_line(t("log.written_with_errors", count=errors, id=written.id)))
    out(written.id)


def _log_in_editor(repo: Any, typ: str, data: dict, after_close: bool) -> None:
    from partywork.app.editing import draft_path, edit_until_valid
    from partywork.i18n import lang, t
    from partywork.model.templates import fill, strip_empty, template_text
    from partywork.ops.book import complete, log_record

    initial = fill(template_text(repo.root, typ, lang()), typ, data)
    written: list = []

    def submit(doc: Any, label: str) -> None:
        fields = complete(repo, typ, _kind_in_file(strip_empty(doc.data), typ))
        written.append(log_record(repo, typ, fields, label, doc.marks, after_close))

    draft = draft_path(repo.root, typ)
    hint = t("editor.draft_kept.hint", type=typ, path="{path}")
    if edit_until_valid(repo.root, draft, initial, submit, hint) and written:
        _written(written[0])


@app.command()
def show(
    ctx: typer.Context,
    record_id: str = typer.Argument(
        ..., metavar="ID", help="The record's id (or a unique prefix of it)."
    ),
    fmt: str = typer.Option("text", "--format", help="text | yaml | json."),
) -> None:
    """Show one record."""
    from partywork.model.schema import to_json
    from partywork.ops.book import read_record
    from partywork.render.record import record_text

    repo = open_repo(ctx.obj)
    path, _doc, record, problems = read_record(repo, record_id)
    if fmt == "json":
        emit_json(to_json(record))
    elif fmt == "yaml":
        from partywork.render.textsafe import shown

        sys.stdout.write(shown(path.read_text(encoding="utf-8", errors="surrogateescape")))
    elif fmt == "text":
        out(record_text(record, repo.roster))
    else:
        raise typer.BadParameter("text | yaml | json", param_hint="--format")
    for line in problem_lines(problems):
        err(line)


def _list_kinds(typ: str | None, kind: str | None) -> tuple[str | None, str | None]:
    """pw list --type/--kind: --kind may name a type too (--kind study); Chinese names work."""
    from partywork.errors import UsageError
    from partywork.i18n import t
    from partywork.model.schema import type_named

    if typ is not None:
        named = type_named(typ)
        if named is None:
            raise UsageError(t("kind.unknown_type", type=typ), _type_names())
        typ = named
    named = type_named(kind) if kind is not None else None
    if named is not None and typ in (None, named):
        return named, None
    return typ, _kind_option(kind, typ) if kind is not None else None


@app.command("list")
def list_command(
    ctx: typer.Context,
    typ: str | None = typer.Option(
        None, "--type", help="meeting | study | review | appraisal | talk | dues."
    ),
    kind: str | None = typer.Option(
        None,
        "--kind",
        help="A kind or a type, by its English or Chinese name: committee, 支委会, study ….",
    ),
    period: str | None = typer.Option(
        None, "--period", help="2026Q3, 2026-07, 2026, A..B, this, last (quarters)."
    ),
    member: str | None = typer.Option(None, "--member", help="Records that name this member."),
    grep: str | None = typer.Option(None, "--grep", help="Records whose text contains this."),
    fmt: str | None = typer.Option(
        None, "--format", help="table | json | csv (default: table on a terminal, json when piped)."
    ),
) -> None:
    """Find records."""
    from partywork.i18n import t
    from partywork.model.periods import parse as parse_period
    from partywork.ops.book import list_records

    typ, kind = _list_kinds(typ, kind)
    repo = open_repo(ctx.obj)
    chosen = (
        parse_period(period, "quarter", repo.today, repo.settings.year_start_month)
        if period
        else None
    )
    rows, problems = list_records(repo, typ, kind, chosen, member, grep)
    for line in problem_lines(problems):
        err(line)
    fmt = choose_format(fmt, "table", "table")
    if fmt == "json":
        emit_json({"schema": "pw.list/1", "records": [r.as_json() for r in rows]})
        return
    header = ["id", "type", "kind", "date", "title", "path", "voided"]
    header += ["attendance"] if member else []
    if fmt == "csv":
        emit_csv(header, ([getattr(r, h) for h in header] for r in rows))
    elif fmt == "table":
        labels = [
            t("label.id"),
            t("label.date"),
            t("label.kind"),
            t("label.title"),
            t("label.voided"),
        ] + ([t("label.attendance")] if member else [])
        emit_table(
            labels,
            (
                [r.id, r.date, t("kind." + r.kind), r.title, "✗" if r.voided else ""]
                + ([t("attendance." + r.attendance) if r.attendance else ""] if member else [])
                for r in rows
            ),
        )
        if not rows:
            err(t("list.none"))
    else:
        raise typer.BadParameter("table | json | csv", param_hint="--format")
    if member and not rows:
        _no_such_member(repo, member)


def _no_such_member(repo: Any, name: str) -> None:
    """No record names a member the roster has never had: say so, a typo is the likely cause."""
    from partywork.i18n import t
    from partywork.render.textsafe import one_line

    roster = repo.roster
    if name in roster.members or roster.renamed(name) is not None:
        return
    err(f"pw: {one_line(t('member.not_found', name=name))}")
    near = roster.suggest(name)
    if near:
        err(hint_line(one_line(t("member.not_found.hint", suggestion=near))))


@app.command()
def edit(
    ctx: typer.Context,
    record_id: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(
        ..., "--reason", help="Why the record is changed (required; goes into the history)."
    ),
    from_file: str | None = typer.Option(
        None, "--from", help="The whole corrected record from a file, or - for stdin."
    ),
    sets: list[str] | None = typer.Option(
        None, "--set", help="FIELD=VALUE (repeatable), e.g. --set place=党员活动室."
    ),
    after_close: bool = typer.Option(
        False, "--after-close", help="Change a record of a closed period (the audit shows it)."
    ),
    in_editor: bool = typer.Option(
        False, "--edit", help="Open the record in $EDITOR, terminal or not (as pw log --edit)."
    ),
) -> None:
    """Amend a record, with a stated reason (one commit)."""
    from partywork.errors import UsageError
    from partywork.i18n import t
    from partywork.ops.book import edit_record

    repo = open_repo(ctx.obj)
    if not reason.strip():
        raise UsageError(t("record.no_change"), t("record.no_change.hint"))
    if from_file is None and not sets:
        if not sys.stdin.isatty() and not in_editor:
            raise UsageError(t("record.no_change"), t("record.no_change.hint"))
        _edit_in_editor(repo, record_id, reason, after_close)
        return
    replacement = _load_source(from_file) if from_file else None
    if replacement is not None:
        replacement.data = _kind_in_file(replacement.data, None)
    written = edit_record(repo, record_id, reason, replacement, list(sets or []), after_close)
    if from_file:  # a kept draft is done with once the record holds it, as after `pw log --from`
        from partywork.ops.drafts import submitted

        submitted(repo.root, from_file)
    _edited(written, record_id)


def _edited(written: Any, record_id: str) -> None:
    from partywork.i18n import t

    if written is None:
        err(t("record.no_change"))
        return
    show_warnings(written.warnings)
    err(t("edit.done", id=written.id))
    out(written.id)


def _edit_in_editor(repo: Any, record_id: str, reason: str, after_close: bool) -> None:
    from partywork.app.editing import draft_path, edit_until_valid
    from partywork.i18n import t
    from partywork.ops.book import edit_record, read_record
    from partywork.ops.sealing import sealed

    path, _doc, record, _ = read_record(repo, record_id)
    sealed(repo, str(record.get("id") or path.stem), after_close)  # refused before the editor
    results: list = []

    def submit(doc: Any, label: str) -> None:
        results.append(edit_record(repo, record_id, reason, doc, [], after_close))

    hint = t("editor.draft_kept.hint", type="--from", path="{path}")
    if edit_until_valid(
        repo.root, draft_path(repo.root, path.stem), path.read_text(encoding="utf-8"), submit, hint
    ):
        _edited(results[0], record_id)


@app.command()
def void(
    ctx: typer.Context,
    record_id: str = typer.Argument(..., metavar="ID"),
    reason: str = typer.Option(..., "--reason", help="Why the record is void (required)."),
    after_close: bool = typer.Option(
        False, "--after-close", help="Change a record of a closed period (the audit shows it)."
    ),
) -> None:
    """Mark a record void: the file stays, it counts nowhere (one commit)."""
    from partywork.i18n import t
    from partywork.ops.book import void_record

    repo = open_repo(ctx.obj)
    written = void_record(repo, record_id, reason, after_close)
    err(t("void.done", id=written.id))
    out(written.id)


@app.command()
def check(
    ctx: typer.Context,
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
    fmt: str = typer.Option("text", "--format", help="text | json."),
) -> None:
    """Validate every file in records/; exit 1 on any error."""
    from partywork.analysis.check import check_repo
    from partywork.i18n import t

    repo = open_repo(ctx.obj)
    result = check_repo(repo)
    if fmt == "json":
        emit_json(result.as_json())
    else:
        for line in problem_lines(result.problems):
            out(line)
        if result.problems:
            err(
                t(
                    "check.summary",
                    files=result.files,
                    errors=result.count("error"),
                    warnings=result.count("warning"),
                )
            )
        else:
            err(t("check.ok", files=result.files))
    if result.failed(strict):
        raise typer.Exit(1)
