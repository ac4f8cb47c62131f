"""Content for `manage.py seed_demo`: the people, brands and campaigns of the demo,
with the ideas and comments the community writes. Text only; the command decides
who writes what, who votes for what, and when.
"""

from __future__ import annotations

from dataclasses import dataclass

from campaigns.models import BrandMembership, Campaign, Comment

FOR, AGAINST, NEUTRAL = Comment.Stance.FOR, Comment.Stance.AGAINST, Comment.Stance.NEUTRAL


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class Login:
    """An account someone trying the demo signs in with."""

    person: Person
    description: str
    brand_slug: str | None = None  # the brand this merchant runs (owner role)
    role: str = BrandMembership.Role.OWNER
    superuser: bool = False

    @property
    def is_staff(self) -> bool:
        return self.superuser or self.brand_slug is not None


@dataclass(frozen=True)
class BrandSpec:
    slug: str
    name: str
    description: str
    banned_phrases: tuple[str, ...]


@dataclass(frozen=True)
class CampaignSpec:
    brand_slug: str
    slug: str
    title: str
    product_name: str
    brief: str
    locale: str
    tone: str
    moderation_policy: str
    # Every campaign is seeded in the ideas phase (services only accept ideas
    # and votes then) and moved through these phases afterwards.
    phases: tuple[str, ...]
    # The campaign's timeline, in days before the seed runs.
    opened_days_ago: int
    ideas_until_days_ago: int
    votes_until_days_ago: int
    closes_in_days: int | None
    ideas: tuple[tuple[str, str], ...]
    comments: dict[str, tuple[str, ...]]  # top-level comments, by stance
    replies: dict[str, tuple[str, ...]]  # answers in a thread, by stance
    # Positions in `ideas` that the demo customer writes.
    customer_ideas: tuple[int, ...] = ()
    # (idea title, note): someone reports that idea as off-topic; it stays
    # visible and waits in the moderation queue.
    off_topic_report: tuple[str, str] | None = None
    # A spam comment that people report (below the auto-hide threshold).
    spam_comment: str | None = None


ADMIN = Login(
    Person("admin", "Ada", "Admin"),
    "superuser: every brand in /admin/",
    superuser=True,
)
MERCHANT = Login(
    Person("merchant", "Erik", "Holm"),
    "runs Northpeak: moderation queue, campaigns and AI drafts in /admin/",
    brand_slug="northpeak",
)
MERCHANT_2 = Login(
    Person("merchant2", "Mei", "Lin"),
    "runs Lumen Home (incl. the Chinese campaign) in /admin/",
    brand_slug="lumen-home",
)
CUSTOMER = Login(
    Person("customer", "Alex", "Rivera"),
    "a community member with ideas, votes, comments and one idea awaiting moderation",
)
LOGINS = (ADMIN, MERCHANT, MERCHANT_2, CUSTOMER)

# The community: English speakers join every campaign, Chinese speakers mostly
# the Chinese one. Chinese names go whole into first_name: get_full_name() puts
# the first name first, and Chinese names start with the family name.
MEMBERS_EN: tuple[Person, ...] = (
    Person("maya", "Maya", "Lindqvist"),
    Person("jonas", "Jonas", "Berg"),
    Person("priya", "Priya", "Nair"),
    Person("tom.h", "Tom", "Harper"),
    Person("sofia", "Sofía", "Marín"),
    Person("ben.k", "Ben", "Kowalski"),
    Person("aisha", "Aisha", "Bello"),
    Person("lucas", "Lucas", "Moreau"),
    Person("emma.w", "Emma", "Walsh"),
    Person("noah", "Noah", "Fischer"),
    Person("hana", "Hana", "Sato"),
    Person("oliver", "Oliver", "Grant"),
    Person("chloe", "Chloé", "Dubois"),
    Person("mateo", "Mateo", "Rossi"),
    Person("grace", "Grace", "Okafor"),
    Person("daniel", "Daniel", "Novak"),
    Person("ingrid", "Ingrid", "Solberg"),
    Person("sam.t", "Sam", "Taylor"),
    Person("leila", "Leila", "Haddad"),
    Person("finn", "Finn", "O'Connor"),
    Person("nora", "Nora", "Jensen"),
    Person("ravi", "Ravi", "Mehta"),
)
MEMBERS_ZH: tuple[Person, ...] = (
    Person("wangfang", "王芳", ""),
    Person("lilei", "李雷", ""),
    Person("zhangwei", "张伟", ""),
    Person("chenjing", "陈静", ""),
    Person("liuyang", "刘洋", ""),
    Person("zhaomin", "赵敏", ""),
    Person("sunhao", "孙浩", ""),
    Person("huangli", "黄丽", ""),
)

