"""What happened to the replies readers see, as the comments app's services say it: one
Django signal per event, sent once by the service that made the change, inside its transaction.
Each carries `article_ids`, the articles whose replies readers now see differently.

The page cache subscribes (`comments/purging.py`). Replies no reader sees (held, spam or
rejected from the start, a report under the threshold, a forgotten address) send nothing.
"""

from django.dispatch import Signal

# Replies shown to readers: approved by a moderator, or by the policy as they were posted.
reply_approved = Signal()

# Shown replies hidden: rejected or marked as spam by a moderator.
reply_rejected = Signal()

# A shown reply went back to the queue, reported by enough readers (`moderation.report`).
reply_hidden_by_reports = Signal()

# A shown reply set back to pending on its form in the moderators' admin.
reply_sent_back = Signal()

# Shown replies deleted in the moderators' admin.
replies_deleted = Signal()

# Repliers' names erased from shown replies (`privacy.erase_repliers`).
replies_erased = Signal()

# People erased on request (`privacy.erase_repliers`), whatever readers saw of them: `emails`,
# the addresses they replied with, lower-cased; `by`, who erased them. Other apps keeping the
# same people's addresses (newsletters) erase them too.
repliers_forgotten = Signal()
