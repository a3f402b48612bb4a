"""The demo communities' owner registers, generated from a seed so every run is the same."""

from __future__ import annotations

import random
from collections.abc import Iterator

from ..communities.models import AreaSource, HoldingState, UnitKind
from ..communities.register import Holder, RegisterRow
from .actors import DEVELOPER

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红玲燕春菊凤洁梅琳云莲雪荣香"
    "月媛瑞佳嘉琼珍莉叶璐琦晶妍茜秋珊锦青倩婷婉颖露瑶怡雁仪荷丹蓉君琴蕊薇梦岚馨韵园咏"
    "卿澜悦昭冰茗羽希宁欣育柔竹凝晓欢枫芸菲伊亚宜舒思"
)


def _names(rng: random.Random) -> Iterator[str]:
    seen: set[str] = set()
    while True:
        name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in seen:
            seen.add(name)
            yield name


def _holder(rng: random.Random, name: str) -> Holder:
    return Holder(
        name,
        f"{rng.randrange(10000):04d}" if rng.random() > 0.05 else f"{rng.randrange(1000):03d}X",
        f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
    )


def lanting_register(seed: int = 278) -> list[RegisterRow]:
    """兰亭苑: 3 residential buildings of 180 flats, 60 parking spaces that do not vote."""
    rng = random.Random(seed)
    names = _names(rng)
    rows: list[RegisterRow] = []
    flats = [(b, f"{floor}{door:02d}") for b in ("1", "2", "3") for floor in range(1, 19) for door in range(1, 11)]
    multi_owners: list[Holder] = []
    holders: tuple[Holder, ...]
    for index, (building, number) in enumerate(flats):
        area = rng.choice((8950, 9230, 10500, 12880, 14400)) + rng.randrange(0, 100)
        roll = rng.random()
        if index % 20 == 7:
            state, holders = HoldingState.UNSOLD, (Holder(DEVELOPER, None, "010-88886666"),)
        elif index % 37 == 11:
            state, holders = HoldingState.UNDELIVERED, (_holder(rng, next(names)),)
        elif multi_owners and roll < 0.04:
            state, holders = HoldingState.DELIVERED, (multi_owners.pop(),)
        elif roll < 0.15:
            state, holders = HoldingState.DELIVERED, (_holder(rng, next(names)), _holder(rng, next(names)))
        else:
            owner = _holder(rng, next(names))
            if roll > 0.95:
                multi_owners.append(owner)
            state, holders = HoldingState.DELIVERED, (owner,)
        kind = UnitKind.COMMERCIAL if number.startswith("1") and int(number) < 105 else UnitKind.RESIDENTIAL
        source = AreaSource.REGISTRY if index % 31 else AreaSource.SURVEY
        rows.append(RegisterRow(len(rows) + 2, building, number, area, source, kind, True, holders, state))
    for i in range(1, 61):
        holders = (Holder(DEVELOPER, None, "010-88886666"),) if i > 45 else (_holder(rng, next(names)),)
        state = HoldingState.UNSOLD if i > 45 else HoldingState.DELIVERED
        rows.append(
            RegisterRow(len(rows) + 2, "地下车库", f"P-{i:03d}", 1250, AreaSource.CONTRACT, UnitKind.PARKING, False, holders, state)
        )
    return rows


def meiyuan_register(seed: int = 281, floors: int = 12) -> list[RegisterRow]:
    """梅园: one small building of 48 flats (four a floor), all delivered."""
    rng = random.Random(seed)
    names = _names(rng)
    return [
        RegisterRow(
            i + 2,
            "1",
            f"{floor}0{door}",
            rng.choice((7600, 8800, 11200)),
            AreaSource.REGISTRY,
            UnitKind.RESIDENTIAL,
            True,
            (_holder(rng, next(names)),),
            HoldingState.DELIVERED,
        )
        for i, (floor, door) in enumerate((f, d) for f in range(1, floors + 1) for d in range(1, 5))
    ]
