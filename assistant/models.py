"""Conversations between shoppers and a brand, the brand's own FAQ and policy
texts, and the retrieval index over everything the assistant may answer from."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Brand, Campaign

SOURCE_TITLE_MAX = 200
SOURCE_BODY_MAX = 4000
# Stored message text: a shopper's question is capped by ASSISTANT_MESSAGE_MAX
# (a setting, at most this); staff replies and composed answers fit here too.
MESSAGE_TEXT_MAX = 4000
PASSAGE_TEXT_MAX = 20000
URL_MAX = 300

# The brand's sensitive topics until the merchant edits them: explicit risk
# (a refund asked for, a payment that failed or was taken twice, a chargeback,
# a legal threat, someone hurt or something unsafe), in English and Chinese.
# One phrase per line; a message that contains one goes to a person before any
# model sees it. Words of a phrase may stand a few words apart in the message
# (assistant/handoff.py), so "payment fail" also catches "my payment has
# failed". Bare "payment", "credit card" or "支付" are not topics: "which
# payment methods do you accept?" is a question the brand's FAQ answers. Nor
# are bare "card", "cut", "charged" or "扣款": "Is the gift card valid
# abroad?", "Can I cut the strap to length?", "When is my card charged?" and
# "什么时候扣款？" are answered from the FAQ. Injury is named with what was
# hurt ("cut hand" also catches "cut her hand"), payment trouble with what
# went wrong ("charge but", "charge order cancel": "charged for an order you
# cancelled", "被扣", "扣了 钱"), fire and bursting with the event ("burst
# open", "started smoking") so "burst-proof" and "smoke-free" stay answered.
# A charge taken twice is named with what shows it ("two charges on my",
# "charge same order"), since "If I buy two, are there extra charges?" is
# answered; a fall or blow by its wound (摔伤, 砸伤), since "防摔" is a
# product's feature; a claim by "compensation" and 赔偿, at the price of
# handing over "is there compensation for late delivery?" too. A request
# about the shopper's personal data (GDPR, "delete my data", 个人信息) is a
# legal one and goes to a person too.
DEFAULT_SENSITIVE_TOPICS = "\n".join(
    (
        "refund",
        "money back",
        "chargeback",
        "charge back",
        "dispute the charge",
        "charge twice",
        "double charge",
        "duplicate charge",
        "charge same order",
        "two charges on my",
        "charged two times",
        "charged double",
        "overcharge",
        "charge the wrong amount",
        "unauthorised charge",
        "unauthorized charge",
        "payment fail",
        "fail payment",
        "payment decline",
        "card decline",
        "payment go through",
        "payment bounce",
        "money taken",
        "lawyer",
        "attorney",
        "legal action",
        "lawsuit",
        "sue",
        "court",
        "injured",
        "see a doctor",
        "saw a doctor",
        "went to the doctor",
        "hospital",
        "emergency room",
        "看医生",
        "去医院",
        "就医",
        "injury",
        "got hurt",
        "burned",
        "burnt",
        "unsafe",
        "safety issue",
        "safety hazard",
        "safety problem",
        "dangerous",
        "caught fire",
        "allergic reaction",
        "recall",
        "cut finger",
        "cut hand",
        "cut skin",
        "cut lip",
        "cut mouth",
        "cut arm",
        "cut leg",
        "cut foot",
        "cut myself",
        "cut herself",
        "cut himself",
        "cut themselves",
        "hurt myself",
        "hurt my",
        "hurt me",
        "hurt her",
        "hurt him",
        "injure",
        "bleeding",
        "bled",
        "blood",
        "scalded",
        "scald me",
        "scald my",
        "burn finger",
        "burn hand",
        "burn skin",
        "burn myself",
        "burn me",
        "burst open",
        "burst and",
        "has burst",
        "had burst",
        "it burst",
        "lid burst",
        "cap burst",
        "bottle burst",
        "explode",
        "on fire",
        "set fire",
        "fire hazard",
        "started smoking",
        "began smoking",
        "smoke came",
        "smoke coming",
        "spark",
        "electric shock",
        "rash",
        "swollen",
        "choke",
        "choking",
        "charge but",
        "charge order cancel",
        "cancel charge",
        "cancel still charge",
        "still charge",
        "charge again",
        "charge without",
        "money deduct",
        "compensation",
        "compensate me",
        "sprain",
        "退款",
        "退钱",
        "拒付",
        "重复扣款",
        "扣 两次",
        "多扣",
        "扣错",
        "盗刷",
        "支付失败",
        "付款失败",
        "支付 不 成功",
        "付款 不 成功",
        "支付 没 成功",
        "付款 没 成功",
        "律师",
        "起诉",
        "法院",
        "诉讼",
        "法律",
        "受伤",
        "烫伤",
        "划伤",
        "摔伤",
        "扭伤",
        "砸伤",
        "夹伤",
        "撞伤",
        "安全隐患",
        "安全 问题",
        "过敏",
        "着火",
        "召回",
        "割伤",
        "割破",
        "划破",
        "烫到",
        "流血",
        "出血",
        "爆炸",
        "炸了",
        "起火",
        "冒烟",
        "漏电",
        "触电",
        "红肿",
        "被扣",
        "扣了 钱",
        "扣了款",
        "钱 扣了",
        "已扣款",
        "已经扣款",
        "两笔扣款",
        "扣了两笔",
        "重复收费",
        "扣款 取消",
        "扣款 没",
        "退款 没到",
        "钱 没退",
        "钱 还没退",
        "赔偿",
        "索赔",
        "gdpr",
        "data protection",
        "personal data",
        "delete data",
        "erase data",
        "remove data",
        "data erase",
        "data delete",
        "delete account",
        "个人数据",
        "个人信息",
        "删除 数据",
        "删除 账户",
        "注销 账户",
        "注销 账号",
        "隐私",
    )
)


class AssistantSettings(models.Model):
    """Per brand: which topics always go to a person."""

    brand = models.OneToOneField(
        Brand, on_delete=models.CASCADE, related_name="assistant_settings", verbose_name=_("brand")
    )
    sensitive_topics = models.TextField(
        _("sensitive topics"),
        default=DEFAULT_SENSITIVE_TOPICS,
        blank=True,
        max_length=SOURCE_BODY_MAX,
        help_text=_(
            "One word or phrase per line, in English or Chinese. A question that contains one is handed "
            "to your team at once, before the assistant answers."
        ),
    )

    class Meta:
        verbose_name = _("assistant settings")
        verbose_name_plural = _("assistant settings")

    def __str__(self) -> str:
        return str(self.brand)

    def topics(self) -> list[str]:
        return [line.strip() for line in self.sensitive_topics.splitlines() if line.strip()]


class Source(models.Model):
    """An FAQ entry or a policy text the brand wrote for the assistant, in one
    or both languages."""

    class Kind(models.TextChoices):
        FAQ = "faq", _("FAQ entry")
        POLICY = "policy", _("Policy")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="assistant_sources")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.FAQ)
    title_en = models.CharField(_("title (English)"), max_length=SOURCE_TITLE_MAX, blank=True)
    body_en = models.TextField(
        _("text (English)"),
        max_length=SOURCE_BODY_MAX,
        blank=True,
        validators=[MaxLengthValidator(SOURCE_BODY_MAX)],
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=SOURCE_TITLE_MAX, blank=True)
    body_zh = models.TextField(
        _("text (Chinese)"),
        max_length=SOURCE_BODY_MAX,
        blank=True,
        validators=[MaxLengthValidator(SOURCE_BODY_MAX)],
    )
    is_published = models.BooleanField(
        _("published"),
        default=True,
        help_text=_("Only published entries are shown and used by the assistant."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind", "title_en", "pk"]
        verbose_name = _("assistant source")
        verbose_name_plural = _("assistant sources")
        constraints = [
            models.CheckConstraint(
                # An entry made from a shopper's question waits unpublished for its answer.
                condition=models.Q(is_published=False) | ~models.Q(body_en="") | ~models.Q(body_zh=""),
                name="assistant_source_has_text",
            )
        ]

    def __str__(self) -> str:
        return self.title_en or self.title_zh or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("assistant_source", args=[self.brand.slug, self.pk])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.is_published and not (self.body_en.strip() or self.body_zh.strip()):
            raise ValidationError(_("Write the text in at least one language before publishing."))


class Conversation(models.Model):
    class Status(models.TextChoices):
        BOT = "bot", _("Assistant answering")
        HANDED_OVER = "handed_over", _("Waiting for a person")
        HUMAN = "human", _("A person is answering")
        CLOSED = "closed", _("Closed")

    class Reason(models.TextChoices):
        PERSON_REQUESTED = "person_requested", _("Asked for a person")
        ANGER = "anger", _("Upset shopper")
        SENSITIVE_TOPIC = "sensitive_topic", _("Sensitive topic")
        NO_ANSWER = "no_answer", _("Asked for a person after no answer")
        STAFF_TAKEOVER = "staff_takeover", _("Taken over by staff")

    # The public id in URLs: sequential ids would let anyone read the next conversation.
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="conversations")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    # Null for an anonymous shopper, whose browser session holds `key`.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assistant_conversations",
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.BOT)
    handed_over_reason = models.CharField(
        _("hand-off reason"), max_length=32, choices=Reason.choices, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    last_message_at = models.DateTimeField(_("last message"), default=timezone.now)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    # Anonymous conversations only: deleted after this (ASSISTANT_RETENTION_DAYS).
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["-last_message_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["brand", "status", "-last_message_at"], name="assistant_inbox"),
            models.Index(fields=["expires_at"], name="assistant_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.brand} #{self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("assistant_conversation", args=[self.key])


class Message(models.Model):
    class Role(models.TextChoices):
        SHOPPER = "shopper", _("Shopper")
        ASSISTANT = "assistant", _("Assistant")
        STAFF = "staff", _("Staff")
        SYSTEM = "system", _("System")

    class Outcome(models.TextChoices):
        """What became of a shopper's message."""

        PENDING = "pending", _("Waiting for the assistant")
        ANSWERED = "answered", _("Answered from the sources")
        NO_ANSWER = "no_answer", _("No answer in the sources")
        HANDED_OVER = "handed_over", _("Handed to a person")
        FOR_STAFF = "for_staff", _("For the brand's team")

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    # Personal data (e-mails, phone numbers, links) is redacted before it is stored.
    text = models.TextField(_("text"), max_length=MESSAGE_TEXT_MAX)
    # [{"kind": "faq"|"policy"|"draft"|"brief", "id": 1, "url": "...", "title": "..."}]
    citations = models.JSONField(_("citations"), default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    # The shopper message an assistant answer replies to: at most one answer each.
    reply_to = models.OneToOneField(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="reply"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["outcome", "created_at"], name="assistant_message_outcome")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.text[:60]}"


class Passage(models.Model):
    """One approved text of a brand in one language, as the retrieval index
    holds it. Rows are written by assistant/indexing.py only, from the sources
    the brand approved; nothing else is ever retrieved."""

    class Kind(models.TextChoices):
        FAQ = "faq", _("FAQ entry")
        POLICY = "policy", _("Policy")
        DRAFT = "draft", _("Published text")
        BRIEF = "brief", _("Campaign brief")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=SOURCE_TITLE_MAX + 100)
    url = models.CharField(max_length=URL_MAX)
    text = models.TextField(max_length=PASSAGE_TEXT_MAX)
    content_hash = models.CharField(max_length=64)
    # float32 MiniLM vector (intelligence.embeddings.to_bytes); empty when the model is missing.
    vector = models.BinaryField(blank=True, default=b"")
    model_version = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "language"], name="assistant_passage_unique")
        ]
        indexes = [models.Index(fields=["brand", "updated_at"], name="assistant_passage_brand")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.language})"


class IndexState(models.Model):
    """Per brand: the fingerprint of its approved sources when the passages
    were last synced, so a lookup re-indexes only after something changed."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="+")
    fingerprint = models.CharField(max_length=64)
    synced_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.brand_id}: {self.fingerprint[:12]}"
