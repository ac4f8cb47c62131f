"""How notifications react to the community app's events (campaigns/events.py;
subscribed in apps.py): people follow what they submit, vote on and comment
on, and hear what the community app tells them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from notifications.follows import follow_add
from notifications.services import notification_create

if TYPE_CHECKING:
    from campaigns.models import Comment, Idea, Vote


def idea_submitted(*, idea: Idea) -> None:
    follow_add(user=idea.author, idea=idea)
    follow_add(user=idea.author, campaign=idea.campaign)


def vote_cast(*, vote: Vote) -> None:
    follow_add(user=vote.user, idea=vote.idea)


def comment_added(*, comment: Comment) -> None:
    follow_add(user=comment.author, idea=comment.idea)


def person_told(
    *,
    user_id: int,
    kind: str,
    idea: Idea | None,
    comment: Comment | None,
    message: str,
    url: str,
    email: bool,
) -> None:
    notification_create(
        user_id=user_id, kind=kind, idea=idea, comment=comment, message=message, url=url, email=email
    )