BRANDS = (
    BrandSpec(
        slug="northpeak",
        name="Northpeak",
        description=(
            "Hiking and trail gear designed in Bergen and tested on wet Norwegian ridges: "
            "packs, shells and layers built to be repaired rather than replaced."
        ),
        banned_phrases=("100% waterproof", "lifetime warranty", "indestructible", "best in the world"),
    ),
    BrandSpec(
        slug="lumen-home",
        name="Lumen Home",
        description=(
            "Everyday kitchen and home goods: lunch boxes, bottles and storage that look good "
            "on the counter and survive the dishwasher."
        ),
        banned_phrases=("BPA-free forever", "kills 99.9% of germs", "doctor recommended", "永不生锈"),
    ),
)

# Replies fit any English thread; each campaign adds its own top-level comments.
REPLIES_EN: dict[str, tuple[str, ...]] = {
    FOR: (
        "Same here, this would fix my biggest annoyance.",
        "+1, and please make it removable for people who don't want it.",
        "Agreed. I'd pay a little more for this.",
        "Exactly what I was going to write.",
    ),
    AGAINST: (
        "I see the point, but it adds weight and cost for everyone.",
        "Not convinced: more parts, more things to break.",
        "I'd rather keep it simple and cheaper.",
    ),
    NEUTRAL: (
        "Good question. Does anyone know how other brands handle this?",
        "Depends on the price, honestly.",
        "Could it be an optional add-on instead?",
    ),
}

