"""Rectification and follow-up items (SPEC §5.5, §6 `pw action`): list, done, drop.

An action's id is `<record id>#<n>`, n counting from 1 in list order; never renumbered, so a
dropped action keeps its place and its id.
"""

from __future__ import annotations

import datetime as dt
import re

from partywork.analysis.report import action_rows
from partywork.errors import DataError, NotFound
from partywork.i18n import t
from partywork.ops.book import Written, check_typed, load_records, read_record
from partywork.ops.sealing import sealed
from partywork.storage import txn
from partywork.storage.repo import Repo
from partywork.storage.store import relative
from partywork.storage.yamlio import dump

_ACTION_ID = re.compile(r"^(.+)#(\d{1,4})$")


def list_actions(repo: Repo, status: str | None = None, owner: str | None = None) -> list[dict]:
    from partywork.model.schema import as_now

    records, _problems = load_records(repo)
    # owners as the member is called now, as the report shows them (a rename reaches no record)
    rows = action_rows((as_now(r, repo.roster) for r in records), repo.today)
    if status == "overdue":
        rows = [r for r in rows if r["overdue"]]
    elif status:
        rows = [r for r in rows if r["status"] == status]
    if owner:
        from partywork.render.textsafe import clean_name

        wanted = clean_name(owner)
        renamed = repo.roster.renamed(wanted)  # asked by the name the member had then
        wanted = renamed[0].name if renamed else wanted
        rows = [r for r in rows if r["owner"] == wanted]
    return [{k: v for k, v in r.items() if k != "opened"} for r in rows]


def _split(action_id: str) -> tuple[str, int]:
    match = _ACTION_ID.match(action_id.strip())
    if not match or int(match.group(2)) < 1:
        raise DataError(t("action.invalid_id", id=action_id), t("action.invalid_id.hint"))
    return match.group(1), int(match.group(2))


def _change(
    repo: Repo,
    action_id: str,
    verb: str,
    reason: str | None,
    update: dict,
    after_close: bool = False,
) -> Written:
    record_ident, number = _split(action_id)
    done: list[Written] = []

    def build() -> txn.Change:
        repo.reload()
        path, _doc, record, _ = read_record(repo, record_ident)
        actions = record.get("actions") or []
        if record.get("voided") or number > len(actions):
            raise NotFound(t("action.not_found", id=action_id), t("action.invalid_id.hint"))
        action = actions[number - 1]
        tag = sealed(repo, str(record.get("id") or path.stem), after_close)
        if action.get("status", "open") != "open":
            raise DataError(
                t(
                    "action.not_open",
                    id=action_id,
                    status=t("action." + action.get("status", "open")),
                )
            )
        action.update(update)
        full_id = f"{record['id']}#{number}"
        label = relative(repo.root, path)
        check_typed(repo, record, path)
        done.append(Written(full_id, label, []))
        subject = t(f"commit.{verb.replace('-', '_')}", id=full_id, task=action.get("task"))
        return {label: dump(record).encode("utf-8")}, txn.message(
            subject, verb, record["id"], reason, tag
        )

    txn.commit_change(repo.git, build)
    return done[0]


def mark_done(
    repo: Repo,
    action_id: str,
    evidence: str,
    on: dt.date | None,
    after_close: bool = False,
    reason: str | None = None,
) -> Written:
    """Done, with its evidence; a reason (why after the close, say) goes into the commit."""
    return _change(
        repo,
        action_id,
        "action-done",
        txn.one_line(reason) if reason and reason.strip() else None,
        {"status": "done", "done_on": on or repo.today, "evidence": txn.one_line(evidence)},
        after_close,
    )


def drop(repo: Repo, action_id: str, reason: str, after_close: bool = False) -> Written:
    from partywork.ops.book import require_reason

    require_reason(reason)
    return _change(
        repo,
        action_id,
        "action-drop",
        reason,
        {"status": "dropped", "reason": txn.one_line(reason)},
        after_close,
    )
