"""Deterministic synthetic names for make bench-screening: a sanctions list of persons,
companies and vessels in several scripts (with aliases as lists write them: reordered,
transliterated differently, in the original script, without the middle name), and member
names to rescreen. Pure functions of a seed, no Django."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

# (original script, Latin transliteration, another transliteration lists use)
# fmt: off
FIRST = [
    ("Иван", "Ivan", "Iwan"), ("Сергей", "Sergey", "Sergei"), ("Дмитрий", "Dmitry", "Dmitri"),
    ("Алексей", "Aleksey", "Alexei"), ("Михаил", "Mikhail", "Michail"),
    ("Николай", "Nikolay", "Nikolai"), ("Юрий", "Yuriy", "Yuri"), ("Андрей", "Andrey", "Andrei"),
    ("Виктор", "Viktor", "Victor"), ("Олег", "Oleg", "Oleg"), ("Евгений", "Evgeny", "Yevgeniy"),
    ("Александр", "Aleksandr", "Alexander"), ("Татьяна", "Tatyana", "Tatiana"),
    ("Ольга", "Olga", "Olga"), ("Наталья", "Natalya", "Natalia"),
    ("محمد", "Muhammad", "Mohammed"), ("أحمد", "Ahmad", "Ahmed"), ("علي", "Ali", "Aly"),
    ("حسن", "Hasan", "Hassan"), ("حسين", "Husayn", "Hussein"), ("خالد", "Khalid", "Khaled"),
    ("عمر", "Umar", "Omar"), ("يوسف", "Yusuf", "Youssef"), ("إبراهيم", "Ibrahim", "Ebrahim"),
    ("عبدالله", "Abdullah", "Abdallah"), ("سعيد", "Said", "Saeed"), ("فاطمة", "Fatima", "Fatma"),
    ("王", "Wei", "Wei"), ("李", "Lei", "Lei"), ("张", "Qiang", "Chiang"), ("刘", "Fang", "Fang"),
    ("Γιώργος", "Georgios", "Yiorgos"), ("Νίκος", "Nikos", "Nicos"),
    ("José", "Jose", "José"), ("María", "Maria", "Marya"), ("Juan", "Juan", "Joan"),
    ("Carlos", "Carlos", "Karlos"), ("Luis", "Luis", "Louis"), ("Jorge", "Jorge", "George"),
    ("Ana", "Ana", "Anna"), ("Pedro", "Pedro", "Petro"), ("Miguel", "Miguel", "Migel"),
    ("Kim", "Kim", "Gim"), ("Hyun", "Hyun", "Hyeon"), ("Reza", "Reza", "Rida"),
    ("Mehmet", "Mehmet", "Mehmed"), ("Hamid", "Hamid", "Hameed"), ("Tariq", "Tariq", "Tarek"),
]
LAST = [
    ("Петров", "Petrov", "Petroff"), ("Иванов", "Ivanov", "Iwanow"),
    ("Смирнов", "Smirnov", "Smirnoff"), ("Кузнецов", "Kuznetsov", "Kusnezow"),
    ("Попов", "Popov", "Popoff"), ("Волков", "Volkov", "Wolkow"), ("Соколов", "Sokolov", "Sokolow"),
    ("Лебедев", "Lebedev", "Lebedew"), ("Козлов", "Kozlov", "Koslow"),
    ("Новиков", "Novikov", "Nowikow"), ("Морозов", "Morozov", "Morosow"),
    ("Захаров", "Zakharov", "Sacharow"), ("Орлов", "Orlov", "Orloff"),
    ("Хорошев", "Khoroshev", "Horoshev"), ("Белов", "Belov", "Bjelow"),
    ("الحسيني", "al-Husayni", "al-Husseini"), ("التكريتي", "al-Tikriti", "al-Takriti"),
    ("المصري", "al-Masri", "el-Masry"), ("الزهراني", "al-Zahrani", "az-Zahrani"),
    ("القحطاني", "al-Qahtani", "al-Kahtani"), ("الشمري", "al-Shammari", "ash-Shamari"),
    ("العتيبي", "al-Otaibi", "al-Utaybi"), ("الدوسري", "al-Dosari", "ad-Dawsari"),
    ("حداد", "Haddad", "Hadad"), ("منصور", "Mansour", "Mansur"), ("نصر", "Nasr", "Nasser"),
    ("王", "Wang", "Wong"), ("李", "Li", "Lee"), ("张", "Zhang", "Chang"), ("刘", "Liu", "Lau"),
    ("陈", "Chen", "Chan"), ("杨", "Yang", "Yeung"), ("黄", "Huang", "Wong"),
    ("Παπαδόπουλος", "Papadopoulos", "Papadopulos"), ("Γεωργίου", "Georgiou", "Yeorgiou"),
    ("García", "Garcia", "Garsia"), ("Rodríguez", "Rodriguez", "Rodrigues"),
    ("Martínez", "Martinez", "Martines"), ("Hernández", "Hernandez", "Fernandez"),
    ("López", "Lopez", "Lopes"), ("González", "Gonzalez", "Gonzales"),
    ("Moreno", "Moreno", "Morena"), ("Escobar", "Escobar", "Eskobar"),
    ("Kim", "Kim", "Gim"), ("Park", "Park", "Pak"), ("Choi", "Choi", "Choe"),
    ("Yilmaz", "Yilmaz", "Yılmaz"), ("Demir", "Demir", "Demirr"), ("Karimi", "Karimi", "Karimy"),
    ("Hosseini", "Hosseini", "Husseini"), ("Rahimi", "Rahimi", "Rahimy"),
    ("Khan", "Khan", "Kahn"), ("Siddiqui", "Siddiqui", "Sidiqi"), ("Okafor", "Okafor", "Okafur"),
]
PATRONYMIC = ["Yuryevich", "Sergeyevich", "Ivanovich", "Petrovich", "Nikolayevich",
              "Aleksandrovich", "Vladimirovich", "Viktorovich", "Mikhaylovich", "Olegovich"]
COMPANY_WORDS = [
    "Global", "Trading", "Shipping", "Petro", "Energy", "Aero", "Star", "Ocean", "Eastern",
    "Golden", "Northern", "Alliance", "United", "Pacific", "Atlas", "Orient", "Falcon", "Crescent",
    "Delta", "Phoenix", "Horizon", "Silk", "Road", "Steel", "Chemical", "Logistics", "Marine",
    "Industrial", "Development", "Investment", "Holding", "Export", "Import", "General",
    "Technical", "Supply", "Services", "Construction", "Mining", "Metals", "Fuel", "Oil",
    "Tanker", "Cargo", "Freight", "Systems", "Electronics", "Avia", "Transit", "Baltic",
    "Caspian", "Gulf", "Sahara", "Nile", "Tigris", "Ural", "Volga", "Amur", "Kunlun", "Tian",
]
NATIVE_COMPANY = [("Нефть", "Neft"), ("Транс", "Trans"), ("Строй", "Stroy"), ("Пром", "Prom"),
                  ("Газ", "Gaz"), ("Авиа", "Avia"), ("Морской", "Morskoy")]
LEGAL = ["LLC", "Ltd", "Limited", "GmbH", "S.A.", "JSC", "OOO", "Co.", "FZE", "Pte Ltd", "Inc."]
COUNTRIES = ["ru", "ir", "sy", "kp", "cn", "ae", "tr", "ve", "cu", "by", "iq", "af", "lb", "ye",
             "sd", "mm", "pk", "de", "gb", "us", "es", "gr", "kr", "eg", "sa"]
MEMBER_COMPANY = [
    "Northwind", "Blue", "Meadow", "Bakery", "Textiles", "Furniture", "Garden", "Tools", "Paper",
    "Packaging", "Foods", "Coffee", "Tea", "Ceramics", "Lighting", "Apparel", "Footwear", "Toys",
    "Optics", "Medical", "Dental", "Pharma", "Plastics", "Glass", "Timber", "Solar", "Wind",
    "Water", "Pumps", "Valves", "Bearings", "Motors", "Cables", "Print", "Media", "Studio",
    "Lakeside", "Hill", "River", "Stone", "Oak", "Maple", "Cedar", "Harbor", "Valley", "Summit",
]
MEMBER_FIRST = ["John", "Mary", "Peter", "Anna", "Thomas", "Laura", "Michael", "Sarah", "David",
                "Emma", "Paul", "Julia", "Mark", "Sophie", "Daniel", "Clara", "Lukas", "Marie",
                "Jan", "Eva", "Wei", "Li", "Ahmed", "Fatima", "Carlos", "Lucia", "Hiroshi",
                "Yuki", "Olga", "Ivan", "Priya", "Raj", "Chen", "Sven", "Ingrid", "Marco"]
MEMBER_LAST = ["Smith", "Miller", "Schmidt", "Müller", "Meyer", "Weber", "Wagner", "Becker",
               "Hoffmann", "Schulz", "Koch", "Richter", "Klein", "Wolf", "Neumann", "Brown",
               "Taylor", "Wilson", "Dubois", "Martin", "Bernard", "Rossi", "Russo", "Ferrari",
               "Tanaka", "Suzuki", "Sato", "Nguyen", "Tran", "Singh", "Patel", "Sharma",
               "Kowalski", "Nowak", "Jansen", "de Vries", "Andersson", "Nielsen", "Silva",
               "Santos", "Garcia", "Lopez", "Ivanova", "Chen", "Wang", "Li", "Kim", "Park"]
# Syllables (Latin, Cyrillic) of made-up surnames, so the list's 12,000 persons are not a few
# thousand combinations of the common names above, listed over and over.
SYLLABLES = [("ka", "ка"), ("ra", "ра"), ("to", "то"), ("mi", "ми"), ("sa", "са"),
             ("ta", "та"), ("vo", "во"), ("ri", "ри"), ("zha", "жа"), ("ko", "ко"),
             ("lu", "лу"), ("pa", "па"), ("de", "де"), ("ni", "ни"), ("go", "го"),
             ("bu", "бу"), ("sha", "ша"), ("ve", "ве"), ("li", "ли"), ("mo", "мо"),
             ("char", "чар"), ("dim", "дим"), ("gor", "гор"), ("tel", "тель"), ("bar", "бар")]
SUFFIXES = [("ov", "ов"), ("ev", "ев"), ("in", "ин"), ("enko", "енко"), ("sky", "ский"),
            ("yan", "ян"), ("idze", "идзе"), ("ets", "ец")]
SURNAME_HEAD = ["Berg", "Lind", "Holm", "Ek", "Stein", "Wald", "Ash", "Brook", "Fair", "Green",
                "Hart", "Kirk", "Mor", "North", "Old", "West", "Rich", "Lang", "Ros", "Sand"]
SURNAME_TAIL = ["man", "son", "ley", "ton", "field", "ford", "wood", "er", "feld", "strom",
                "hurst", "well"]
# fmt: on


def made_up_surname(rng: random.Random) -> tuple[str, str, str]:
    parts = [rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3)))]
    suffix = rng.choice(SUFFIXES)
    latin = "".join(p[0] for p in parts) + suffix[0]
    cyrillic = "".join(p[1] for p in parts) + suffix[1]
    other = latin.replace("ov", "off").replace("sky", "ski").replace("zh", "j")
    return cyrillic.capitalize(), latin.capitalize(), other.capitalize()


def _person(rng: random.Random) -> tuple[str, list[str]]:
    first = rng.choice(FIRST)
    last = rng.choice(LAST) if rng.random() < 0.3 else made_up_surname(rng)
    middle = rng.choice(PATRONYMIC) if rng.random() < 0.4 else rng.choice(FIRST)[1]
    name = f"{last[1].upper()}, {first[1]} {middle}"
    aliases = [
        f"{first[2]} {middle} {last[2]}",
        f"{first[1]} {last[1]}",
        f"{last[0]} {first[0]}" if last[0] != last[1] else f"{first[2]} {last[1].upper()}",
    ]
    return name, aliases


def _company(rng: random.Random) -> tuple[str, list[str]]:
    words = rng.sample(COMPANY_WORDS, rng.choice((2, 2, 3)))
    native = rng.choice(NATIVE_COMPANY)
    if rng.random() < 0.3:
        words[0] = native[1] + words[0].lower()
    name = " ".join(words) + " " + rng.choice(LEGAL)
    aliases = [
        " ".join(words).upper() + " " + rng.choice(LEGAL).upper(),
        f"{native[0]}{words[-1]} ООО" if rng.random() < 0.5 else " ".join(reversed(words)),
        "".join(w[0] for w in words).upper() + " " + words[-1],
    ]
    return name, aliases


def _vessel(rng: random.Random) -> tuple[str, list[str]]:
    words = rng.sample(COMPANY_WORDS, 2)
    name = " ".join(words).upper()
    return name, [f"{name} {rng.randint(1, 9)}", f"{words[1]} {words[0]}".upper(), f"M/V {name}"]


def synthetic_list(n_entries: int, seed: int) -> Iterator[dict]:
    """FtM entities (OpenSanctions' JSON lines shape): persons, companies, vessels, each with
    three aliases."""
    rng = random.Random(seed)
    for i in range(n_entries):
        roll = rng.random()
        country = rng.choice(COUNTRIES)
        props: dict[str, list[str]] = {"country": [country]}
        if roll < 0.6:
            schema, (name, aliases) = "Person", _person(rng)
            year = rng.randint(1940, 2000)
            props["birthDate"] = [f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
        elif roll < 0.95:
            schema, (name, aliases) = "Company", _company(rng)
            props["registrationNumber"] = [f"{rng.randint(10**9, 10**10 - 1)}"]
        else:
            schema, (name, aliases) = "Vessel", _vessel(rng)
            props["imoNumber"] = [f"IMO{rng.randint(9000000, 9999999)}"]
        props["name"] = [name]
        props["alias"] = aliases
        yield {"id": f"syn-{i:06d}", "schema": schema, "caption": name, "properties": props,
               "datasets": ["synthetic"], "target": True}  # fmt: skip


def write_synthetic_list(path: Path, n_entries: int, seed: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for record in synthetic_list(n_entries, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def member_names(n: int, seed: int, listed: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """(company name, contact name) of n members. A share of one in a thousand are listed
    names (`listed`) with a letter changed, so the rescreen also raises hits."""
    rng = random.Random(seed)
    for _ in range(n):
        if listed and rng.random() < 0.001:
            name = rng.choice(listed)
            pos = rng.randrange(len(name))
            noisy = name[:pos] + rng.choice("aeiou") + name[pos + 1 :]
            yield noisy, f"{rng.choice(MEMBER_FIRST)} {rng.choice(MEMBER_LAST)}"
            continue
        words = rng.sample(MEMBER_COMPANY, rng.choice((1, 2, 2, 3)))
        company = " ".join(words) + " " + rng.choice(LEGAL)
        if rng.random() < 0.5:
            last = rng.choice(MEMBER_LAST)
        else:
            last = rng.choice(SURNAME_HEAD) + rng.choice(SURNAME_TAIL)
        yield company, f"{rng.choice(MEMBER_FIRST)} {last}"
