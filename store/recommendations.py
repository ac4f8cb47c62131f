"""Recommendations of products and campaigns for a person, with reasons.

Personalised only for a member who switched it on (PersonalisationConsent):
their vector is folded in from their current history (store/recommender.py)
and each pick is explained by the nearest item in that history. Everyone else,
and a member with no history yet, gets the popularity fallback. Whatever the
source, the filters are the same: nothing already bought, nothing out of
stock, only open campaigns, only the brands asked for.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Idea
from store import recommender, selectors
from store.models import Product, StoreCustomer
from store.selectors import WEIGHTS, Action

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Candidates fetched from the model before the database filters: enough that
# filtering out bought or sold-out items still leaves a full list.
CANDIDATE_FACTOR = 8


@dataclass(frozen=True)
class Recommendation:
    kind: str  # "product" | "campaign"
    product: Product | None
    campaign: Campaign | None
    reason: str
    personalised: bool

    @property
    def title(self) -> str:
        return self.product.name if self.product else self.campaign.title  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        if self.product is not None:
            return self.product.url
        return self.campaign.get_absolute_url()  # type: ignore[union-attr]


def for_user(
    *, user: User | None, brand_ids: list[int] | None = None, limit: int | None = None
) -> list[Recommendation]:
    """What to show a member (or an anonymous visitor: popular only)."""
    limit = limit or settings.STORE_RECOMMENDATIONS_SHOWN
    user_id = user.pk if user is not None and user.is_authenticated else None
    personal = selectors.personalisation_granted(user)
    return _recommend(user_id=user_id, customer=None, personal=personal, brand_ids=brand_ids, limit=limit)


def for_customer(*, customer: StoreCustomer, limit: int | None = None) -> list[Recommendation]:
    """What a brand may show one of its store customers (the API): personalised
    only when the customer is a member who consented; the brand's items only."""
    limit = limit or settings.STORE_RECOMMENDATIONS_SHOWN
    user = customer.user
    personal = selectors.personalisation_granted(user)
    return _recommend(
        user_id=user.pk if user is not None else None,
        customer=customer,
        personal=personal,
        brand_ids=[customer.brand_id],
        limit=limit,
    )


def _recommend(
    *,
    user_id: int | None,
    customer: StoreCustomer | None,
    personal: bool,
    brand_ids: list[int] | None,
    limit: int,
) -> list[Recommendation]:
    bought = selectors.bought_product_ids(user_id, customer) if (user_id or customer) else set()
    picks: list[Recommendation] = []
    if personal and user_id is not None:
        picks = _personal(user_id=user_id, bought=bought, brand_ids=brand_ids, limit=limit)
    if len(picks) < limit:
        picks += _popular(
            bought=bought,
            brand_ids=brand_ids,
            limit=limit - len(picks),
            exclude={(r.kind, (r.product or r.campaign).pk) for r in picks},  # type: ignore[union-attr]
            joined_campaigns=_joined_campaign_ids(user_id),
        )
    return picks


def _joined_campaign_ids(user_id: int | None) -> set[int]:
    if user_id is None:
        return set()
    return set(Idea.objects.filter(votes__user_id=user_id).values_list("campaign_id", flat=True)) | set(
        Idea.objects.filter(author_id=user_id).values_list("campaign_id", flat=True)
    )


def _history(user_id: int) -> dict[str, tuple[float, str]]:
    """{item: (summed weight, the strongest action)} of one person."""
    weights: dict[str, float] = defaultdict(float)
    strongest: dict[str, str] = {}
    for it in selectors.interactions([user_id]):
        weights[it.item] += WEIGHTS[it.action]
        if it.item not in strongest or WEIGHTS[it.action] > WEIGHTS[strongest[it.item]]:
            strongest[it.item] = it.action
    return {item: (w, strongest[item]) for item, w in weights.items()}


