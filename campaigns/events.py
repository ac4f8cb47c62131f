"""What the community app announces to the apps above it (core/events.py).

Subscribers: notifications (follows, in-app notices and their e-mails),
intelligence (embeddings, sentiment, similar ideas), webhooks (brand events).
"""

from __future__ import annotations

from core.events import Event


class Notice:
    """What the community app tells a person about (Notification.Kind's values)."""

    IDEA_PUBLISHED = "idea_published"
    IDEA_DECLINED = "idea_declined"
    IDEA_ADOPTED = "idea_adopted"
    NEW_COMMENT = "new_comment"
    NEW_REPLY = "new_reply"
    CONTENT_HIDDEN = "content_hidden"


idea_submitted = Event("campaigns.idea_submitted", "idea: a new idea (pending or published).")
idea_updated = Event("campaigns.idea_updated", "idea: its title or body changed.")
ideas_adopted = Event("campaigns.ideas_adopted", "idea_ids: ideas that were just adopted.")
vote_cast = Event("campaigns.vote_cast", "vote: a new vote.")
comment_added = Event("campaigns.comment_added", "comment: a new comment.")
person_told = Event(
    "campaigns.person_told",
    "Tell a person something (user_id, kind, idea, comment, message, url, email): the "
    "notifications app stores it and, with email=True, e-mails it. `kind` is a "
    "notifications.models.Notification.Kind value.",
)
similar_ideas_wanted = Event(
    "campaigns.similar_ideas_wanted",
    "campaign, data: ideas like the one being submitted (the idea form shows them); "
    "answered by the intelligence app, None when it has nothing to say.",
)