BACKPACK = CampaignSpec(
    brand_slug="northpeak",
    slug="ridgeline-30l-daypack",
    title="Design our next hiking daypack",
    product_name="Ridgeline 30L daypack",
    brief=(
        "We are designing the Ridgeline, a 30-litre daypack for full days on the trail and "
        "weekend hut trips. Tell us what your current pack gets wrong: carrying comfort, "
        "pockets, weather, weight, anything. The ideas with the most support go into our "
        "first prototypes this autumn, and we will test them with the people who suggested them."
    ),
    locale=Campaign.Locale.EN,
    tone=Campaign.Tone.FRIENDLY,
    moderation_policy=Campaign.ModerationPolicy.NEW_USERS,
    phases=(),
    opened_days_ago=12,
    ideas_until_days_ago=0,
    votes_until_days_ago=0,
    closes_in_days=16,
    ideas=(
        (
            "Hip-belt pockets that fit a phone",
            "Both hip-belt pockets should take a large phone in a case, with zips I can open "
            "one-handed while walking.",
        ),
        (
            "A back panel that actually breathes",
            "A suspended mesh back panel with a real air gap. My back is soaked after an hour "
            "with every pack I have owned.",
        ),
        (
            "Side bottle pockets I can reach while wearing the pack",
            "Angle the stretch side pockets forward so I can take out and put back a 1 litre "
            "bottle without stopping.",
        ),
        (
            "Built-in rain cover in its own pocket",
            "A bright rain cover stored in a zipped pocket at the bottom, tethered so the wind "
            "can't take it.",
        ),
        (
            "Hydration sleeve with a tube clip",
            "An internal sleeve for a 2-3 litre bladder, a hanging hook, and a magnetic clip on "
            "the shoulder strap for the tube.",
        ),
        (
            "Adjustable torso length",
            "Let me slide the shoulder harness up and down. One back length never fits both me "
            "and my partner.",
        ),
        (
            "Front stretch pocket for a wet jacket",
            "A big stretch pocket on the front to stuff a wet shell or a sit pad without opening "
            "the main compartment.",
        ),
        (
            "Separate bottom compartment",
            "A zipped compartment at the bottom for a puffy or a first-aid kit, with a divider "
            "that can be unzipped.",
        ),
        (
            "Shoulder straps shaped for women",
            "S-shaped straps that don't press on the chest, and a shorter back length as an option.",
        ),
        (
            "Recycled fabric that still lasts",
            "Use recycled nylon, but keep a tough base fabric: I don't want to replace the pack "
            "after two seasons.",
        ),
        (
            "Pole loops that work on the move",
            "Loops on the shoulder strap so I can park my trekking poles for a scramble without "
            "taking the pack off.",
        ),
        (
            "A lid that turns into a hip pack",
            "A detachable lid that becomes a small waist pack for a summit push or a walk into town.",
        ),
        (
            "Reflective details for the walk home",
            "Reflective tabs front and back and a loop for a small light, for evenings that end on a road.",
        ),
        (
            "Quiet buckles",
            "Buckles and zip pullers that don't clink with every step. Small thing, big "
            "difference on a long day.",
        ),
        (
            "Sternum strap whistle you can find with gloves on",
            "Most packs have one, but make it loud and easy to find with cold hands.",
        ),
        (
            "Clamshell opening for travel",
            "Let the main compartment open fully like a suitcase so the pack doubles as cabin "
            "luggage for weekend trips.",
        ),
        (
            "Water-resistant zip on the valuables pocket",
            "A small top pocket with a coated zip for keys, wallet and passport.",
        ),
        (
            "Ventilated shoulder straps",
            "Perforated foam on the straps; my shoulders are where I sweat most under a pack.",
        ),
        (
            "Keep it under one kilogram",
            "Keep the whole pack under a kilo. Drop features before you add grams.",
        ),
        (
            "Spare parts and repairs",
            "Sell spare buckles and offer repairs so a broken clip doesn't end the life of a good pack.",
        ),
        (
            "Sell matching phone cases",
            "Please also sell phone cases with the Northpeak logo, I would buy three.",
        ),
        (
            "A 15 litre version for kids",
            "The same design in a smaller size so my kids can carry their own snacks and jacket.",
        ),
        (
            "Colours beyond black and grey",
            "A bright colour helps people spot you on the hill, and the photos look better too.",
        ),
        (
            "Laptop sleeve for the commute",
            "A padded sleeve that fits a 14-inch laptop so the same pack works Monday to Friday.",
        ),
        (
            "Heavier fabric on the base",
            "Coated, thicker fabric on the bottom so putting the pack down on wet ground doesn't "
            "soak what's inside.",
        ),
        (
            "Straps under the pack for a sleeping mat",
            "Two straps under the bottom for a foam mat or a small tripod.",
        ),
        (
            "Phone holster on the shoulder strap",
            "A small holster on the strap so I can check the map without stopping.",
        ),
        (
            "Internal key clip",
            "A short tether with a clip inside the top pocket, so keys never end up at the bottom "
            "of the pack.",
        ),
        (
            "Removable frame sheet for fast hikes",
            "Let trail runners take out the frame sheet and hip belt to strip the pack down.",
        ),
        (
            "Dry bag liner included",
            "Ship the pack with a roll-top liner in the same size; rain covers never keep "
            "everything dry on a windy ridge.",
        ),
    ),
    comments={
        FOR: (
            "Yes please, I'd buy this tomorrow.",
            "This is exactly what my current pack gets wrong.",
            "Small detail, big difference on a long day.",
            "This alone would make me upgrade.",
            "My partner and I argue about this on every trip. Please do it.",
        ),
        AGAINST: (
            "Nice, but it adds weight. I'd rather keep the pack simple.",
            "More features usually means more things to break in the field.",
            "Not sure this is worth the extra cost for a daypack.",
            "A cheap add-on already does this job.",
        ),
        NEUTRAL: (
            "How would this work with the hip belt buckled?",
            "Would this be on every pack or an option?",
            "Has anyone tried this on another pack? How did it hold up?",
        ),
    },
    replies=REPLIES_EN,
    customer_ideas=(4, 29),
    off_topic_report=("Sell matching phone cases", "This is about phone cases, not the backpack."),
)