def _personal(
    *, user_id: int, bought: set[int], brand_ids: list[int] | None, limit: int
) -> list[Recommendation]:
    model = recommender.load(settings.STORE_RECOMMENDER_PATH)
    if model is None:
        return []
    history = _history(user_id)
    row_of = model.row_of
    known = {row_of[item]: weight for item, (weight, _action) in history.items() if item in row_of}
    if not known:
        return []
    vector = recommender.fold_in(model, known)
    seen = {row_of[item] for item in history if item in row_of}
    candidates = np.fromiter(
        (row for item, row in row_of.items() if item[0] in "pc" and row not in seen), dtype=np.int64
    )
    rows = recommender.top_rows(model, vector, candidates, limit * CANDIDATE_FACTOR)
    keys = [model.items[row] for row in rows]
    products = _products({int(k[1:]) for k in keys if k[0] == "p"}, bought, brand_ids)
    campaigns = {
        c.pk: c
        for c in selectors.open_campaigns(brand_ids).filter(pk__in={int(k[1:]) for k in keys if k[0] == "c"})
    }
    explainers = _explainers(history, brand_ids)
    # A concrete product or idea explains better than "you took part in ...".
    reason_rows = [row_of[i] for i in explainers if i in row_of and history[i][1] != Action.TOOK_PART] or [
        row_of[i] for i in explainers if i in row_of
    ]
    picks = []
    for row, key in zip(rows, keys, strict=True):
        product = products.get(int(key[1:])) if key[0] == "p" else None
        campaign = campaigns.get(int(key[1:])) if key[0] == "c" else None
        if product is None and campaign is None:
            continue
        because = recommender.nearest(model, row, reason_rows)
        reason = (
            _reason(model.items[because], history, explainers) if because is not None else _("Popular now")
        )
        picks.append(
            Recommendation(
                kind="product" if product else "campaign",
                product=product,
                campaign=campaign,
                reason=reason,
                personalised=True,
            )
        )
        if len(picks) == limit:
            break
    return picks


def _products(ids: set[int], bought: set[int], brand_ids: list[int] | None) -> dict[int, Product]:
    qs = Product.objects.filter(pk__in=ids - bought, stock__gt=0).select_related("brand")
    if brand_ids is not None:
        qs = qs.filter(brand_id__in=brand_ids)
    return {p.pk: p for p in qs}


def _explainers(history: dict[str, tuple[float, str]], brand_ids: list[int] | None) -> dict[str, str]:
    """History items a reason may name, with their titles: only the brands
    asked for, so a brand never learns what its customer did elsewhere."""
    ids: dict[str, set[int]] = defaultdict(set)
    for item in history:
        ids[item[0]].add(int(item[1:]))
    names: dict[str, str] = {}
    products = Product.objects.filter(pk__in=ids["p"])
    ideas = Idea.objects.filter(pk__in=ids["i"], status__in=Idea.VISIBLE_STATUSES)
    campaigns = Campaign.objects.filter(pk__in=ids["c"])
    if brand_ids is not None:
        products = products.filter(brand_id__in=brand_ids)
        ideas = ideas.filter(campaign__brand_id__in=brand_ids)
        campaigns = campaigns.filter(brand_id__in=brand_ids)
    names.update({selectors.product_key(pk): name for pk, name in products.values_list("pk", "name")})
    names.update({selectors.idea_key(pk): title for pk, title in ideas.values_list("pk", "title")})
    names.update({selectors.campaign_key(pk): title for pk, title in campaigns.values_list("pk", "title")})
    return names


def _reason(item: str, history: dict[str, tuple[float, str]], names: dict[str, str]) -> str:
    name = names[item]
    action = history[item][1]
    if action == Action.BOUGHT:
        return _("Because you bought “%(name)s”") % {"name": name}
    if action == Action.VOTED:
        return _("Because you voted for “%(name)s”") % {"name": name}
    if action == Action.COMMENTED:
        return _("Because you commented on “%(name)s”") % {"name": name}
    if action == Action.FOLLOWED:
        return _("Because you follow “%(name)s”") % {"name": name}
    return _("Because you took part in “%(name)s”") % {"name": name}


def _popular(
    *,
    bought: set[int],
    brand_ids: list[int] | None,
    limit: int,
    exclude: set[tuple[str, int]],
    joined_campaigns: set[int],
) -> list[Recommendation]:
    if limit <= 0:
        return []
    reason = _("Popular with other customers")
    products = [
        p
        for p in selectors.popular_products(brand_ids)
        .exclude(pk__in=bought)
        .select_related("brand")[: limit * 2]
        if ("product", p.pk) not in exclude
    ]
    campaigns = [
        c
        for c in selectors.open_campaigns(brand_ids)
        .exclude(pk__in=joined_campaigns)
        .order_by("-opens_at")[:limit]
        if ("campaign", c.pk) not in exclude
    ]
    picks = [Recommendation("product", p, None, reason, False) for p in products]
    picks += [Recommendation("campaign", None, c, _("Open for ideas now"), False) for c in campaigns]
    # Products and campaigns alternate, so neither crowds the other out.
    mixed = [r for pair in zip(picks[: len(products)], picks[len(products) :], strict=False) for r in pair]
    rest = picks[len(mixed) // 2 : len(products)] + picks[len(products) + len(mixed) // 2 :]
    return (mixed + rest)[:limit]


def train(*, path: str | None = None) -> recommender.Model | None:
    """Train on everyone who consented and save the factors (the worker task)."""
    triples = ((str(it.user_id), it.item, WEIGHTS[it.action]) for it in selectors.interactions(None))
    triples_list = list(triples)
    if not triples_list:
        return None
    model = recommender.train(triples_list)
    recommender.save(model, path or settings.STORE_RECOMMENDER_PATH)
    return model
