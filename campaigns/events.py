"""What the community app announces to the apps above it (core/events.py).

Subscribers: notifications (follows, in-app notices and their e-mails),
intelligence (embeddings, sentiment, similar ideas), webhooks (brand events).
"""

from __future__ import annotations

from core import events as core_events
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
# Telling a person something is open to every app: core.events.person_told.
person_told = core_events.person_told
similar_ideas_wanted = Event(
    "campaigns.similar_ideas_wanted",
    "campaign, data: ideas like the one being submitted (the idea form shows them); "
    "answered by the intelligence app, None when it has nothing to say.",
)
