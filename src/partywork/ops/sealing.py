"""`pw close PERIOD`: seal a period with an annotated tag `pw/closed/<label>` (signed when
`signing` is on). The tag names the dates it covers, so the audit never has to guess them."""

from __future__ import annotations

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
    from partywork.analysis.audit import record_day, tag_period

    day = record_day(record_id)
    if day is None:
        return None
    first_month = repo.settings.year_start_month
    for tag, (_commit, text) in sorted(gitio.tags(repo.git, CLOSE_PREFIX + "*").items()):
        period = tag_period(tag, text, repo.today, first_month)
        if period is not None and period.contains(day):
            if not after_close:
                raise DataError(
                    t("sealed.refused", id=record_id, tag=tag), t("sealed.refused.hint")
                )
            return tag
    return None
