"""The demo brands' FAQ and policy entries, in English and Chinese: what the
shopper assistant answers from besides campaign briefs and published texts.

Facts here are the demo's own (delivery times, return windows, payment
methods); the assistant may repeat them and nothing else, which is what
bench/assistant.py checks with its labelled questions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant import services as assistant_services
from assistant.models import Source

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from campaigns.models import Brand

FAQ, POLICY = Source.Kind.FAQ, Source.Kind.POLICY


@dataclass(frozen=True)
class SourceSpec:
    brand_slug: str
    kind: str
    title_en: str
    body_en: str
    title_zh: str
    body_zh: str


SOURCES: tuple[SourceSpec, ...] = (
    # --- Northpeak -------------------------------------------------------------------------
    SourceSpec(
        "northpeak",
        FAQ,
        "Shipping and delivery",
        "We ship from our warehouse in Bergen within 2 working days. Delivery within Norway takes 1 to 3 "
        "working days, and to the rest of Europe 3 to 7 working days. Shipping is free on orders over "
        "1000 NOK. We do not ship outside Europe yet.",
        "配送和发货",
        "我们在卑尔根的仓库会在 2 个工作日内发货。挪威境内配送需要 1 到 3 个工作日，欧洲其他地区需要 3 到 7 "
        "个工作日。订单满 1000 挪威克朗免运费。我们暂时不向欧洲以外的地区发货。",
    ),
    SourceSpec(
        "northpeak",
        POLICY,
        "Returns and exchanges",
        "You can return unused gear within 30 days of delivery for an exchange or store credit. Print the "
        "return label from your order page; return shipping within Norway is free.",
        "退货和换货",
        "收到商品后 30 天内，未使用的装备可以退回换货或换成店铺积分。请在订单页面打印退货标签；挪威境内退货免运费。",
    ),
    SourceSpec(
        "northpeak",
        POLICY,
        "Warranty and repairs",
        "Every Northpeak pack and shell has a 3-year warranty against faults in materials and workmanship. "
        "After that, our Bergen workshop repairs zips, buckles and seams at cost. Send the item with a note "
        "describing what needs fixing.",
        "保修和维修",
        "每一款 Northpeak 背包和冲锋衣都对材料和做工缺陷提供 3 年保修。保修期过后，我们在卑尔根的工坊按成本价"
        "维修拉链、扣具和接缝。寄回商品时请附上一张说明需要修理什么的纸条。",
    ),
    SourceSpec(
        "northpeak",
        FAQ,
        "Payment methods",
        "We accept Visa, Mastercard, PayPal and Vipps. Your card is charged when your order ships, not when "
        "you place it.",
        "付款方式",
        "我们接受 Visa、Mastercard、PayPal 和 Vipps。订单发货时才会扣款，下单时不会。",
    ),
    SourceSpec(
        "northpeak",
        FAQ,
        "Washing a rain jacket",
        "Wash the Stormline at 30 degrees with a technical wash and close every zip first. Tumble dry on low "
        "heat to restore the water-repellent finish. Do not use fabric softener.",
        "冲锋衣的清洗",
        "Stormline 冲锋衣请用 30 度水温和专用洗涤剂清洗，洗前拉上所有拉链。低温烘干可以恢复防泼水涂层。请不要使用"
        "柔顺剂。",
    ),
    SourceSpec(
        "northpeak",
        FAQ,
        "Sizing",
        "Northpeak jackets are true to size. If you are between two sizes and wear thick layers underneath, "
        "choose the larger one. Each product page has a size guide with chest width and back length in "
        "centimetres.",
        "尺码",
        "Northpeak 的外套尺码标准。如果你介于两个尺码之间并且里面穿得比较厚，请选择大一码。每个商品页面都有尺码表，"
        "标明胸围和背长（厘米）。",
    ),
    SourceSpec(
        "northpeak",
        FAQ,
        "When can I buy the Ridgeline?",
        "The Ridgeline 30L daypack is still being designed with our community and is not for sale yet. The "
        "first prototypes are tested this autumn; follow the campaign to hear about the launch.",
        "什么时候可以买到 Ridgeline 背包？",
        "Ridgeline 30 升背包仍在和社区一起设计，目前还没有开售。第一批样品会在今年秋天测试；关注活动页面即可获得上市消息。",
    ),
    SourceSpec(
        "northpeak",
        FAQ,
        "Gift cards",
        "Northpeak gift cards come in amounts from 250 to 5000 NOK and are valid for 3 years. They can be used "
        "in our online shop only.",
        "礼品卡",
        "Northpeak 礼品卡的面额从 250 到 5000 挪威克朗，有效期 3 年，只能在我们的网店使用。",
    ),
    # --- Lumen Home ------------------------------------------------------------------------
    SourceSpec(
        "lumen-home",
        FAQ,
        "Shipping and delivery",
        "Orders leave our warehouse in Rotterdam within 1 working day. Delivery in the Netherlands takes 1 to "
        "2 working days, elsewhere in the EU 2 to 5 working days. Shipping is free on orders over 40 euros.",
        "配送和发货",
        "订单会在 1 个工作日内从我们位于鹿特丹的仓库发出。荷兰境内配送需要 1 到 2 个工作日，欧盟其他国家需要 2 到 5 "
        "个工作日。订单满 40 欧元免运费。",
    ),
    SourceSpec(
        "lumen-home",
        POLICY,
        "Returns",
        "You can return unused items in their original packaging within 30 days of delivery. Return shipping "
        "is free within the EU.",
        "退货",
        "收到商品后 30 天内，未使用且包装完好的商品可以退回。欧盟境内退货免运费。",
    ),
    SourceSpec(
        "lumen-home",
        FAQ,
        "Dishwasher and microwave",
        "All Lumen lunch boxes and their lids are dishwasher safe on the top rack. The inner boxes of the "
        "Lumen Bento can go in the microwave without their lids. Wash stainless steel bottles and mugs by "
        "hand.",
        "洗碗机和微波炉",
        "所有 Lumen 饭盒及盒盖都可以放在洗碗机上层清洗。Lumen Bento 的内盒去掉盖子后可以放进微波炉加热。不锈钢水瓶"
        "和杯子请手洗。",
    ),
    SourceSpec(
        "lumen-home",
        FAQ,
        "Materials",
        "Lumen lunch boxes are made of BPA-free polypropylene with silicone seals. Our bottles and mugs are "
        "made of grade 304 stainless steel inside.",
        "材质",
        "Lumen 饭盒采用不含双酚 A 的聚丙烯，配硅胶密封圈。我们的水瓶和杯子内胆采用 304 不锈钢。",
    ),
    SourceSpec(
        "lumen-home",
        FAQ,
        "Payment methods",
        "We accept Visa, Mastercard, American Express, PayPal, iDEAL and Alipay. Prices on our site include "
        "VAT.",
        "付款方式",
        "我们接受 Visa、Mastercard、American Express、PayPal、iDEAL 和支付宝。网站上的价格已含增值税。",
    ),
    SourceSpec(
        "lumen-home",
        POLICY,
        "Warranty and spare parts",
        "Lumen products have a 2-year warranty against manufacturing faults. Spare seals are sold separately "
        "at 4 euros a set.",
        "保修和配件",
        "Lumen 产品对制造缺陷提供 2 年保修。备用密封圈单独出售，每套 4 欧元。",
    ),
    SourceSpec(
        "lumen-home",
        FAQ,
        "The travel mug",
        "The Lumen travel mug is being designed with our community and is not on sale yet. Follow the "
        "campaign to hear when the first samples are ready.",
        "随行保温杯",
        "Lumen 随行保温杯正在和社区一起设计，目前还没有开售。关注活动页面，第一批样品准备好时会通知你。",
    ),
    SourceSpec(
        "lumen-home",
        FAQ,
        "Engraving",
        "We do not offer engraving or personalisation at the moment.",
        "刻字",
        "我们目前不提供刻字或个性化定制服务。",
    ),
)


def sources_seed(*, brands: Mapping[str, Brand], merchants: Mapping[str, User]) -> list[Source]:
    """The entries of the brands given, each saved by its merchant as in the admin."""
    return [
        assistant_services.source_save(
            source=Source(
                brand=brands[spec.brand_slug],
                kind=spec.kind,
                title_en=spec.title_en,
                body_en=spec.body_en,
                title_zh=spec.title_zh,
                body_zh=spec.body_zh,
            ),
            actor=merchants[spec.brand_slug],
        )
        for spec in SOURCES
        if spec.brand_slug in brands
    ]
