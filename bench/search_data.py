"""A reproducible synthetic B2B catalog for the search benchmark.

`generate(n, seed)` yields listing rows with realistic titles and descriptions: product nouns
per leaf category, materials, selling points, model numbers, sizes and colours, assembled from
sentence templates. The same (n, seed) always gives the same catalog, so runs compare.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

# parent category -> leaf category -> product nouns (the words buyers search for)
TREE: dict[str, dict[str, list[str]]] = {
    "Lighting": {
        "LED Strips": ["led strip", "rgb strip light", "neon flex", "cob led strip"],
        "Bulbs": ["led bulb", "filament bulb", "smart bulb", "halogen lamp"],
        "Outdoor Lighting": ["flood light", "solar garden light", "street light", "wall pack"],
        "Indoor Fixtures": ["panel light", "downlight", "pendant lamp", "track light"],
    },
    "Apparel": {
        "T-Shirts": ["t-shirt", "polo shirt", "tank top", "long sleeve shirt"],
        "Outerwear": ["hoodie", "down jacket", "windbreaker", "fleece jacket"],
        "Workwear": ["work uniform", "safety vest", "coverall", "chef coat"],
        "Sportswear": ["yoga pants", "running shorts", "sports bra", "tracksuit"],
    },
    "Home & Kitchen": {
        "Drinkware": ["water bottle", "travel mug", "tumbler", "glass cup"],
        "Cookware": ["frying pan", "stock pot", "wok", "pressure cooker"],
        "Kitchen Tools": ["cutting board", "kitchen knife", "spatula", "peeler"],
        "Storage": ["food container", "storage box", "spice rack", "lunch box"],
    },
    "Machinery": {
        "Packaging Machines": ["filling machine", "sealing machine", "labeling machine"],
        "CNC Machines": ["cnc router", "cnc lathe", "milling machine", "laser cutter"],
        "Pumps": ["water pump", "centrifugal pump", "submersible pump", "diaphragm pump"],
        "Compressors": ["air compressor", "screw compressor", "piston compressor"],
    },
    "Electronics": {
        "Phone Accessories": ["phone case", "screen protector", "charging cable", "power bank"],
        "Audio": ["bluetooth speaker", "wireless earbuds", "headphones", "microphone"],
        "Chargers": ["wall charger", "wireless charger", "car charger", "usb hub"],
        "Components": ["pcb board", "resistor", "capacitor", "relay module"],
    },
    "Packaging": {
        "Bags": ["paper bag", "zipper bag", "tote bag", "mailer bag"],
        "Boxes": ["gift box", "corrugated box", "shipping box", "display box"],
        "Bottles & Jars": ["glass jar", "pet bottle", "spray bottle", "cosmetic jar"],
        "Labels": ["sticker label", "hang tag", "shrink sleeve", "barcode label"],
    },
    "Furniture": {
        "Office Furniture": ["office chair", "standing desk", "filing cabinet", "meeting table"],
        "Outdoor Furniture": ["garden chair", "patio set", "sun lounger", "parasol"],
        "Hotel Furniture": ["hotel bed", "wardrobe", "nightstand", "luggage rack"],
    },
    "Construction": {
        "Tiles": ["ceramic tile", "porcelain tile", "mosaic tile", "floor tile"],
        "Pipes & Fittings": ["pvc pipe", "steel pipe", "pipe fitting", "ball valve"],
        "Hardware": ["door hinge", "door handle", "drawer slide", "padlock"],
        "Fasteners": ["hex bolt", "wood screw", "anchor bolt", "washer"],
    },
    "Beauty": {
        "Skin Care": ["face cream", "serum", "sheet mask", "sunscreen"],
        "Hair Care": ["shampoo", "hair dryer", "hair clipper", "wig"],
        "Makeup": ["lipstick", "eyeshadow palette", "makeup brush", "nail polish"],
    },
    "Sports": {
        "Fitness": ["dumbbell", "yoga mat", "resistance band", "kettlebell"],
        "Cycling": ["bicycle", "bike helmet", "bike light", "cycling jersey"],
        "Camping": ["camping tent", "sleeping bag", "camping chair", "hiking backpack"],
    },
    "Automotive": {
        "Car Electronics": ["dash cam", "car charger", "gps tracker", "parking sensor"],
        "Auto Parts": ["brake pad", "oil filter", "spark plug", "wiper blade"],
        "Tires & Wheels": ["car tire", "alloy wheel", "wheel hub", "tire valve"],
    },
    "Agriculture": {
        "Farm Machinery": ["tractor", "harvester", "seeder", "rotary tiller"],
        "Irrigation": ["drip irrigation kit", "sprinkler", "irrigation pipe", "water timer"],
        "Greenhouse": ["greenhouse film", "shade net", "grow light", "plant pot"],
    },
}

MATERIALS = [
    "stainless steel",
    "aluminum",
    "carbon steel",
    "plastic",
    "abs",
    "pvc",
    "silicone",
    "cotton",
    "polyester",
    "nylon",
    "bamboo",
    "glass",
    "ceramic",
    "wood",
    "leather",
    "brass",
    "copper",
    "rubber",
    "kraft paper",
    "tempered glass",
    "cast iron",
    "titanium",
]
ADJECTIVES = [
    "wholesale",
    "custom",
    "portable",
    "waterproof",
    "durable",
    "eco-friendly",
    "heavy duty",
    "premium",
    "lightweight",
    "foldable",
    "adjustable",
    "rechargeable",
    "smart",
    "mini",
    "industrial",
    "professional",
    "high quality",
    "cheap",
    "new design",
    "hot sale",
    "oem",
    "odm",
    "anti-slip",
    "reusable",
    "biodegradable",
    "wireless",
    "ergonomic",
]
COLOURS = ["black", "white", "red", "blue", "green", "grey", "pink", "yellow", "silver", "gold"]
SIZES = [
    "small",
    "medium",
    "large",
    "xl",
    "500ml",
    "1l",
    "10w",
    "20w",
    "50w",
    "100w",
    "12v",
    "24v",
    "220v",
    "3m",
    "5m",
    "10mm",
    "20cm",
    "a4",
    "king size",
    "2 pack",
]
USES = [
    "for home",
    "for office",
    "for hotel",
    "for outdoor",
    "for kids",
    "for restaurant",
    "for supermarket",
    "for factory",
    "for gym",
    "for car",
    "for travel",
    "for garden",
]
FEATURES = [
    "fast delivery",
    "custom logo",
    "private label",
    "ce certified",
    "rohs compliant",
    "fda approved",
    "iso 9001 factory",
    "free samples",
    "oem service",
    "bulk discount",
    "long lifespan",
    "energy saving",
    "easy installation",
    "low noise",
    "high efficiency",
    "corrosion resistant",
    "food grade",
    "bpa free",
    "uv resistant",
    "shockproof",
]
SENTENCES = [
    "Our {product} is made of {material} and built for {use_plain}.",
    "This {adj} {product} comes with {feature} and {feature2}.",
    "We are a {biz} with {years} years of experience in {leaf_lower}.",
    "Available in {colour}, {colour2} and custom colours; size {size}.",
    "Minimum order {moq} pieces, samples ship within {days} days.",
    "Every {product} passes a quality inspection before packing.",
    "Packing: {packing}. Port: {port}.",
    "Ideal for distributors, retailers and {use_plain} projects.",
    "The {material} body is {adj} and {adj2}, with {feature}.",
    "Model {model} supports {feature} and ships worldwide.",
    "Contact us for {feature} and a quotation on large orders.",
    "Our factory covers {area} square meters with {lines} production lines.",
]
BUSINESS = ["manufacturer", "factory", "trading company", "supplier", "exporter"]
PACKING = ["carton box", "pallet", "polybag and carton", "wooden case", "gift box"]
PORTS = [
    "Shenzhen",
    "Ningbo",
    "Shanghai",
    "Guangzhou",
    "Qingdao",
    "Xiamen",
    "Tianjin",
    "Hamburg",
    "Rotterdam",
    "Mumbai",
    "Ho Chi Minh City",
    "Istanbul",
    "Los Angeles",
]
COUNTRIES = [
    ("CN", 60),
    ("IN", 8),
    ("VN", 5),
    ("TR", 4),
    ("DE", 3),
    ("US", 3),
    ("IT", 2),
    ("PK", 2),
    ("TH", 2),
    ("KR", 2),
    ("JP", 2),
    ("MY", 1),
    ("ID", 1),
    ("BR", 1),
    ("MX", 1),
    ("PL", 1),
    ("GB", 1),
    ("FR", 1),
]
MOQS = [1, 2, 5, 10, 20, 50, 100, 200, 300, 500, 1000, 2000, 5000, 10000]
UNITS = ["pieces", "sets", "pairs", "boxes", "meters", "kilograms"]


@dataclass(slots=True)
class Row:
    title: str
    description: str
    keywords: list[str]
    leaf: str  # leaf category name
    supplier: int  # supplier index
    moq: int
    unit: str
    tiers: list[tuple[int, float]]  # (min_qty, unit_price)
    sample: bool
    days_ago: int  # published this many days before the run's fixed reference date


def leaves() -> list[tuple[str, str]]:
    """(parent, leaf) pairs in a fixed order."""
    return [(parent, leaf) for parent, kids in TREE.items() for leaf in kids]


def suppliers(n_suppliers: int, seed: int) -> list[tuple[str, bool]]:
    """(country, verified) per supplier."""
    rng = random.Random(seed ^ 0x5EED)
    codes = [c for c, _ in COUNTRIES]
    weights = [w for _, w in COUNTRIES]
    return [(rng.choices(codes, weights)[0], rng.random() < 0.3) for _ in range(n_suppliers)]


def _model(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    return f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randrange(100, 9999)}"


def generate(n: int, seed: int, n_suppliers: int) -> Iterator[Row]:
    rng = random.Random(seed)
    all_leaves = leaves()
    leaf_weights = [rng.uniform(0.3, 3.0) for _ in all_leaves]
    r = rng.random
    choice = rng.choice
    for _ in range(n):
        _parent, leaf = rng.choices(all_leaves, leaf_weights)[0]
        products = TREE[_parent][leaf]
        product = choice(products)
        material = choice(MATERIALS)
        adj, adj2 = choice(ADJECTIVES), choice(ADJECTIVES)
        parts = []
        if r() < 0.7:
            parts.append(adj)
        if r() < 0.5:
            parts.append(material)
        if r() < 0.3:
            parts.append(choice(COLOURS))
        parts.append(product)
        if r() < 0.4:
            parts.append(choice(SIZES))
        if r() < 0.4:
            parts.append(choice(USES))
        if r() < 0.3:
            parts.append(_model(rng))
        title = " ".join(parts)
        title = title[0].upper() + title[1:]
        slots = {
            "product": product,
            "material": material,
            "use_plain": choice(USES)[4:],
            "adj": adj,
            "adj2": adj2,
            "feature": choice(FEATURES),
            "feature2": choice(FEATURES),
            "biz": choice(BUSINESS),
            "years": rng.randrange(2, 30),
            "leaf_lower": leaf.lower(),
            "colour": choice(COLOURS),
            "colour2": choice(COLOURS),
            "size": choice(SIZES),
            "moq": 0,
            "days": rng.randrange(2, 15),
            "packing": choice(PACKING),
            "port": choice(PORTS),
            "model": _model(rng),
            "area": rng.randrange(1, 80) * 500,
            "lines": rng.randrange(2, 20),
        }
        moq = choice(MOQS)
        slots["moq"] = moq
        k = rng.randrange(3, 8)
        description = " ".join(choice(SENTENCES).format(**slots) for _ in range(k))
        keywords = [product, material]
        if r() < 0.5:
            keywords.append(choice(FEATURES))
        base = round(rng.lognormvariate(1.5, 1.3), 2) + 0.05
        tiers = [(moq, round(base, 2))]
        qty = moq
        for _ in range(rng.randrange(0, 4)):
            qty *= choice((2, 5, 10))
            base *= rng.uniform(0.75, 0.95)
            tiers.append((qty, max(round(base, 2), 0.01)))
        yield Row(
            title=title[:200],
            description=description,
            keywords=keywords,
            leaf=leaf,
            supplier=rng.randrange(n_suppliers),
            moq=moq,
            unit=choice(UNITS),
            tiers=tiers,
            sample=r() < 0.4,
            days_ago=rng.randrange(0, 720),
        )
