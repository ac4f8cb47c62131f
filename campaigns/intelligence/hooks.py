"""What campaigns.services calls after a write, inside its transaction.

Each hook follows the thing for its author and, after commit, asks the default
worker to embed or analyse it. Enqueueing never fails the person's request: if
the broker is down, the periodic backfill (embeddings_backfill_task) catches
up, and until then the duplicate check finds the new idea by keyword.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from campaigns.models import Comment, Idea, Vote
from cocreate.queueing import publish_after_commit

from .follows import follow_add

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


def idea_submitted(idea: Idea) -> None:
    from .tasks import idea_embed_task

    follow_add(user=idea.author, idea=idea)
    follow_add(user=idea.author, campaign=idea.campaign)
    publish_after_commit(idea_embed_task, idea.pk)


def idea_updated(idea: Idea) -> None:
    from .tasks import idea_embed_task

    publish_after_commit(idea_embed_task, idea.pk)


def vote_cast(vote: Vote) -> None:
    follow_add(user=vote.user, idea=vote.idea)


def comment_added(comment: Comment) -> None:
    from .tasks import comment_analyse_task

    follow_add(user=comment.author, idea=comment.idea)
    publish_after_commit(comment_analyse_task, comment.pk)
