"""`manage.py seed_demo`: a believable community to click through after `make run`.

Two brands with FAQ and policy entries for the shopper assistant
(demo/sources.py), four campaigns (one in Simplified Chinese), about thirty
people, 120 ideas, a skewed vote distribution, threaded comments with
stances, a few ideas awaiting moderation and a couple of reports; then the demo logins.

Campaigns and every community action go through campaigns.services, so
counters, ranking scores, moderation, notifications and the after-commit tasks
(embeddings) are exactly what the site would have produced. People, brands and
memberships are written directly: there is no service for brands, and
services.user_signup would hash each password with the deliberately slow hasher.
Services stamp `timezone.now()`; the seed then spreads the activity over each
campaign's timeline and rebuilds every trending score from those times with
campaigns.ranking, so "trending", "top" and "new" tell different stories.

Deterministic (`--seed`), all or nothing (one transaction), and it runs once:
if the first demo brand exists it says so and only prints the logins.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaigns import ranking, services
from campaigns.models import Brand, BrandMembership, Campaign, Comment, Idea, ModerationAction, Report, Vote
from demo import data as demo_data
from demo.data import CampaignSpec, Person
from demo.sources import sources_seed
from notifications.models import Notification

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Demo accounts only, printed for whoever runs the demo; override with DEMO_PASSWORD.
DEFAULT_PASSWORD = "cocreate-demo"  # noqa: S105
DEFAULT_SEED = 2025

# Ideas a moderator leaves in the queue of a pre-moderated campaign, so the
# moderation queue has work in it (the newest ones, as in real life).
PENDING_IDEAS_LEFT = 3
# Consent is not universal: some people keep their idea out of AI texts or
# decline public credit, which the drafting and crediting code must respect.
CONSENT_AI_CHANCE = 0.85
CONSENT_CREDIT_CHANCE = 0.7
CONSENT_QUOTE_CHANCE = 0.5
# Popularity is Pareto-distributed (a few ideas draw most votes, a long tail
# draws few): with alpha 1.2 the top five of 30 ideas get about half the votes
# and the top idea four or more times the median.
POPULARITY_ALPHA = 1.2
VOTES_PER_PARTICIPANT = (4, 12)  # inclusive range of ideas each voter supports
PARTICIPATION_CHANCE = 0.85  # not everyone who could vote does
# People from the other language community who still vote in a campaign.
CROSS_LANGUAGE_VOTERS = 4
# Top-level comments per idea fall with its popularity rank: the first
# COMMENT_RANK_STEP ideas get up to MAX_TOP_COMMENTS, the next ones one fewer...
MAX_TOP_COMMENTS = 5
COMMENT_RANK_STEP = 4
REPLY_CHANCE = 0.5  # a top-level comment gets an answer
NESTED_REPLY_CHANCE = 0.3  # ... and that answer one more
AUTHOR_REPLIES_CHANCE = 0.3  # the answer comes from the idea's author
STANCE_WEIGHTS = {Comment.Stance.FOR: 0.5, Comment.Stance.AGAINST: 0.3, Comment.Stance.NEUTRAL: 0.2}
SPAM_REPORTERS = 2  # below REPORT_AUTOHIDE_THRESHOLD: the spam waits for a moderator


@dataclass
class Seeded:
    """What one campaign's seeding wrote, in creation order, for back-dating."""

    spec: CampaignSpec
    campaign: Campaign
    ideas: list[Idea] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


