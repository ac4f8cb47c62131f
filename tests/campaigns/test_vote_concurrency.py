"""Votes cast at the same moment from many connections keep counts exact.

Runs against whichever database DATABASE_URL names: CI runs it on PostgreSQL,
where row locks and the unique constraint do the work; on SQLite the write
lock serialises the threads.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from campaigns import services
from campaigns.models import Idea, Vote
from core.exceptions import AlreadyVoted
from tests.factories import IdeaFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 12


def _in_parallel(target, args_list):
    barrier = threading.Barrier(len(args_list))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(*args):
        barrier.wait()
        try:
            target(*args)
            result = "ok"
        except AlreadyVoted:
            result = "already"
        except Exception as exc:  # recorded so the assertion shows it
            result = f"error: {exc!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=a) for a in args_list]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_n_distinct_users_voting_in_parallel_give_a_count_of_n():
    idea = IdeaFactory()
    users = UserFactory.create_batch(VOTERS)

    outcomes = _in_parallel(
        lambda u: services.vote_cast(idea=Idea(pk=idea.pk), user=u), [(u,) for u in users]
    )

    idea.refresh_from_db()
    assert outcomes == ["ok"] * VOTERS
    assert idea.vote_count == VOTERS == Vote.objects.filter(idea=idea).count()


def test_one_user_voting_twice_in_parallel_gives_one_vote_and_a_friendly_refusal():
    idea = IdeaFactory()
    user = UserFactory()

    outcomes = _in_parallel(lambda: services.vote_cast(idea=Idea(pk=idea.pk), user=user), [(), ()])

    idea.refresh_from_db()
    assert sorted(outcomes) == ["already", "ok"]
    assert idea.vote_count == 1 == Vote.objects.filter(idea=idea, user=user).count()


def test_parallel_votes_and_withdrawals_leave_the_count_equal_to_the_rows():
    idea = IdeaFactory()
    users = UserFactory.create_batch(VOTERS)
    for u in users[: VOTERS // 2]:
        services.vote_cast(idea=idea, user=u)

    def flip(u, withdraw):
        if withdraw:
            services.vote_withdraw(idea=Idea(pk=idea.pk), user=u)
        else:
            services.vote_cast(idea=Idea(pk=idea.pk), user=u)

    outcomes = _in_parallel(flip, [(u, i < VOTERS // 2) for i, u in enumerate(users)])

    idea.refresh_from_db()
    assert outcomes == ["ok"] * VOTERS
    assert idea.vote_count == Vote.objects.filter(idea=idea).count() == VOTERS // 2
