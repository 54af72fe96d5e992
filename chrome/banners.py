"""One breaking-news banner at a time: raising one replaces the one raised before (the
database holds the rule: `one_banner_raised`). Each change is written to the desk log and
rebuilds the header once."""

from django.db import transaction
from django.utils import timezone

from audit import log
from chrome.models import BreakingNews, changed


@transaction.atomic
def save(banner: BreakingNews, *, by, was_raised: bool = False) -> BreakingNews | None:
    """Store a banner as the desk edited it (`was_raised`: it was raised before the edit).
    Raised, it replaces the banner raised until now, which is cleared and returned so that
    the desk can say so."""
    replaced = None
    if banner.is_active:
        raised = BreakingNews.objects.select_for_update().raised().exclude(pk=banner.pk)
        replaced = raised.first()
        if replaced is not None:
            raised.update(is_active=False)
            log.record(
                log.Action.BANNER_CLEAR,
                by=by,
                subject=replaced.text,
                detail=f"replaced by “{banner.text}”",
            )
        if not was_raised:
            banner.raised_at = timezone.now()
    banner.save()
    if banner.is_active and not was_raised:
        action = log.Action.BANNER_RAISE
    elif was_raised and not banner.is_active:
        action = log.Action.BANNER_CLEAR
    else:
        action = log.Action.BANNER_CHANGE
    log.record(action, by=by, subject=banner.text, detail=_detail(banner))
    changed()
    return replaced


@transaction.atomic
def clear(banners, *, by) -> int:
    """Clear the raised banners among `banners`; how many were raised."""
    raised = list(banners.filter(is_active=True))
    for banner in raised:
        log.record(log.Action.BANNER_CLEAR, by=by, subject=banner.text)
    count = BreakingNews.objects.filter(pk__in=[b.pk for b in raised]).update(is_active=False)
    if count:
        changed()
    return count


@transaction.atomic
def delete(banners, *, by) -> None:
    """Delete banners (a raised one leaves the site)."""
    banners = list(banners)
    for banner in banners:
        log.record(log.Action.DELETE, by=by, subject=banner.text, detail="breaking-news banner")
    BreakingNews.objects.filter(pk__in=[b.pk for b in banners]).delete()
    changed()


def _detail(banner: BreakingNews) -> str:
    parts = []
    if banner.article_id:
        parts.append(f"links to “{banner.article}”")
    if banner.ends_at:
        parts.append(f"ends {timezone.localtime(banner.ends_at):%d %b %Y %H:%M}")
    return "; ".join(parts)
