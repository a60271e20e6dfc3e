"""A synthetic province of any size: realistic 12-digit codes and Chinese names.

Deterministic for a given shape, so the demo, the tests and the benchmarks agree, and the
demo users of deploy/keycloak/ (units 990102000000, 990102101201, …) exist in it.

Code scheme (统计用区划代码): province 99; city 01..; county 02.. (01 is left for 市辖区);
township 1tt (镇; a leading 0 would be 街道, 2 乡); village 2vv (村委会; 0vv would be 居委会).
"""
from __future__ import annotations

import random
from dataclasses import dataclass

PROVINCE_CODE = "99"
PROVINCE_NAME = "示范省"
_FIRST = "青白石金银铜铁松柏桃李杨柳梅竹兰桂枫槐榆杏梨枣桑麻禾稻麦粟黍豆瓜茶花果林川河湖溪泉塘坪坝岭岗峰岩山坡沟湾洲滩源"
_SECOND = "山河湖溪桥庄村屯寨堡营店铺集坪坝岭岗峰岩口头湾沟塘田园林泉洼台岔岭渡关寺庙城楼阁亭塔井坊"
_VILLAGE_TAIL = ["村"]
_DIRECTIONS = "东南西北上下前后中新"


@dataclass(frozen=True)
class DivisionRow:
    code: str
    name: str
    parent_code: str | None
    kind: str | None = None  # village level: 行政村 or 社区

    def as_csv_row(self) -> list[str]:
        return [self.code, self.name, self.parent_code or "", self.kind or ""]


CSV_HEADER = ["区划代码", "名称", "上级代码", "城乡分类"]


def _names(rng: random.Random, count: int, suffix: str, used: set[str]) -> list[str]:
    names = []
    while len(names) < count:
        name = rng.choice(_FIRST) + rng.choice(_SECOND)
        if rng.random() < 0.25:
            name = rng.choice(_DIRECTIONS) + name
        name += suffix
        if name not in used:
            used.add(name)
            names.append(name)
    return names


def generate_province(cities: int = 1, counties_per_city: int = 3, townships_per_county: int = 10,
                      villages_per_township: int = 25, seed: int = 2020) -> list[DivisionRow]:
    """Rows from the top down (a parent always precedes its children)."""
    if not (1 <= cities <= 99 and 1 <= counties_per_city <= 98 and 1 <= townships_per_county <= 99
            and 1 <= villages_per_township <= 99):
        raise ValueError("shape out of the code space: cities ≤ 99, counties ≤ 98, townships ≤ 99, villages ≤ 99")
    rng = random.Random(seed)
    province = PROVINCE_CODE.ljust(12, "0")
    rows = [DivisionRow(province, PROVINCE_NAME, None)]
    city_names = ["示范市"] + _names(rng, cities - 1, "市", set(["示范市"]))
    for c in range(1, cities + 1):
        city = f"{PROVINCE_CODE}{c:02d}".ljust(12, "0")
        rows.append(DivisionRow(city, city_names[c - 1], province))
        used: set[str] = set()
        for k, county_name in enumerate(_names(rng, counties_per_city, "县", used), start=2):
            county = f"{city[:4]}{k:02d}".ljust(12, "0")
            rows.append(DivisionRow(county, county_name, city))
            township_names = _names(rng, townships_per_county, "镇", used)
            for t, township_name in enumerate(township_names, start=1):
                township = f"{county[:6]}1{t:02d}".ljust(12, "0")
                rows.append(DivisionRow(township, township_name, county))
                village_names = _names(rng, villages_per_township, "村", set())
                for v, village_name in enumerate(village_names, start=1):
                    rows.append(DivisionRow(f"{township[:9]}2{v:02d}", village_name, township, "行政村"))
    return rows


def to_csv(rows: list[DivisionRow]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow(row.as_csv_row())
    return out.getvalue()
