"""Masked display of personal data (PIPL): pages, API, exports and admin show these unless revealed."""

import re

# Two-character surnames (复姓) keep both characters: 欧阳娜娜 -> 欧阳**.
_COMPOUND_SURNAMES_TEXT = """
欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离 闾丘 端木 呼延 南宫
西门 独孤 百里 万俟 澹台 公冶 太史 申屠 赫连 淳于 单于 濮阳 司空 拓跋 第五 左丘 谷梁 东郭 梁丘 公羊
公良 仲孙 叔孙 乐正 巫马 漆雕 壤驷 亓官 司寇 子车 颛孙 段干 羊舌 微生 鲜于 闻人
"""
COMPOUND_SURNAMES = frozenset(_COMPOUND_SURNAMES_TEXT.split())
_SEPARATORS = re.compile(r"[\s\-]")
_NAME_KEEP = frozenset(" ·•.-")


def _text(value: object) -> str:
    try:
        return "" if value is None else str(value).strip()
    except ValueError:  # an int too large to print
        return "*"


def _keep_ends(text: str, head: int, tail: int) -> str:
    """Stars between the first `head` and last `tail` characters; short text keeps less."""
    if len(text) < head + tail + 1:
        head, tail = (1, 1) if len(text) >= 3 else (0, 0)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


def mask_id(value: object) -> str:
    """An ID number with only its first 3 and last 4 characters shown: 110***********1234."""
    return _keep_ends(_SEPARATORS.sub("", _text(value)), 3, 4)


def mask_phone(value: object) -> str:
    """A phone number with its first 3 and last 4 digits shown: 138****5678."""
    return _keep_ends(_SEPARATORS.sub("", _text(value)), 3, 4)


def mask_card(value: object) -> str:
    """A bank card or account number in groups of four, first and last 4 shown: 6222 **** **** 1234."""
    number = _SEPARATORS.sub("", _text(value))
    if len(number) <= 4:
        return "*" * len(number)
    if len(number) < 12:
        return "*" * (len(number) - 4) + number[-4:]
    stars = "*" * (len(number) - 8)
    groups = [stars[i : i + 4] for i in range(0, len(stars), 4)]
    return " ".join([number[:4], *groups, number[-4:]])


def mask_name(value: object) -> str:
    """A person's name with only the surname shown: 张* , 欧阳** ; separators such as · are kept."""
    name = _text(value)
    keep = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    if len(name) <= 1:
        return "*" * len(name)
    return name[:keep] + "".join(ch if ch in _NAME_KEEP else "*" for ch in name[keep:])