RAIN_JACKET = CampaignSpec(
    brand_slug="northpeak",
    slug="stormline-rain-jacket",
    title="What should our next rain jacket fix?",
    product_name="Stormline 2.5L rain jacket",
    brief=(
        "The Stormline is our lightweight 2.5-layer shell for hiking and everyday rain. Before we "
        "redesign it, we want to know what annoys you about rain jackets: hoods, pockets, "
        "ventilation, fit, noise, durability. Idea submissions are closed; vote for the fixes "
        "you want most."
    ),
    locale=Campaign.Locale.EN,
    tone=Campaign.Tone.TECHNICAL,
    moderation_policy=Campaign.ModerationPolicy.NONE,
    phases=(Campaign.Phase.VOTING,),
    opened_days_ago=24,
    ideas_until_days_ago=8,
    votes_until_days_ago=0,
    closes_in_days=6,
    ideas=(
        (
            "Pit zips I can open with a pack on",
            "Two-way underarm zips placed where the shoulder straps don't block them.",
        ),
        (
            "A hood that turns with my head",
            "A stiff brim and a volume adjuster at the back, so the hood moves when I look "
            "sideways instead of blocking my view.",
        ),
        (
            "Hand pockets above the hip belt",
            "Put the hand pockets high enough to stay usable when a hip belt is buckled.",
        ),
        ("Cuffs that close over gloves", "Wide cuffs with a tab that closes over a glove, not under it."),
        (
            "Packs into its own chest pocket",
            "Let the jacket stuff into its chest pocket, with a clip loop to hang it off a harness or a bag.",
        ),
        (
            "Longer back for cycling",
            "A dropped hem at the back so my lower back stays dry on the bike.",
        ),
        (
            "PFC-free water repellency",
            "Use a PFC-free finish and tell us honestly how to re-proof it at home.",
        ),
        (
            "A quieter fabric",
            "The crinkly noise of 2.5-layer shells drives me mad. A softer face fabric, please.",
        ),
        (
            "Two-way front zip",
            "So I can open it from the bottom when I sit in the car or ride a bike.",
        ),
        (
            "A women's fit with room for hips",
            "Most women's shells are just shorter. Give us room at the hips so the hem doesn't ride up.",
        ),
        (
            "Seam tape that survives washing",
            "My last two jackets started leaking when the seam tape peeled after a year of washes.",
        ),
        (
            "Inside pocket for the phone",
            "A zipped inside pocket that keeps the phone dry and warm, so the battery lasts in the cold.",
        ),
        (
            "Reflective print on the back",
            "Dark evenings in November: a reflective logo on the back would help on roads.",
        ),
        (
            "Hood that fits over a helmet",
            "Big enough to go over a climbing or bike helmet, and a way to roll it away when it's "
            "not needed.",
        ),
        ("Sizes up to 3XL", "Please offer the full range of sizes, not just S to XL."),
        (
            "Repair patches in the pocket",
            "A couple of self-adhesive patches in the pocket: a snag on a bramble shouldn't mean "
            "a leaking jacket.",
        ),
        (
            "Soft chin guard",
            "Soft fabric inside the collar where the zip meets the chin; the bare zip scratches.",
        ),
        (
            "Chest pocket that fits a paper map",
            "A chest pocket big enough for a folded map and a phone, reachable with a pack on.",
        ),
        (
            "A colour that isn't black",
            "A bright jacket makes you visible in fog and in mountain rescue situations.",
        ),
        (
            "Clear care instructions",
            "A plain-language label: how to wash, how often, and how to restore water repellency.",
        ),
        (
            "Stretch panels for scrambling",
            "Some stretch in the shoulders so the jacket doesn't pull up when I reach above my head.",
        ),
        ("Thumb loops", "Thumb loops keep the sleeves over my hands on cold, wet days."),
        (
            "One-hand hem adjusters",
            "Hem drawcords I can tighten and release with one hand, without the toggles flapping.",
        ),
        (
            "Vents without zips",
            "Laser-cut vent holes under the arms, protected by a flap: fewer zips, less to fail.",
        ),
        (
            "Matching rain trousers",
            "Trousers in the same fabric, with side zips long enough to pull them on over boots.",
        ),
        (
            "Publish breathability numbers",
            "Put the hydrostatic head and breathability figures on the product page so we can compare.",
        ),
        (
            "A kids' version for school runs",
            "A smaller, tougher version with a hood that stays on while running.",
        ),
        (
            "An ultralight running version",
            "A stripped-down version under 250 g for trail running races with mandatory kit lists.",
        ),
        (
            "Magnetic storm flap",
            "A magnetic flap over the front zip instead of press studs, easier with cold fingers.",
        ),
        (
            "A hood that stows in the collar",
            "Roll the hood into the collar on dry days so it doesn't flap in the wind.",
        ),
    ),
    comments={
        FOR: (
            "This is the one thing I check before buying any shell.",
            "Yes! My current jacket fails exactly here.",
            "Would happily pay more for a jacket that gets this right.",
            "Agree, this makes a big difference on multi-day trips.",
            "Please do this; every review of the current model mentions it.",
        ),
        AGAINST: (
            "Sounds good, but it would add weight to a lightweight shell.",
            "Every extra zip is one more place where water gets in.",
            "I'd rather have a cheaper jacket than this feature.",
            "This seems like a niche need; most people won't use it.",
        ),
        NEUTRAL: (
            "Would this work with the current 2.5-layer fabric?",
            "What do other brands do here? Curious whether anyone has a good example.",
            "Depends how much weight it adds.",
        ),
    },
    replies=REPLIES_EN,
    customer_ideas=(1,),
    spam_comment="Cheap outdoor jackets at 90% off!!! Order now at best-outlet-deals.example",
)

