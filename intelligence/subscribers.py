"""How community intelligence reacts to the community app's events
(campaigns/events.py; subscribed in apps.py).

After commit, the default worker embeds a new or edited idea and analyses a
new comment. Enqueueing never fails the person's request: if the broker is
down, the periodic backfill (embeddings_backfill_task) catches up, and until
then the duplicate check finds the new idea by keyword.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import QueryDict

from core.queueing import publish_after_commit
from intelligence.views import similar_ideas_before_submit

if TYPE_CHECKING:
    from campaigns.models import Campaign, Comment, Idea
    from intelligence.duplicates import SimilarIdeas

EMBED_IDEA_TASK = "intelligence.tasks.idea_embed_task"
ANALYSE_COMMENT_TASK = "intelligence.tasks.comment_analyse_task"


def idea_changed(*, idea: Idea) -> None:
    publish_after_commit(EMBED_IDEA_TASK, idea.pk)


def comment_added(*, comment: Comment) -> None:
    publish_after_commit(ANALYSE_COMMENT_TASK, comment.pk)


def similar_ideas_wanted(*, campaign: Campaign, data: QueryDict) -> SimilarIdeas | None:
    return similar_ideas_before_submit(campaign=campaign, data=data)
