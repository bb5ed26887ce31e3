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