LUNCH_BOX = CampaignSpec(
    brand_slug="lumen-home",
    slug="lumen-bento-lunch-box",
    title="Help us design the lunch box that survives the commute",
    product_name="Lumen Bento lunch box",
    brief=(
        "The Lumen Bento is a lunch box for office and school: it has to survive a bag, a "
        "microwave and a dishwasher, every day. Voting has closed, thank you! Our team is now "
        "reviewing the favourite ideas and writing the product page with your input."
    ),
    locale=Campaign.Locale.EN,
    tone=Campaign.Tone.PLAYFUL,
    moderation_policy=Campaign.ModerationPolicy.NONE,
    phases=(Campaign.Phase.VOTING, Campaign.Phase.REVIEW),
    opened_days_ago=40,
    ideas_until_days_ago=20,
    votes_until_days_ago=5,
    closes_in_days=None,
    ideas=(
        (
            "A lid that really holds soup",
            "A silicone seal that keeps soup in the box in a bag on the bus. Every lunch box "
            "claims it; few manage it.",
        ),
        ("Microwave-safe inner boxes", "Inner containers I can put in the office microwave as they are."),
        (
            "Dividers you can move",
            "Removable dividers so I can have one big compartment for pasta or three for a bento.",
        ),
        ("Cutlery slot in the lid", "A slot in the lid for a fork and spoon, so I never forget them."),
        (
            "Keeps food warm until lunch",
            "An insulated version that keeps food warm from 8 am to noon, for places without a microwave.",
        ),
        (
            "Dishwasher-safe, seals included",
            "Everything should survive the dishwasher, including the seal, without warping.",
        ),
        ("A glass version", "Glass boxes don't stain or hold smells; I'd carry the extra weight."),
        (
            "Slim enough for a laptop bag",
            "Flat and rectangular so it slides into a laptop bag next to the computer.",
        ),
        (
            "A small dip pot for dressing",
            "A tiny leakproof pot that fits inside, for salad dressing or sauce.",
        ),
        ("No plastic smell", "Materials that don't smell of plastic or keep yesterday's curry smell."),
        (
            "Stackable tiers",
            "Two or three tiers that lock together, and stack inside each other when empty.",
        ),
        (
            "Clips small children can open",
            "A kids' version with clips a six-year-old can open alone at school.",
        ),
        ("Ice pack in the lid", "A flat freezer pack built into the lid keeps salads cold in summer."),
        ("Stain-proof colours", "Matte colours that don't turn orange after one tomato sauce."),
        (
            "Seals you can take out to clean",
            "Seals that come out easily, so no mould grows in the groove.",
        ),
        (
            "Portion markings inside",
            "Subtle markings inside the boxes help with portion sizes for meal prep.",
        ),
        ("A carry strap", "An elastic strap with a handle that holds the tiers together."),
        (
            "Deep box for rice and noodles",
            "A deeper main compartment for a bowl of rice or noodles with broth.",
        ),
        (
            "Replacement parts sold separately",
            "When a lid cracks or a seal gets lost, let me buy just that part.",
        ),
        (
            "Space to write your name",
            "A matte strip on the lid for a marker, for the office fridge.",
        ),
        (
            "Steam vent for microwaving",
            "A small valve so I can microwave without taking the lid off.",
        ),
        ("A lunch bag that fits exactly", "A matching insulated bag cut to the box's size."),
        (
            "Collapsible when empty",
            "Silicone walls that fold flat, so the empty box takes no space on the way home.",
        ),
        ("Chopsticks holder", "A holder for chopsticks in the lid, not only a fork and spoon."),
        ("Oven-safe base", "A base that can go in the oven for reheating lasagne properly."),
        (
            "Cutlery that clips together",
            "A metal fork and spoon that clip together and into the lid without rattling.",
        ),
        (
            "A compartment shaped for sandwiches",
            "A square compartment that fits a sandwich without squashing it.",
        ),
        (
            "Odour-resistant seal",
            "The seal always ends up smelling of garlic. Please find a material that doesn't.",
        ),
        (
            "Bamboo lid option",
            "A bamboo lid would look lovely on the desk and feel less like plastic.",
        ),
        (
            "Tell me what it's made of",
            "Print the materials and their temperature limits on the bottom of each part.",
        ),
    ),
    comments={
        FOR: (
            "Yes! This is the reason I stopped using my last lunch box.",
            "I'd buy two of these if it does this well.",
            "My kids would love this.",
            "This would make meal prep Sunday so much easier.",
            "Totally agree, I check for this first.",
        ),
        AGAINST: (
            "This would make it heavier and harder to clean.",
            "Nice idea, but I doubt it survives the dishwasher.",
            "It would push the price up for something I rarely need.",
            "I'd rather keep the box simple with fewer parts.",
        ),
        NEUTRAL: (
            "Would this fit in a standard lunch bag?",
            "How would this work in the microwave?",
            "Is this for the kids' version or the adult one?",
        ),
    },
    replies=REPLIES_EN,
    customer_ideas=(12,),
)

