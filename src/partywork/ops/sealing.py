"""`pw close PERIOD`: seal a period with an annotated tag `pw/closed/<label>` (signed when
`signing` is on). The tag names the dates it covers, so the audit never has to guess them."""

from __future__ import annotations

import datetime as dt

from partywork import __version__
from partywork.analysis.check import check_repo
from partywork.errors import DataError, UsageError
from partywork.i18n import t
from partywork.model import periods
from partywork.model.periods import CLOSE_PREFIX
from partywork.storage.fsutil import exclusive_lock
from partywork.storage.git import gitio
from partywork.storage.repo import Repo
from partywork.storage.txn import LOCK, lock_timeout, one_line


def empty_period(repo: Repo, text: str) -> bool:
    """Whether a period holds no record file at all: sealing it says nothing was held."""
    from partywork.storage.store import record_files

    settings = repo.require_valid_settings()
    period = periods.parse(text, periods.unit_of(text), repo.today, settings.year_start_month)
    return next(record_files(repo.root, period.start, period.end), None) is None


def close_period(repo: Repo, text: str) -> tuple[str, str]:
    settings = repo.require_valid_settings()
    if ".." in text:
        raise UsageError(t("close.range"))
    period = periods.parse(text, periods.unit_of(text), repo.today, settings.year_start_month)
    tag = CLOSE_PREFIX + period.label
    if period.end >= repo.today:
        raise DataError(t("close.not_over", label=period.label, end=period.end))
    errors = check_repo(repo).count("error")
    if errors:
        raise DataError(t("close.check_failed", count=errors), t("close.check_failed.hint"))
    git = repo.git
    git.require_identity()
    git.require_signing_key()
    message = (
        f"{one_line(t('commit.close', label=period.label))}\n\nPw-Action: close\n"
        f"Pw-Period: {period.start}..{period.end}\nPw-Version: {__version__}\n"
    )
    with exclusive_lock(git.git_dir / LOCK, lock_timeout()):
        if gitio.tag_id(git, tag) is not None:
            raise DataError(t("close.exists", label=period.label, tag=tag))
        git.tag(tag, message)
    return period.label, tag


def sealed(repo: Repo, record_id: str, after_close: bool) -> str | None:
    """The close tag whose period covers this record's date (None when none does). A change to a
    sealed record is refused unless `--after-close` says it is meant (issue 14 scope 9)."""
    from partywork.analysis.audit import record_day

    day = record_day(record_id)
    tag = _covering(repo, day) if day is not None else None
    if tag is not None and not after_close:
        raise DataError(t("sealed.refused", id=record_id, tag=tag), t("sealed.refused.hint"))
    return tag


def sealed_for_log(repo: Repo, record: dict, after_close: bool) -> str | None:
    """The close tag a new record falls in, refused as an edit is: the audit judges a record
    added after the close as CLOSED-EDIT, so `pw log` must not write one silently. With
    `--after-close` the late reason is the reason the audit shows."""
    from partywork.analysis.audit import record_day

    record_id = str(record.get("id") or "")
    day = record_day(record_id)
    tag = _covering(repo, day) if day is not None else None
    if tag is None:
        return None
    if not after_close:
        raise DataError(
            t("sealed.log_refused", date=record.get("date"), tag=tag), t("sealed.log_refused.hint")
        )
    if not str(record.get("late_reason") or "").strip():
        raise UsageError(t("sealed.log_needs_reason", tag=tag), t("sealed.log_needs_reason.hint"))
    return tag


def _covering(repo: Repo, day: dt.date) -> str | None:
    from partywork.analysis.audit import tag_period

    first_month = repo.settings.year_start_month
    for tag, (_commit, text) in sorted(gitio.tags(repo.git, CLOSE_PREFIX + "*").items()):
        period = tag_period(tag, text, repo.today, first_month)
        if period is not None and period.contains(day):
            return tag
    return None