class DemoSeeder:
    def __init__(self, rng: random.Random, password: str) -> None:
        self.rng = rng
        self.password = password
        self.now = timezone.now()
        self.users: dict[str, User] = {}
        self.brands: dict[str, Brand] = {}

    def run(self) -> list[Seeded]:
        self._create_people()
        self._create_brands()
        sources_seed(brands=self.brands, merchants={slug: self._merchant(slug) for slug in self.brands})
        seeded = [self._seed_campaign(spec) for spec in demo_data.CAMPAIGNS]
        self._file_reports(seeded)
        for item in seeded:
            for phase in item.spec.phases:
                services.campaign_set_phase(
                    campaign=item.campaign, phase=phase, actor=self._merchant(item.spec.brand_slug)
                )
            self._backdate(item)
        return seeded

    # --- people and brands ---------------------------------------------------------------

    def _create_people(self) -> None:
        people = demo_data.PEOPLE
        user_model = get_user_model()
        taken = list(
            user_model.objects.filter(username__in=[p.username for p in people]).values_list(
                "username", flat=True
            )
        )
        if taken:
            raise CommandError(
                f"These usernames already exist: {', '.join(sorted(taken))}. Seed an empty database."
            )
        # One hash for everyone: hashing is deliberately slow, and every demo
        # account shares the password anyway.
        password_hash = make_password(self.password)
        logins = {login.person.username: login for login in demo_data.LOGINS}
        user_model.objects.bulk_create(
            [
                user_model(
                    username=p.username,
                    first_name=p.first_name,
                    last_name=p.last_name,
                    email=f"{p.username}@example.com",
                    password=password_hash,
                    is_staff=p.username in logins and logins[p.username].is_staff,
                    is_superuser=p.username in logins and logins[p.username].superuser,
                )
                for p in people
            ]
        )
        self.users = {
            u.username: u for u in user_model.objects.filter(username__in=[p.username for p in people])
        }

    def _create_brands(self) -> None:
        for spec in demo_data.BRANDS:
            self.brands[spec.slug] = Brand.objects.create(
                slug=spec.slug,
                name=spec.name,
                description=spec.description,
                banned_phrases="\n".join(spec.banned_phrases),
            )
        for login in demo_data.LOGINS:
            if login.brand_slug is not None:
                BrandMembership.objects.create(
                    user=self._user(login.person), brand=self.brands[login.brand_slug], role=login.role
                )

    def _user(self, person: Person) -> User:
        return self.users[person.username]

    def _merchant(self, brand_slug: str) -> User:
        login = next(lg for lg in demo_data.LOGINS if lg.brand_slug == brand_slug)
        return self._user(login.person)

    def _community(self, spec: CampaignSpec) -> tuple[list[User], list[User]]:
        """(people who write ideas here, people who vote and comment here)."""
        if spec.locale == Campaign.Locale.ZH_HANS:
            own, other = demo_data.MEMBERS_ZH, demo_data.MEMBERS_EN
        else:
            own, other = demo_data.MEMBERS_EN, demo_data.MEMBERS_ZH
        authors = [self._user(p) for p in own]
        guests = [self._user(p) for p in self.rng.sample(other, CROSS_LANGUAGE_VOTERS)]
        return authors, [*authors, *guests, self._user(demo_data.CUSTOMER.person)]

    # --- one campaign ----------------------------------------------------------------------

    def _seed_campaign(self, spec: CampaignSpec) -> Seeded:
        opens_at = self.now - timedelta(days=spec.opened_days_ago)
        campaign = services.campaign_create(
            actor=self._merchant(spec.brand_slug),
            brand=self.brands[spec.brand_slug],
            slug=spec.slug,
            title=spec.title,
            product_name=spec.product_name,
            brief=spec.brief,
            locale=spec.locale,
            tone=spec.tone,
            moderation_policy=spec.moderation_policy,
            phase=Campaign.Phase.IDEAS,
            opens_at=opens_at,
            closes_at=self.now + timedelta(days=spec.closes_in_days) if spec.closes_in_days else None,
        )
        # Back-dated as the rest of the demo's history is; no service sets a
        # creation time, so the seed writes it directly.
        Campaign.objects.filter(pk=campaign.pk).update(created_at=opens_at)
        campaign.created_at = opens_at
        item = Seeded(spec=spec, campaign=campaign)
        authors, members = self._community(spec)
        self._submit_ideas(item, authors)
        self._moderate_pending(item)
        visible = [idea for idea in item.ideas if idea.status == Idea.Status.PUBLISHED]
        popularity = {idea.pk: self.rng.paretovariate(POPULARITY_ALPHA) for idea in visible}
        self._cast_votes(item, visible, popularity, members)
        self._add_comments(item, visible, popularity, members)
        return item

    def _submit_ideas(self, item: Seeded, authors: Sequence[User]) -> None:
        customer = self._user(demo_data.CUSTOMER.person)
        for position, (title, body) in enumerate(item.spec.ideas):
            author = customer if position in item.spec.customer_ideas else self.rng.choice(authors)
            idea = services.idea_submit(
                campaign=item.campaign,
                author=author,
                title=title,
                body=body,
                consent_ai=self.rng.random() < CONSENT_AI_CHANCE,
                consent_credit=self.rng.random() < CONSENT_CREDIT_CHANCE,
                consent_quote=self.rng.random() < CONSENT_QUOTE_CHANCE,
            )
            item.ideas.append(idea)

    def _moderate_pending(self, item: Seeded) -> None:
        """The merchant approves the queue except its newest few ideas."""
        pending = [idea for idea in item.ideas if idea.status == Idea.Status.PENDING]
        merchant = self._merchant(item.spec.brand_slug)
        for idea in pending[: max(len(pending) - PENDING_IDEAS_LEFT, 0)]:
            idea.status = services.idea_moderate(
                idea=idea, actor=merchant, action=ModerationAction.Action.APPROVE
            ).status

    def _cast_votes(
        self, item: Seeded, visible: list[Idea], popularity: dict[int, float], members: Sequence[User]
    ) -> None:
        customer = self._user(demo_data.CUSTOMER.person)
        for voter in members:
            if voter != customer and self.rng.random() > PARTICIPATION_CHANCE:
                continue
            candidates = [idea for idea in visible if idea.author_id != voter.pk]
            count = min(self.rng.randint(*VOTES_PER_PARTICIPANT), len(candidates))
            # Weighted sampling without replacement (Efraimidis-Spirakis keys).
            chosen = sorted(
                candidates, key=lambda idea: self.rng.random() ** (1 / popularity[idea.pk]), reverse=True
            )[:count]
            for idea in chosen:
                item.votes.append(services.vote_cast(idea=idea, user=voter))

    def _add_comments(
        self, item: Seeded, visible: list[Idea], popularity: dict[int, float], members: Sequence[User]
    ) -> None:
        ranked = sorted(visible, key=lambda idea: popularity[idea.pk], reverse=True)
        for rank, idea in enumerate(ranked):
            most = max(MAX_TOP_COMMENTS - rank // COMMENT_RANK_STEP, 1)
            for _ in range(self.rng.randint(1 if rank < COMMENT_RANK_STEP else 0, most)):
                writer = self.rng.choice([m for m in members if m.pk != idea.author_id])
                parent = self._comment(item, idea, writer, item.spec.comments)
                for chance in (REPLY_CHANCE, NESTED_REPLY_CHANCE):
                    if parent.status != Comment.Status.PUBLISHED or self.rng.random() > chance:
                        break
                    if parent.author_id != idea.author_id and self.rng.random() < AUTHOR_REPLIES_CHANCE:
                        replier = idea.author
                    else:
                        replier = self.rng.choice([m for m in members if m.pk != parent.author_id])
                    parent = self._comment(item, idea, replier, item.spec.replies, parent=parent)
        if item.spec.spam_comment:
            item.comments.append(
                services.comment_add(
                    idea=ranked[0], author=self._user(demo_data.SPAMMER), body=item.spec.spam_comment
                )
            )

    def _comment(
        self,
        item: Seeded,
        idea: Idea,
        author: User,
        texts: dict[str, tuple[str, ...]],
        parent: Comment | None = None,
    ) -> Comment:
        stance = self.rng.choices(list(STANCE_WEIGHTS), weights=list(STANCE_WEIGHTS.values()))[0]
        said = {c.body for c in item.comments if c.idea_id == idea.pk}
        options = [t for t in texts[stance] if t not in said] or list(texts[stance])
        comment = services.comment_add(
            idea=idea, author=author, body=self.rng.choice(options), stance=stance, parent=parent
        )
        item.comments.append(comment)
        return comment

    # --- reports ----------------------------------------------------------------------------

    def _file_reports(self, seeded: list[Seeded]) -> None:
        reporters = [self._user(p) for p in demo_data.MEMBERS_EN]
        for item in seeded:
            if item.spec.off_topic_report:
                title, note = item.spec.off_topic_report
                idea = next(i for i in item.ideas if i.title == title)
                services.report_file(
                    reporter=self.rng.choice([u for u in reporters if u.pk != idea.author_id]),
                    reason=Report.Reason.OFF_TOPIC,
                    note=note,
                    idea=idea,
                )
            if item.spec.spam_comment:
                spam = next(c for c in item.comments if c.body == item.spec.spam_comment)
                for reporter in self.rng.sample(reporters, SPAM_REPORTERS):
                    services.report_file(reporter=reporter, reason=Report.Reason.SPAM, comment=spam)

    # --- timeline ---------------------------------------------------------------------------

    def _between(self, start: datetime, end: datetime) -> datetime:
        return start + (end - start) * self.rng.random()

    def _backdate(self, item: Seeded) -> None:
        """Spread the campaign's activity over its timeline and rebuild each
        idea's trending score from the new times."""
        spec = item.spec
        start = item.campaign.opens_at
        ideas_end = self.now - timedelta(days=spec.ideas_until_days_ago)
        votes_end = self.now - timedelta(days=spec.votes_until_days_ago)
        times = sorted(self._between(start, ideas_end) for _ in item.ideas)
        ideas = {idea.pk: idea for idea in item.ideas}
        for idea, created_at in zip(item.ideas, times, strict=True):
            idea.created_at = created_at
        for vote in item.votes:
            vote.created_at = self._between(ideas[vote.idea_id].created_at, votes_end)
        comments: dict[int, Comment] = {}
        for comment in item.comments:  # parents come before their replies
            after = comments[comment.parent_id] if comment.parent_id else ideas[comment.idea_id]
            comment.created_at = self._between(after.created_at, votes_end)
            comments[comment.pk] = comment

        events: dict[int, list[tuple[float, datetime]]] = {pk: [] for pk in ideas}
        for vote in item.votes:
            events[vote.idea_id].append((ranking.W_VOTE, vote.created_at))
        for comment in item.comments:
            if comment.status == Comment.Status.PUBLISHED:
                events[comment.idea_id].append((ranking.W_COMMENT, comment.created_at))
        for pk, idea in ideas.items():
            idea.score = trending_score(idea.created_at, events[pk])

        Idea.objects.bulk_update(item.ideas, ["created_at", "score"])
        Vote.objects.bulk_update(item.votes, ["created_at"])
        Comment.objects.bulk_update(item.comments, ["created_at"])
        notifications = list(Notification.objects.filter(comment_id__in=comments))
        for notification in notifications:
            if notification.comment_id is not None:  # always, by the filter above
                notification.created_at = comments[notification.comment_id].created_at
        Notification.objects.bulk_update(notifications, ["created_at"])


def trending_score(created_at: datetime, events: Sequence[tuple[float, datetime]]) -> float:
    """The score services would have stored had each (weight, time) event
    happened at its time: creation first, then each vote and comment."""
    score = ranking.score_initial(created_at)
    for weight, at in events:
        score = ranking.score_add(score, weight, at)
    return score


class Command(BaseCommand):
    help = "Load the demo community (brands, campaigns, people, ideas, votes, comments), once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)"
        )

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD", DEFAULT_PASSWORD)
        if Brand.objects.filter(slug=demo_data.BRANDS[0].slug).exists():
            self.stdout.write("demo data already present")
        else:
            started = time.monotonic()
            with transaction.atomic():
                seeded = DemoSeeder(random.Random(seed), password).run()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Seeded {len(seeded)} campaigns, {sum(len(s.ideas) for s in seeded)} ideas, "
                    f"{sum(len(s.votes) for s in seeded)} votes, "
                    f"{sum(len(s.comments) for s in seeded)} comments "
                    f"in {time.monotonic() - started:.1f} s."
                )
            )
        self._print_logins(password)

    def _print_logins(self, password: str) -> None:
        self.stdout.write(f"Demo logins (password {password!r}, as set when the demo was first seeded):")
        for login in demo_data.LOGINS:
            self.stdout.write(f"  {login.person.username:<10} {login.description}")