TRAVEL_MUG = CampaignSpec(
    brand_slug="lumen-home",
    slug="lumen-travel-mug",
    title="一起设计 Lumen 随行保温杯",
    product_name="Lumen 随行保温杯 450ml",
    brief=(
        "我们正在设计一款 450 毫升的随行保温杯，适合通勤、办公室和短途出行。"
        "请告诉我们你现在用的杯子有哪些不方便的地方：杯盖、保温、清洗、容量、外观都可以。"
        "票数最高的想法会进入我们的第一批样品。"
    ),
    locale=Campaign.Locale.ZH_HANS,
    tone=Campaign.Tone.FRIENDLY,
    moderation_policy=Campaign.ModerationPolicy.NONE,
    phases=(),
    opened_days_ago=9,
    ideas_until_days_ago=0,
    votes_until_days_ago=0,
    closes_in_days=21,
    ideas=(
        ("杯盖可以单手打开", "开车或骑车时只用一只手就能打开和锁上杯盖，而且不会洒出来。"),
        ("保温时间至少十二小时", "早上装的热茶到晚上还是温的，出差一整天也够用。"),
        ("内置茶隔可以拆下", "泡茶时茶叶不会跑到嘴里，喝咖啡时又可以把茶隔拿掉。"),
        ("能放进汽车杯架", "杯身底部做细一点，能放进大部分汽车的杯架。"),
        ("杯口宽一点方便清洗", "手可以伸进去刷洗，不用专门买杯刷。"),
        ("密封圈可以拆下清洗", "密封圈最容易藏污垢，希望可以取下来单独清洗。"),
        ("增加防滑硅胶底座", "放在桌上不容易滑倒，放下时也不会发出很大的碰撞声。"),
        ("杯盖显示水温", "盖子上有一个小屏幕显示水温，避免喝的时候被烫到。"),
        ("提供更多柔和配色", "希望有奶白、雾蓝、抹茶绿这样柔和的颜色，办公室里看着舒服。"),
        ("再出一个大容量款", "450 毫升日常用，再出一个 750 毫升的版本适合户外和健身。"),
        ("内胆不留异味", "今天装咖啡明天装果汁，希望内胆涂层不会串味。"),
        ("附带可拆卸吸管", "上班时用吸管喝更方便，不用每次都拧开杯盖。"),
        ("杯盖带提绳方便挂包", "一根结实的提绳，可以挂在背包或者手指上。"),
        ("标明内胆材质等级", "请清楚标明内胆用的是哪种不锈钢，让人用得放心。"),
        ("外壳不留指纹", "磨砂外壳不容易留下指纹，也不容易刮花。"),
        ("能放进背包侧袋", "杯身直径控制在七厘米左右，大部分背包侧袋都能放下。"),
        ("杯身可以免费刻字", "送人的时候可以刻上名字或者一句话，很有纪念意义。"),
        ("儿童款要防摔", "给孩子用的版本外面加一层硅胶套，摔了也不容易凹。"),
        ("杯盖里有小药盒", "盖子顶部有一个小格子，可以放维生素或者药片。"),
        ("喝水提醒功能", "用一个小灯定时提醒喝水，不需要连接手机。"),
        ("杯子重量尽量轻", "现在的保温杯太重了，希望空杯不超过三百克。"),
        ("倒水时不挂在杯口", "杯口设计好一点，倒水的时候不会顺着杯壁流下来。"),
        ("配一个防烫杯套", "装开水时外面也会有点热，配一个布杯套拿着更舒服。"),
        ("可以直接冲泡咖啡", "带一个小滤网，早上可以直接在杯子里冲挂耳咖啡。"),
        ("杯底可以拧开清洗", "杯底能拧下来，角落也能洗干净。"),
        ("礼盒包装适合送人", "节日送同事朋友的时候，有一个好看的礼盒会加分很多。"),
        ("保冷效果也要好", "夏天装冰块和冰水，到下午还能有冰。"),
        ("杯盖零件越少越好", "零件少就好清洗，也不容易丢失小零件。"),
        ("内壁印上容量刻度", "方便冲奶粉或者记录每天喝了多少水。"),
        ("包装不要用塑料", "用纸质包装代替塑料袋和泡沫，更环保。"),
    ),
    comments={
        FOR: (
            "非常需要！现在的杯子就是这一点最不方便。",
            "支持，如果有这个功能我马上买。",
            "这个想法太实用了，每天通勤都用得上。",
            "同意，细节决定体验。",
            "希望能做到，家里老人也会喜欢。",
        ),
        AGAINST: (
            "想法不错，但会不会让杯子变重？",
            "零件多了反而不好清洗，我更喜欢简单一点。",
            "感觉会增加成本，价格贵了就不划算了。",
            "这个功能用得不多，可以不做。",
        ),
        NEUTRAL: (
            "请问这个设计会影响保温效果吗？",
            "可以做成可选配件吗？",
            "有没有人用过类似的杯子？效果怎么样？",
        ),
    },
    replies={
        FOR: ("同感，我也一直在找这样的杯子。", "加一，顺便希望价格不要太高。"),
        AGAINST: ("我不太同意，这样会更难清洗。", "有道理，但不是每个人都需要。"),
        NEUTRAL: ("好问题，等品牌方回复。", "可以先出一个限量版试试。"),
    },
    customer_ideas=(),
)

# Someone who posts an advertisement; the community reports it.
SPAMMER = Person("outlet.deals", "Outlet", "Deals")

PEOPLE = (*(login.person for login in LOGINS), *MEMBERS_EN, *MEMBERS_ZH, SPAMMER)

CAMPAIGNS = (BACKPACK, RAIN_JACKET, LUNCH_BOX, TRAVEL_MUG)
