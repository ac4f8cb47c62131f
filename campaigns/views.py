"""The customer-facing site: server-rendered pages that work without JavaScript.

Views stay thin: they read through selectors, write through services, and turn
a service's refusal (core.exceptions.ActionRefused, Throttled included)
into a message and a redirect back (post/redirect/get), never into a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from campaigns import events, selectors, services
from campaigns.forms import CommentForm, IdeaForm, ReportForm
from campaigns.models import Campaign, Comment, Idea
from campaigns.page_cache import cached_for_anonymous
from campaigns.visibility import LISTED_STATUSES, idea_is_listed, public_comments
from core.exceptions import ActionRefused
from core.pagination import CappedPaginator
from core.throttles import throttle_request
from core.users import SignedInRequest
from core.views import form_data, login_required_action, paginate, refused, safe_next

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Labels for selectors.SORTS, in the order the switch shows them. A sort added
# there without a label here fails loudly (KeyError) instead of showing a bare key.
SORT_LABELS = {"trending": _("Trending"), "top": _("Most votes"), "new": _("Newest")}

# "My contributions" shows three lists on one page, each paginated on its own
# query parameter: ten rows each keeps the page a few screens long on a phone.
CONTRIBUTIONS_PER_PAGE = 10


# --- helpers ---------------------------------------------------------------------------


def _campaign_or_404(request: HttpRequest, slug: str) -> Campaign:
    campaign = selectors.campaign_get_visible(slug=slug, viewer=request.user)
    if campaign is None:
        raise Http404
    return campaign


def _idea_or_404(request: HttpRequest, pk: int) -> Idea:
    idea = selectors.idea_get_visible(pk=pk, viewer=request.user)
    if idea is None:
        raise Http404
    return idea


def _comment_or_404(request: HttpRequest, pk: int) -> Comment:
    """A published comment on an idea the viewer may see."""
    comment = public_comments(Comment.objects.filter(pk=pk)).first()
    if comment is None:
        raise Http404
    comment.idea = _idea_or_404(request, comment.idea_id)
    return comment


def _with_idea_counts(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    # Belongs in selectors.py (reported): the public idea count of each campaign
    # in the same query as the list.
    return campaigns.annotate(idea_count=Count("ideas", filter=Q(ideas__status__in=LISTED_STATUSES)))


# --- pages -----------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    open_campaigns = _with_idea_counts(selectors.campaign_list_open())
    closed_campaigns = _with_idea_counts(selectors.campaign_list_public().filter(phase=Campaign.Phase.CLOSED))
    return render(
        request,
        "campaigns/home.html",
        {
            "open_page": paginate(request, open_campaigns, settings.CAMPAIGNS_PER_PAGE),
            "closed_page": paginate(request, closed_campaigns, settings.CAMPAIGNS_PER_PAGE, "closed_page"),
        },
    )


@cached_for_anonymous
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = _campaign_or_404(request, slug)
    sort = request.GET.get("sort", selectors.DEFAULT_SORT)
    if sort not in selectors.SORTS:
        sort = selectors.DEFAULT_SORT
    ideas = selectors.idea_list_ranked(campaign=campaign, sort=sort, viewer=request.user)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "page_obj": CappedPaginator(ideas, settings.IDEAS_PER_PAGE).get_page(request.GET.get("page")),
            "sort": sort,
            "sorts": [(key, SORT_LABELS[key]) for key in selectors.SORTS],
            "pending_ideas": selectors.idea_list_own_pending(campaign=campaign, viewer=request.user),
        },
    )


def _render_idea(
    request: HttpRequest, idea: Idea, comment_form: CommentForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "campaigns/idea_detail.html",
        {
            "idea": idea,
            "campaign": idea.campaign,
            "comments": selectors.comment_tree(idea=idea, viewer=request.user),
            "comment_form": comment_form,
            "can_comment": idea_is_listed(idea) and idea.campaign.accepts_comments,
        },
        status=status,
    )


def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    if idea.status == Idea.Status.MERGED and idea.merged_into is not None:
        return redirect(idea.merged_into)
    return _render_idea(request, idea, CommentForm(idea=idea))


# --- actions ---------------------------------------------------------------------------


def _vote_action(
    request: SignedInRequest, pk: int, service: Callable[..., object], success: StrOrPromise
) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    try:
        throttle_request(request, "vote")
        service(idea=idea, user=request.user)
    except ActionRefused as exc:
        return refused(request, exc, idea.get_absolute_url())
    messages.success(request, success)
    return redirect(safe_next(request, idea.get_absolute_url()))


@require_POST
@login_required_action
def idea_vote(request: SignedInRequest, pk: int) -> HttpResponse:
    return _vote_action(request, pk, services.vote_cast, _("Your vote was counted."))


@require_POST
@login_required_action
def idea_unvote(request: SignedInRequest, pk: int) -> HttpResponse:
    return _vote_action(request, pk, services.vote_withdraw, _("Your vote was withdrawn."))


@require_POST
@login_required_action
def comment_add(request: SignedInRequest, pk: int) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    form = CommentForm(request.POST, idea=idea)
    try:
        throttle_request(request, "comment")
        if not form.is_valid():
            return _render_idea(request, idea, form, status=400)
        comment = services.comment_add(
            idea=idea,
            author=request.user,
            body=form.cleaned_data["body"],
            stance=form.cleaned_data["stance"],
            parent=form.cleaned_data["parent"],
            consent_ai=form.cleaned_data["consent_ai"],
        )
    except ActionRefused as exc:
        return refused(request, exc, idea.get_absolute_url())
    if comment.status == Comment.Status.PENDING:
        messages.success(request, _("Thanks! Your comment will appear once a moderator has approved it."))
    else:
        messages.success(request, _("Your comment was posted."))
    return redirect(comment.get_absolute_url())


@login_required
def idea_submit(request: SignedInRequest, slug: str) -> HttpResponse:
    campaign = _campaign_or_404(request, slug)
    form = IdeaForm(form_data(request))
    if request.method == "POST":
        try:
            throttle_request(request, "submit")
            if form.is_valid():
                similar = events.similar_ideas_wanted.first(campaign=campaign, data=request.POST)
                if similar is not None:
                    context = {"campaign": campaign, "form": form, "similar": similar}
                    return render(request, "campaigns/idea_submit.html", context)
                idea = services.idea_submit(
                    campaign=campaign,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    consent_quote=form.cleaned_data["consent_quote"],
                    consent_ai=form.cleaned_data["consent_ai"],
                    consent_credit=form.cleaned_data["consent_credit"],
                )
                if idea.status == Idea.Status.PENDING:
                    messages.success(
                        request, _("Thanks! Your idea will appear once a moderator has approved it.")
                    )
                    return redirect(campaign)
                messages.success(request, _("Thanks! Your idea is published."))
                return redirect(idea)
        except ActionRefused as exc:
            return refused(request, exc, campaign.get_absolute_url())
    status = 400 if form.is_bound else 200
    return render(request, "campaigns/idea_submit.html", {"campaign": campaign, "form": form}, status=status)


def _report(
    request: SignedInRequest, *, idea: Idea | None = None, comment: Comment | None = None, done_url: str
) -> HttpResponse:
    form = ReportForm(form_data(request))
    if request.method == "POST":
        try:
            throttle_request(request, "report")
            if form.is_valid():
                services.report_file(
                    reporter=request.user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    idea=idea,
                    comment=comment,
                )
                messages.success(request, _("Thank you. A moderator will look at your report."))
                return redirect(done_url)
        except ActionRefused as exc:
            return refused(request, exc, done_url)
    status = 400 if form.is_bound else 200
    context = {"form": form, "idea": idea, "comment": comment, "done_url": done_url}
    return render(request, "campaigns/report_form.html", context, status=status)


@login_required
def idea_report(request: SignedInRequest, pk: int) -> HttpResponse:
    idea = _idea_or_404(request, pk)
    # Enough reports hide the idea, and the reporter could no longer open it.
    return _report(request, idea=idea, done_url=idea.campaign.get_absolute_url())


@login_required
def comment_report(request: SignedInRequest, pk: int) -> HttpResponse:
    comment = _comment_or_404(request, pk)
    return _report(request, comment=comment, done_url=comment.idea.get_absolute_url())


@login_required
def my_contributions(request: SignedInRequest) -> HttpResponse:
    lists = selectors.user_contributions(user=request.user)
    return render(
        request,
        "campaigns/my_contributions.html",
        {
            name: paginate(request, queryset, CONTRIBUTIONS_PER_PAGE, f"{name}_page")
            for name, queryset in lists.items()
        },
    )
