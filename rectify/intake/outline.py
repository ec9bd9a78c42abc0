"""Intake (文稿导入): read a published feedback or progress report (反馈意见 /
整改进展情况通报) numbered in the official outline style — "一、" / "(一)" / "1." / "(1)" /
"1)" / "①" — and draft a feedback file (feedback-format.md) from it.

What the document says is kept (header facts, aspects → categories → problems with their
published numbering, the "一是…二是…" measures of a progress report, dates it names); what it
does not say is left as the placeholder ``TODO_FILL_IN``. The importer refuses that value
(ids are ``[a-z0-9_]+``, dates are dates), so an unfilled draft cannot be imported and
nothing is silently invented. The understanding report (counts found in the text checked
against the counts parsed, lines that could not be placed) is written at the top of the
draft.

Pure text processing: no database, no Prefect.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PLACEHOLDER = "TODO_FILL_IN"
RESPONSIBILITY_FIELDS = ("lead_leader", "responsible_leader", "department", "responsible_person")


class UnsupportedDocument(ValueError):
    """A file ``read_document`` cannot read (type or encoding)."""


# ---------------------------------------------------------------------------------------
# Reading and normalising
# ---------------------------------------------------------------------------------------


def read_document(path: Path | str) -> list[str]:
    """The document's lines: paragraphs of a .docx, lines of a .txt / .md (UTF-8 or GB18030).

    Line numbers in the report are 1-based positions in this list. Automatic Word list
    numbering is not part of a paragraph's text; only numbering typed into the text is seen.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx

        try:
            document = docx.Document(str(path))
        except Exception as exc:  # python-docx raises several types for a bad package
            raise UnsupportedDocument(f"not a readable .docx: {exc}") from None
        return [paragraph.text for paragraph in document.paragraphs]
    if suffix in (".txt", ".md", ".markdown", ".text"):
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnsupportedDocument("neither UTF-8 nor GB18030 text")
        return text.splitlines()
    raise UnsupportedDocument(f"unsupported document type {suffix!r} (use .docx, .txt or .md)")


# Common traditional characters of these documents → simplified (pairs). Only characters
# that are not themselves in use in simplified text are listed.
_TRADITIONAL = (
    "問问題题況况責责實实組组黨党關关於于貫贯徹彻習习學学導导領领會会議议屆届輪轮區区縣县廳厅"
    "環环態态長长進进對对個个們们這这為为與与並并從从嚴严紀纪監监檢检審审計计劃划規规範范設设"
    "總总結结報报點点擊击網网聲声歸归週周時时間间辦办務务幹干員员書书記记統统籌筹業业義义經经"
    "濟济產产項项條条應应違违懲惩處处罰罚銷销號号續续風风專专門门開开動动現现戰战鬥斗氣气淨净"
    "熱热訂订閱阅雜杂誌志圖图層层內内級级質质執执錯错誤误據据認认隊队標标準准達达體体訪访談谈"
    "話话調调確确護护資资費费財财購购採采單单線线補补齊齐戶户頭头傳传鬆松軟软構构織织屬属獎奖"
    "辭辞離离選选舉举權权讓让將将後后還还種种類类參参節节約约廢废設设備备運运營营車车輛辆優优"
    "勢势願愿顧顾響响創创試试驗验證证際际額额歷历壓压緊紧樣样壞坏軍军鐵铁圍围繞绕決决興兴鄉乡"
    "鎮镇廣广東东華华陽阳遼辽寧宁慶庆濱滨灣湾說说讀读語语論论請请詢询聽听錄录檔档勵励勞劳爭争"
    "聞闻幾几麼么裡里裏里係系繫系過过見见無无數数萬万億亿視视肅肃擇择製制機机強强彈弹廠厂礦矿"
    "場场衛卫藍蓝綠绿穩稳聯联絡络電电郵邮編编薦荐兩两滿满維维給给識识職职來来當当發发佈布題题"
    "潔洁敗败貪贪賄贿賬账帳账憑凭綜综餘余險险隱隐災灾頓顿漸渐邊边遠远適适遞递減减鑒鉴鑑鉴陳陈"
    "劉刘張张吳吴鄭郑趙赵黃黄楊杨汙污預预買买賣卖歲岁軍军漢汉衝冲擔担負负惡恶變变總总"
    "饋馈掃扫納纳堅坚夠够紹绍細细練练積积極极獲获穫获腦脑團团園园圓圆齡龄歡欢觀观勸劝蘇苏"
    "藥药讚赞攤摊滬沪頒颁擬拟術术鍵键輸输轉转較较載载邁迈邏逻遲迟鄰邻醫医釋释針针鋼钢錢钱"
    "閉闭闊阔陣阵隨随雙双雖虽難难靜静順顺須须頻频飛飞飲饮館馆馬马驅驱獨独狀状猶犹畫画疊叠"
    "療疗盡尽盤盘碼码礎础禮礼禍祸稱称窮穷競竞筆笔簡简糧粮緒绪終终絕绝絲丝綱纲績绩繼继聖圣"
    "膽胆脫脱艱艰莊庄葉叶蓋盖虧亏裝装複复覺觉親亲觸触訊讯許许訴诉診诊評评詞词詳详誠诚課课"
    "講讲謝谢貧贫貸贷賽赛趕赶跡迹蹤踪軌轨農农遺遗釘钉闡阐雲云頂顶顏颜顯显養养驚惊麗丽臺台"
    "穀谷曆历鐘钟醜丑隻只髮发鬧闹嚴严邊边盜盗竊窃濫滥懶懒慣惯舊旧屆届夥伙擴扩檢检測测繳缴"
    "證证熱热燈灯爐炉礙碍磚砖縮缩織织繩绳罷罢羅罗義义脅胁臟脏藝艺蟲虫衛卫訓训設设診诊"
    "該该誇夸謀谋謂谓譽誉豐丰賀贺賃赁賴赖贊赞輕轻辯辩遜逊郵邮醬酱銀银鋪铺錄录鎖锁鑄铸閃闪"
    "閣阁陸陆隸隶雞鸡韓韩頸颈頗颇頑顽頓顿頰颊顫颤颱台騙骗騰腾鬱郁鳳凤鹽盐麥麦黴霉"
)
_TRANSLATE: dict[int, str | int] = {
    ord(_TRADITIONAL[i]): _TRADITIONAL[i + 1] for i in range(0, len(_TRADITIONAL), 2)
}
_TRANSLATE.update({code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)})  # full width
_TRANSLATE.update({0x3000: " ", 0xA0: " ", 0x200B: "", 0xFEFF: "", 0x2002: " ", 0x2003: " "})
_TRANSLATE.update({0x2474 + i: f"({i + 1})" for i in range(20)})  # ⑴ … ⒇
_TRANSLATE.update({0x2488 + i: f"{i + 1}." for i in range(20)})  # ⒈ … ⒛
_TRANSLATE.update({ord("〈"): "<", ord("〉"): ">", ord("﹙"): "(", ord("﹚"): ")"})

_MARKDOWN = re.compile(r"^(?:#{1,6}\s+|>\s*|[-*+•·▪●]\s+)+")


def normalise(text: str) -> str:
    """Full width → half width, the table of traditional characters → simplified, markdown
    and bullet markers and page separators ("|") stripped, surrounding space removed."""
    text = text.translate(_TRANSLATE)
    text = text.replace("**", "").replace("__", "")
    text = text.strip().strip("|").strip()
    text = _MARKDOWN.sub("", text)
    return text.strip()


# Page furniture of government web pages (site menus, share buttons, contact lines …).
_FURNITURE = re.compile(
    r"^(?:扫一扫|发布日期|发布时间|发布机构|来源\s*[::]|信息来源|文章来源|字号|字体\s*[::]|"
    r"作者\s*[::]|责任编辑|编辑\s*[::]|审核\s*[::]|浏览次数|阅读次数|点击数|访问量|分享到|分享|"
    r"打印|关闭窗口|关闭|返回顶部|返回首页|当前位置|您当前的位置|您现在的位置|首页\s*[>›»]|"
    r"上一篇|下一篇|相关链接|相关文章|相关阅读|推荐图片|热点文章|热点新闻|重点链接|友情链接|"
    r"网站地图|联系我们|关于我们|网站声明|主办单位|承办单位|协办单位|版权所有|技术支持|备案序号|"
    r"网站标识码|\(?时间\s*[::]|【|订阅|微信|微博|QQ|收藏|本版文|摄影\s*[::]|图为|"
    r".{0,12}政府网站$|.{0,12}政府系统网站$)"
)
_CONTACT = re.compile(
    r"(?:联系电话|举报电话|电子邮箱|电子信箱|邮政信箱|通信地址|邮编|传真)\s*[::]\s*\S|"
    r"ICP备|公网安备|ICP证"
)
_MENU = re.compile(r"^(?:[^|]{1,12}\|){2,}")
_PUNCTUATION_ONLY = re.compile(r"^[\W_]*$")


def is_furniture(text: str) -> bool:
    """A line of page furniture (menus, share buttons, publication data, contact lines)."""
    return bool(
        _PUNCTUATION_ONLY.match(text)
        or _FURNITURE.match(text)
        or _MENU.match(text)
        or _CONTACT.search(text)
    )


# ---------------------------------------------------------------------------------------
# Numbering
# ---------------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
_CN = "一二三四五六七八九十百零〇两"


def chinese_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十一 → 21, 一百零三 → 103; digits pass through."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + current


# Ranks in the official order; a document uses them top down, possibly skipping some.
STYLES = ("一、", "(一)", "1.", "(1)", "1)", "①")
_HEADINGS = (
    (0, re.compile(rf"^([{_CN}]{{1,4}})\s*[、.]\s*(?P<rest>.*)$")),
    (1, re.compile(rf"^\(\s*([{_CN}]{{1,4}})\s*\)\s*(?P<rest>.*)$")),
    (3, re.compile(r"^\(\s*(\d{1,3})\s*\)\s*(?P<rest>.*)$")),
    (4, re.compile(r"^(\d{1,3})\s*\)\s*(?P<rest>.*)$")),
    (2, re.compile(r"^(\d{1,3})\s*[.、](?!\d)\s*(?P<rest>.*)$")),
    (5, re.compile(r"^([\u2460-\u2473])\s*(?P<rest>.*)$")),
)


def heading(text: str) -> tuple[int, int, str] | None:
    """(rank, number, rest) when ``text`` starts with an outline number, else None."""
    for rank, pattern in _HEADINGS:
        match = pattern.match(text)
        if match:
            token = match.group(1)
            number = ord(token) - 0x2460 + 1 if rank == 5 else chinese_number(token)
            if number is None:
                continue
            return rank, number, match.group("rest").strip()
    return None


def label(rank: int, number: int) -> str:
    """The published label of a number: (rank 1, 3) → "(三)"."""
    if rank in (0, 1):
        cn = _to_chinese(number)
        return f"{cn}、" if rank == 0 else f"({cn})"
    if rank == 5:
        return chr(0x2460 + number - 1) if 1 <= number <= 20 else f"({number})"
    return {2: f"{number}.", 3: f"({number})", 4: f"{number})"}[rank]


def _to_chinese(number: int) -> str:
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    if number < 100:
        return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")
    return str(number)


# ---------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundDate:
    """A date named in the text, normalised."""

    text: str
    date: dt.date
    deadline: bool  # "…前": a due date, not an event
    explicit_year: bool
    start: int


_YEAR = r"(?<!\d)(?P<y>(?:19|20)\d{2})"
_PART = r"(?P<p>底|末|初|上旬|中旬|下旬)"
_DATE_PATTERNS = (
    re.compile(_YEAR + r"\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?!\d)"),
    # 年 may be lost in scraped text ("20243月14日"); the month keeps the match honest
    re.compile(_YEAR + r"\s*年?\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"),
    re.compile(_YEAR + r"\s*年\s*(?P<m>\d{1,2})\s*月\s*" + _PART),
    re.compile(
        r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*(?:[-—~至到]\s*\d{1,2}\s*)?[日号]"
    ),
    re.compile(r"(?<![\d年])(?P<m>\d{1,2})\s*月\s*" + _PART),
    re.compile(r"(?:(?<!\d)(?P<y>(?:19|20)\d{2})\s*)?年\s*(?P<p>底|末)"),
)
_DEADLINE_AFTER = re.compile(r"\s*(?:以前|之前|前)")


def _day_of(year: int, month: int, part: str | None, day: str | None) -> dt.date | None:
    try:
        if day is not None:
            return dt.date(year, month, int(day))
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, {"初": 10, "上旬": 10, "中旬": 20}.get(part or "", last))
    except ValueError:
        return None


def find_dates(
    text: str, context_year: int | None, not_before: dt.date | None = None
) -> list[FoundDate]:
    """Every date named in ``text``, in order, normalised to a ``datetime.date``.

    A date without a year takes the last explicit year before it in the same text, else
    ``context_year`` (dates are skipped when neither is known). "8月底前" is the last day of
    August; "年底前" is 31 December. A deadline without a year that would fall on or before
    ``not_before`` (the feedback date) is taken in the following year.
    """
    taken: list[tuple[int, int]] = []
    raw: list[tuple[int, re.Match]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            raw.append((span[0], match))
    found: list[FoundDate] = []
    year_before = None
    for start, match in sorted(raw, key=lambda item: item[0]):
        groups = match.groupdict()
        explicit = groups.get("y") is not None
        year = int(groups["y"]) if explicit else (year_before or context_year)
        if year is None:
            continue
        deadline = bool(_DEADLINE_AFTER.match(text, match.end()))
        if groups.get("m") is None:  # 年底
            month, part, day = 12, "底", None
        else:
            month, part, day = int(groups["m"]), groups.get("p"), groups.get("d")
        if not 1 <= month <= 12:
            continue
        date = _day_of(year, month, part, day)
        if date is None:
            continue
        if not explicit and deadline and not_before and date <= not_before:
            date = _day_of(year + 1, month, part, day) or date
        if explicit:
            year_before = year
        found.append(FoundDate(match.group(0).strip(), date, deadline, explicit, start))
    return found


_ONSITE = re.compile(
    _YEAR + r"\s*年?\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?\s*(?:至|到|—+|–|-|~)?\s*"
    r"(?:(?P<y2>(?:19|20)\d{2})\s*年\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
_BARE_DATE = re.compile(r"^(?P<y>(?:19|20)\d{2})(?P<md>\d{2,4})$")


def _bare_date(text: str) -> dt.date | None:
    """A signature date whose 年月日 were lost ("2025520"): accepted when only one reading
    is a real date."""
    match = _BARE_DATE.match(text.replace(" ", ""))
    if not match:
        text_dates = find_dates(text, None)
        whole = [d for d in text_dates if len(d.text) >= len(text.replace(" ", "")) - 1]
        return whole[0].date if whole and whole[0].explicit_year else None
    year, digits = int(match.group("y")), match.group("md")
    readings = set()
    for cut in range(1, len(digits)):
        month, day = digits[:cut], digits[cut:]
        if len(month) > 2 or len(day) > 2 or day.startswith("0") and len(day) == 1:
            continue
        try:
            readings.add(dt.date(year, int(month), int(day)))
        except ValueError:
            continue
    return readings.pop() if len(readings) == 1 else None


# ---------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------

PROBLEM_SECTION_WORDS = (
    "整改落实情况",
    "整改工作落实情况",
    "反馈问题",
    "问题整改",
    "反馈意见整改",
    "存在的问题",
    "存在的主要问题",
    "发现的问题",
    "主要问题",
    "巡察反馈意见",
)
OTHER_SECTION_WORDS = (
    "主体责任",
    "组织落实",
    "组织领导",
    "基本情况",
    "总体情况",
    "下一步",
    "工作打算",
    "计划安排",
    "巩固",
    "意见建议",
)
LONG_TERM_WORDS = ("需长期整改", "需要长期整改", "长期整改", "持续推进", "长效")
# In a progress report these say the work is still going on at the report date.
ONGOING_WORDS = (
    "将持续",
    "持续督促",
    "持续跟进",
    "正督促",
    "正在推进",
    "仍在推进",
    "抓紧推进",
    "基本完成",
    "基本得到解决",
    "基本解决",
    "逐步完成",
    "下一步",
)
PROGRESS_PREFIX = re.compile(
    r"^(?:整改(?:落实)?(?:情况|进展(?:情况)?|结果|措施)|进展情况|落实情况|整改成效)\s*[::]\s*"
)
PROGRESS_REPORT_WORDS = (
    "整改进展情况",
    "整改情况的通报",
    "集中整改进展",
    "整改落实情况",
    "整改工作落实情况",
    "整改情况:",
    "进展情况予以公布",
    "已整改销号",
)
_MEASURE_MARK = re.compile(r"(?:^|(?<=[。;:!?\n]))\s*([一二三四五六七八九十]{1,3})是")
_ABOUT = re.compile(r"^关于\s*[“\"「『](?P<t>.+?)[”\"」』]\s*(?:的)?\s*问题(?P<rest>.*)$")
_SIGNATURE = re.compile(
    r"^(?:中共|中国共产党)?[\u4e00-\u9fa5()]{2,40}(?:党组|党委|党总支|党支部|党工委)$"
)
_TITLE_UNIT = re.compile(r"^(.{2,40}?(?:党组|党委|党总支|党支部|党工委))关于")
_TO_UNIT = re.compile(r"向([\u4e00-\u9fa5]{2,30}?(?:党组|党委|党总支|党支部|党工委))反馈")
_ON_UNIT = re.compile(r"对([\u4e00-\u9fa5]{2,30}?)(?:开展|进行)了?[\u4e00-\u9fa5]{0,6}?巡[察视]")
_NUM = r"(\d+|[一二三四五六七八九十两百]+)"
_ROUND_FULL = re.compile(
    r"[一二三四五六七八九十]+届(?:[\u4e00-\u9fa5]{0,5}?[区市县省州旗]委)?第[一二三四五六七八九十\d]+轮巡[察视]"
)
_ROUND = re.compile(r"(?:[区市县省州旗]委)?第([一二三四五六七八九十\d]+)轮巡[察视]")
_GROUP = re.compile(
    r"(?:[区市县省州旗]委|中央|党组)?(?:第[一二三四五六七八九十\d]+巡[察视]组|巡[察视][一二三四五六七八九十\d]+组)"
)
_KINDS = (
    ("回头看", "lookback"),
    ("专项巡", "special"),
    ("机动巡", "mobile"),
    ("延伸巡", "extended"),
    ("常规巡", "regular"),
)
_COUNT_PATTERNS = (
    (
        ("aspects", "problems"),
        re.compile(_NUM + r"个方面(?:的)?(?:共)?" + _NUM + r"(?:个|项|条)(?:具体)?问题"),
    ),
    (("aspects",), re.compile(_NUM + r"个方面(?:的)?(?:突出)?问题")),
    (
        ("problems",),
        re.compile(r"(?:反馈|指出|发现)[^,。;]{0,20}?问题(?:共)?" + _NUM + r"(?:个|项|条)"),
    ),
    (
        ("closed",),
        re.compile(
            r"已(?:全部)?(?:整改)?(?:销号|完成整改|整改完成|整改到位|办结)(?:的?问题)?(?:共)?"
            + _NUM
            + r"(?:个|项|条)"
        ),
    ),
    (
        ("long_term",),
        re.compile(r"(?:需|需要)?长期(?:坚持)?整改的?(?:问题)?(?:共)?" + _NUM + r"(?:个|项|条)"),
    ),
)
_AS_OF = re.compile(r"截[至止](?:到)?\s*")
_FEEDBACK = re.compile(r"反馈了?(?:巡[察视])?(?:意见|情况)")


# ---------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------


@dataclass
class OutlineResult:
    """What ``parse_outline`` understood of a document."""

    source: str
    draft: dict  # the feedback-format structure, ready for yaml.safe_dump
    counts_found: dict[str, int]  # stated in the text ("3个方面31个问题", "已整改销号26个")
    counts_parsed: dict[str, int]  # counted in the parsed outline
    mismatches: list[str]
    unplaced: list[tuple[int, str]]  # (line number, text) of lines not placed anywhere
    facts: dict[str, tuple[Any, int | None]] = field(default_factory=dict)  # value, line
    missing: list[str] = field(default_factory=list)  # header facts not in the text
    skipped_sections: list[tuple[int, int, str]] = field(default_factory=list)  # first, last
    furniture: list[tuple[int, str]] = field(default_factory=list)  # dropped page furniture
    progress: dict[str, str] = field(default_factory=dict)  # ref → progress text as published
    details: dict[str, str] = field(default_factory=dict)  # ref → problem text (not progress)
    published: dict[str, str] = field(default_factory=dict)  # ref → published numbering path
    long_term: list[str] = field(default_factory=list)  # refs of problems flagged long-term
    notes: list[str] = field(default_factory=list)
    report_date: dt.date | None = None
    is_progress_report: bool = False
    renumbered: bool = False  # refs are running numbers, the published numbering restarts

    def report_lines(self) -> list[str]:
        """The understanding report, one line per item (also the draft's header comment)."""
        out = [f"source: {self.source}"]
        out.append(
            "document: "
            + ("progress report (整改进展情况)" if self.is_progress_report else "feedback / plan")
            + (f", as of {self.report_date}" if self.report_date else "")
        )
        out.append("header facts found in the text:")
        for name, (value, line) in self.facts.items():
            if isinstance(value, dict):
                value = " to ".join(str(v) for v in value.values())
            out.append(f"  {name}: {value}" + (f" (line {line})" if line else ""))
        if self.missing:
            out.append(f"  not in the text, left {PLACEHOLDER}: {', '.join(self.missing)}")
        c = self.counts_parsed
        out.append(
            f"parsed: {c.get('aspects', 0)} aspects, {c.get('categories', 0)} categories, "
            f"{c.get('problems', 0)} problems, {c.get('measures', 0)} measures; "
            f"{c.get('long_term', 0)} problems flagged long-term"
            + (f" ({', '.join(self.long_term)})" if self.long_term else "")
            + f"; measures with a due date from the text: {c.get('measures_due', 0)}, "
            f"due {PLACEHOLDER}: {c.get('measures_due_missing', 0)}"
        )
        if self.counts_found:
            out.append("counts stated in the text vs parsed:")
            for key, value in self.counts_found.items():
                parsed = c.get(key)
                mark = "" if parsed is None else (" ok" if parsed == value else " MISMATCH")
                shown = "not parsed" if parsed is None else f"parsed {parsed}"
                out.append(f"  {key}: text {value}, {shown}{mark}")
        else:
            out.append("counts stated in the text: none found")
        out.append(f"mismatches: {len(self.mismatches)}")
        out += [f"  {line}" for line in self.mismatches]
        if self.skipped_sections:
            out.append("sections skipped (not the problems):")
            out += [
                f"  lines {first}-{last}: {title}" for first, last, title in self.skipped_sections
            ]
        if self.furniture:
            lines = ", ".join(str(n) for n, _ in self.furniture)
            out.append(f"page furniture dropped: {len(self.furniture)} line(s) ({lines})")
        out.append(f"lines not placed: {len(self.unplaced)}")
        out += [f"  line {n}: {_short(text)}" for n, text in self.unplaced]
        if self.details:
            out.append(
                "text under problems that is not progress (the format has no field for it), "
                f"left out of the draft: refs {', '.join(self.details)}"
            )
        if self.renumbered:
            out.append("problem refs are running numbers (the published numbering restarts):")
            pairs = [f"{ref}={path}" for ref, path in self.published.items()]
            out += ["  " + "  ".join(pairs[i : i + 6]) for i in range(0, len(pairs), 6)]
        if self.notes:
            out.append("notes:")
            out += [f"  {note}" for note in self.notes]
        return out


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------


@dataclass
class _Line:
    n: int
    raw: str
    text: str
    head: tuple[int, int, str] | None


@dataclass
class _Node:
    title: str
    n: int
    number: int | None = None
    rank: int | None = None
    children: list[_Node] = field(default_factory=list)
    text: list[tuple[int, str]] = field(default_factory=list)  # problem: body lines
    items: list[tuple[int, str]] = field(default_factory=list)  # problem: numbered measures


def parse_outline(lines: list[str], source: str = "document") -> OutlineResult:
    """Parse the lines of a published document into a draft feedback file and a report."""
    return _Parser(lines, source).run()


def parse_document(path: Path | str) -> OutlineResult:
    """``parse_outline(read_document(path), source=path)``."""
    return parse_outline(read_document(path), source=str(path))


class _Parser:
    def __init__(self, lines: list[str], source: str) -> None:
        self.source = source
        self.lines: list[_Line] = []
        self.furniture: list[tuple[int, str]] = []
        self.unplaced: list[tuple[int, str]] = []
        self.used: set[int] = set()  # lines that gave a header fact or a count
        self.notes: list[str] = []
        self.facts: dict[str, tuple[Any, int | None]] = {}
        self.publish_date: tuple[dt.date, int] | None = None
        self.loose: list[_Line] = []  # lines outside the problems
        self.problem_lines: set[int] = set()  # lines of problem text
        self.count_conflicts: list[str] = []
        self.skipped: list[tuple[int, int, str]] = []
        self.intro: list[_Line] = []
        self.last_problem = 0  # the last problem number seen
        for n, raw in enumerate(lines, start=1):
            text = normalise(raw)
            if not text:
                continue
            if is_furniture(text):
                self.furniture.append((n, raw.strip()))
                if text.startswith(("发布日期", "发布时间", "(时间", "时间")):
                    dates = find_dates(text, None)
                    if dates and dates[0].explicit_year:
                        self.publish_date = (dates[0].date, n)
                continue
            self.lines.append(_Line(n, raw.strip(), text, heading(text)))

    # -- the whole run ------------------------------------------------------------------

    def run(self) -> OutlineResult:
        self._header_facts()
        self.is_progress = self._is_progress_report()
        self.report_date = self._report_date()
        region, section_title = self._problem_region()
        aspects = self._build(region, section_title)
        counts_found = self._counts()
        result = OutlineResult(
            source=self.source,
            draft={},
            counts_found=counts_found,
            counts_parsed={},
            mismatches=[],
            unplaced=[],
            facts=self.facts,
            skipped_sections=self.skipped,
            furniture=self.furniture,
            report_date=self.report_date,
            is_progress_report=self.is_progress,
        )
        result.draft = self._draft(aspects, result)
        result.counts_parsed = self._counts_parsed(result)
        result.mismatches = self._mismatches(result)
        result.unplaced = sorted(self.unplaced)
        result.notes = self.notes
        return result

    # -- header facts -------------------------------------------------------------------

    def _fact(self, name: str, value: Any, n: int | None) -> None:
        if name not in self.facts and value not in (None, ""):
            self.facts[name] = (value, n)
            if n is not None:
                self.used.add(n)

    def _first(self, pattern: re.Pattern, group: int = 0) -> tuple[str, int] | None:
        for line in self.lines:
            match = pattern.search(line.text)
            if match:
                return match.group(group), line.n
        return None

    def _header_facts(self) -> None:
        """Round, group, unit, kind, on-site dates and feedback date, where the text says
        them; the year of context for dates without a year."""
        found = self._first(_ROUND_FULL) or self._first(_ROUND)
        if found:
            self._fact("round", *found)
        found = self._first(_GROUP)
        if found:
            self._fact("group", *found)
        self._unit()
        self._onsite()
        self._feedback_date()
        self._kind()
        self.signature_date = None
        for line in reversed(self.lines[-8:]):
            date = _bare_date(line.text)
            if date:
                self.signature_date = (date, line.n)
                self.used.add(line.n)
                break
        onsite = self.facts.get("onsite", (None, None))[0]
        self.feedback_date = self.facts.get("feedback_date", (None, None))[0]
        self.year = (
            (self.feedback_date.year if self.feedback_date else None)
            or (onsite["start"].year if onsite else None)
            or next(
                (
                    d.date.year
                    for line in self.lines[:10]
                    for d in find_dates(line.text, None)
                    if d.explicit_year
                ),
                None,
            )
            or (self.publish_date[0].year if self.publish_date else None)
        )

    def _unit(self) -> None:
        """The unit: its signature at the end, the title "X党组关于…", "向X党组反馈",
        "对X开展了…巡察", in that order."""
        for line in reversed(self.lines[-15:]):
            if _SIGNATURE.match(line.text) and not line.head:
                self._fact("unit", line.text, line.n)
                return
        if self.lines:
            match = _TITLE_UNIT.match(self.lines[0].text)
            if match:
                self._fact("unit", match.group(1), self.lines[0].n)
                return
        found = self._first(_TO_UNIT, 1) or self._first(_ON_UNIT, 1)
        if found:
            self._fact("unit", *found)

    def _onsite(self) -> None:
        for line in self.lines:
            for match in _ONSITE.finditer(line.text):
                if "巡" not in _sentence_at(line.text, match.start()):
                    continue
                y = int(match.group("y"))
                try:
                    start = dt.date(y, int(match.group("m")), int(match.group("d")))
                    end = dt.date(
                        int(match.group("y2") or y), int(match.group("m2")), int(match.group("d2"))
                    )
                except ValueError:
                    continue
                if start <= end:
                    self._fact("onsite", {"start": start, "end": end}, line.n)
                    return

    def _feedback_date(self) -> None:
        """The last date before "反馈了巡察意见" in its sentence, not one of the on-site days."""
        onsite = self.facts.get("onsite", (None, None))[0]
        year = onsite["start"].year if onsite else None
        for line in self.lines:
            for match in _FEEDBACK.finditer(line.text):
                at = match.start()
                before = line.text[max(line.text.rfind(ch, 0, at) for ch in "。;!?") + 1 : at]
                dates = [
                    d
                    for d in find_dates(before, year)
                    if not (onsite and onsite["start"] <= d.date <= onsite["end"])
                ]
                if dates:
                    self._fact("feedback_date", dates[-1].date, line.n)
                    return

    def _kind(self) -> None:
        """The first kind named (常规/专项/机动/延伸巡察, 回头看), near the top first."""
        for scope in (self.lines[:8], self.lines):
            for line in scope:
                named = [(line.text.find(word), kind) for word, kind in _KINDS if word in line.text]
                if named:
                    self._fact("kind", min(named)[1], line.n)
                    return

    def _is_progress_report(self) -> bool:
        head = " ".join(line.text[:200] for line in self.lines[:6])
        if any(word in head for word in PROGRESS_REPORT_WORDS):
            return True
        return any(PROGRESS_PREFIX.match(line.text) for line in self.lines)

    def _report_date(self) -> dt.date | None:
        if not self.is_progress:
            return None
        for line in self.lines:
            match = _AS_OF.search(line.text)
            if not match:
                continue
            dates = find_dates(line.text[match.end() : match.end() + 16], self.year)
            if dates and dates[0].start == 0:
                self._fact("report_date", dates[0].date, line.n)
                return dates[0].date
        for found in (self.signature_date, self.publish_date):
            if found:
                self._fact("report_date", found[0], found[1])
                return found[0]
        return None

    # -- sections -----------------------------------------------------------------------

    def _problem_region(self) -> tuple[list[_Line], str | None]:
        """The lines holding the problems and the heading of their section."""
        tops = [i for i, line in enumerate(self.lines) if line.head and line.head[0] == 0]
        if not tops:
            self.top_is_aspect = False
            return self.lines, None
        self.loose += self.lines[: tops[0]]  # the preamble
        sections = [
            (self.lines[i], self.lines[i + 1 : j])
            for i, j in zip(tops, tops[1:] + [len(self.lines)], strict=True)
        ]

        def words(title: str, vocabulary: tuple[str, ...]) -> bool:
            return any(word in title for word in vocabulary)

        chosen = [
            k
            for k, (head, _) in enumerate(sections)
            if words(head.text, PROBLEM_SECTION_WORDS) and not words(head.text, OTHER_SECTION_WORDS)
        ]
        if not chosen:  # by content: the sections with 整改情况 paragraphs
            chosen = [
                k
                for k, (head, body) in enumerate(sections)
                if not words(head.text, OTHER_SECTION_WORDS)
                and any(PROGRESS_PREFIX.match(line.text) for line in body)
            ]
        self.top_is_aspect = not chosen
        region: list[_Line] = []
        title = None
        for k, (head, body) in enumerate(sections):
            last = (body[-1] if body else head).n
            if self.top_is_aspect and not words(head.text, OTHER_SECTION_WORDS):
                region += [head, *body]
            elif not self.top_is_aspect and k in chosen:
                region += body
                self.used.add(head.n)
                title = title or _clean_title(head.head[2])[0]
            else:
                self.skipped.append((head.n, last, head.text))
        return region, title

    # -- the outline --------------------------------------------------------------------

    def _build(self, region: list[_Line], section_title: str | None) -> list[_Node]:
        ranks = sorted(
            {line.head[0] for line in region if line.head and (line.head[0] or self.top_is_aspect)}
        )
        if not self.top_is_aspect:
            ranks = [r for r in ranks if r > 0]
        roles: dict[int, str] = {}
        circled = 5 in ranks and len(ranks) >= 3
        if circled:  # "①" is the lowest level: below two others it lists measures
            ranks = [r for r in ranks if r != 5]
            roles[5] = "measure"
        if len(ranks) >= 3:
            roles |= {ranks[0]: "aspect", ranks[1]: "category", ranks[2]: "problem"}
            roles |= {r: "measure" for r in ranks[3:]}
        elif len(ranks) == 2:
            roles |= {ranks[0]: "aspect", ranks[1]: "problem"}
        elif len(ranks) == 1:
            roles |= {ranks[0]: "problem"}
        if roles:
            described = ", ".join(f"{STYLES[r]} = {roles[r]}" for r in sorted(roles))
            self.notes.append(f"numbering understood as: {described}")
        aspects: list[_Node] = []
        aspect = category = problem = None
        pending_title: _Node | None = None
        last_number: dict[int, int] = {}
        seen_first_heading = False
        for line in region:
            role = roles.get(line.head[0]) if line.head else None
            if role:
                rank, number, rest = line.head
                self._check_numbering(line, rank, number, last_number, roles)
                title, inline = _clean_title(rest)
                node = _Node(title, line.n, number, rank)
                pending_title = node if not title else None
                seen_first_heading = True
                if role == "aspect":
                    aspect, category, problem = node, None, None
                    aspects.append(node)
                elif role == "category":
                    if aspect is None:
                        aspect = self._implicit_aspect(section_title, line.n)
                        aspects.append(aspect)
                    category, problem = node, None
                    aspect.children.append(node)
                elif role == "problem":
                    if aspect is None:
                        aspect = self._implicit_aspect(section_title, line.n)
                        aspects.append(aspect)
                    if category is None:
                        category = _Node(aspect.title, line.n)
                        aspect.children.append(category)
                        self.notes.append(
                            f"line {line.n}: no category heading under {aspect.title!r}: "
                            "one category with the aspect's title holds its problems"
                        )
                    problem = node
                    category.children.append(node)
                    if inline:
                        node.text.append((line.n, inline))
                else:  # a measure numbered below the problems
                    if problem is None:
                        self.unplaced.append((line.n, line.raw))
                    else:
                        problem.items.append((line.n, rest))
                    pending_title = None
                continue
            if pending_title is not None:
                pending_title.title, inline = _clean_title(line.text)
                if inline:
                    pending_title.text.append((line.n, inline))
                pending_title = None
                continue
            if problem is not None and not self._is_signature(line):
                problem.text.append((line.n, line.text))
                self.problem_lines.add(line.n)
            elif not seen_first_heading:
                self.intro.append(line)
            elif self._is_signature(line):
                self.used.add(line.n)
            else:
                self.unplaced.append((line.n, line.raw))
        # lines outside the problems are placed when they gave a fact or a count
        for line in self.loose + self.intro:
            if line.n not in self.used and not self._counts_in(line.text):
                self.unplaced.append((line.n, line.raw))
        for aspect in aspects:
            if not aspect.title:
                aspect.title = PLACEHOLDER
            for category in aspect.children:
                if not category.title:
                    category.title = aspect.title
        return aspects

    def _implicit_aspect(self, section_title: str | None, n: int) -> _Node:
        title = section_title or PLACEHOLDER
        self.notes.append(
            f"line {n}: problems without an aspect heading; one aspect titled {title!r} holds them"
        )
        return _Node(title, n)

    def _is_signature(self, line: _Line) -> bool:
        return bool(
            (_SIGNATURE.match(line.text) and len(line.text) <= 40)
            or (self.signature_date and line.n == self.signature_date[1])
        )

    def _check_numbering(
        self, line: _Line, rank: int, number: int, last: dict[int, int], roles: dict
    ) -> None:
        previous = last.get(rank)
        # a parent heading since the last one of this rank allows a restart at 1
        deeper = [r for r in roles if r > rank]
        for r in deeper:
            last.pop(r, None)
        last[rank] = number
        if roles.get(rank) == "problem":
            # problem numbers may run on across categories ((1)…(31)) or restart in each
            running, self.last_problem = self.last_problem, number
            if previous is None and number not in (1, running + 1):
                self.notes.append(
                    f"line {line.n}: {label(rank, number)} follows {label(rank, running)}"
                )
        if previous is None:
            if number != 1 and roles.get(rank) != "problem":
                self.notes.append(f"line {line.n}: {label(rank, number)} opens its level")
            return
        if number == previous + 1:
            return
        if number == 1:
            self.notes.append(
                f"line {line.n}: numbering restarts at {label(rank, 1)} after "
                f"{label(rank, previous)} without a new parent heading"
            )
        else:
            self.notes.append(
                f"line {line.n}: {label(rank, number)} follows {label(rank, previous)}"
            )

    # -- counts -------------------------------------------------------------------------

    def _counts_in(self, text: str) -> list[tuple[str, int]]:
        found = []
        taken: list[tuple[int, int]] = []
        for keys, pattern in _COUNT_PATTERNS:
            for match in pattern.finditer(text):
                if any(match.start() < e and s < match.end() for s, e in taken):
                    continue
                taken.append(match.span())
                for key, token in zip(keys, match.groups(), strict=True):
                    value = chinese_number(token)
                    if value is not None:
                        found.append((key, value))
        return found

    def _counts(self) -> dict[str, int]:
        problem_lines = self.problem_lines
        seen: dict[str, list[tuple[int, int]]] = {}
        for line in self.lines:
            if line.n in problem_lines:
                continue
            for key, value in self._counts_in(line.text):
                seen.setdefault(key, []).append((value, line.n))
                self.used.add(line.n)
        counts: dict[str, int] = {}
        self.count_lines: dict[str, list[int]] = {}
        for key, values in seen.items():
            distinct = Counter(v for v, _ in values)
            counts[key] = distinct.most_common(1)[0][0]
            self.count_lines[key] = [n for _, n in values]
            if len(distinct) > 1:
                where = ", ".join(f"{v} (line {n})" for v, n in values)
                self.count_conflicts.append(f"the text gives different {key} counts: {where}")
        return counts

    def _counts_parsed(self, result: OutlineResult) -> dict[str, int]:
        aspects = result.draft.get("aspects", [])
        categories = [c for a in aspects for c in a["categories"]]
        problems = [p for c in categories for p in c["problems"]]
        measures = [m for p in problems for m in p["measures"]]
        due = [m for m in measures if m["due"] not in (PLACEHOLDER, "long_term")]
        counts = {
            "aspects": len(aspects),
            "categories": len(categories),
            "problems": len(problems),
            "measures": len(measures),
            "long_term": len(result.long_term),
            "measures_due": len(due),
            "measures_due_missing": sum(1 for m in measures if m["due"] == PLACEHOLDER),
        }
        if self.is_progress:
            # problems not flagged long-term are taken as done (已整改销号) at the report date
            counts["closed"] = len(problems) - len(result.long_term)
        return counts

    def _mismatches(self, result: OutlineResult) -> list[str]:
        out = list(self.count_conflicts)
        names = {
            "aspects": "aspects (方面)",
            "problems": "problems (问题)",
            "closed": "closed problems (已整改销号)",
            "long_term": "long-term problems (需长期整改)",
        }
        for key, value in result.counts_found.items():
            parsed = result.counts_parsed.get(key)
            if parsed is not None and parsed != value:
                lines = ", ".join(str(n) for n in self.count_lines.get(key, []))
                extra = ""
                if key == "closed":
                    extra = " (parsed = problems not flagged long-term)"
                out.append(
                    f"{names.get(key, key)}: the text says {value} (line {lines}), "
                    f"parsed {parsed}{extra}"
                )
        found = result.counts_found
        if {"problems", "closed", "long_term"} <= found.keys():
            if found["closed"] + found["long_term"] != found["problems"]:
                out.append(
                    f"the text's own counts do not add up: {found['closed']} closed + "
                    f"{found['long_term']} long-term != {found['problems']} problems"
                )
        return out

    # -- the draft ----------------------------------------------------------------------

    def _draft(self, aspects: list[_Node], result: OutlineResult) -> dict:
        problems = [(a, c, p) for a in aspects for c in a.children for p in c.children]
        numbers = Counter(p.number for _, _, p in problems)
        running = any(count > 1 for count in numbers.values())
        result.renumbered = running
        draft_aspects = []
        index = 0
        for aspect in aspects:
            draft_categories = []
            for category in aspect.children:
                draft_problems = []
                for problem in category.children:
                    index += 1
                    ref = str(index if running else problem.number)
                    path = "".join(
                        label(node.rank, node.number)
                        for node in (aspect, category, problem)
                        if node.rank is not None and node.number is not None
                    )
                    result.published[ref] = path
                    measures = self._measures(problem, ref, result)
                    draft_problems.append(
                        {"ref": ref, "title": problem.title or PLACEHOLDER, "measures": measures}
                    )
                if not category.children:
                    self.notes.append(
                        f"line {category.n}: category {category.title!r} has no problem"
                    )
                draft_categories.append({"title": category.title, "problems": draft_problems})
            if not aspect.children:
                self.notes.append(f"line {aspect.n}: aspect {aspect.title!r} has no problem")
                draft_categories.append({"title": aspect.title, "problems": []})
            draft_aspects.append({"title": aspect.title, "categories": draft_categories})
        if not problems:
            self.notes.append(
                "no numbered problems were found: the document is not in the outline style "
                "(一、/(一)/1./(1)) or its problem section was not recognised"
            )
        return {
            "inspection": self._inspection(result),
            "people": [
                {"id": PLACEHOLDER, "name": PLACEHOLDER, "roles": ["leader"], "contacts": []}
            ],
            "departments": [{"id": PLACEHOLDER, "name": PLACEHOLDER}],
            "aspects": draft_aspects,
        }

    def _inspection(self, result: OutlineResult) -> dict:
        facts = self.facts
        missing = result.missing

        def fact(name: str) -> Any:
            if name in facts:
                return facts[name][0]
            missing.append(name)
            return PLACEHOLDER

        round_ = fact("round")
        onsite = facts.get("onsite", (None, None))[0]
        if onsite is None:
            missing.append("onsite")
        feedback = facts.get("feedback_date", (None, None))[0]
        if feedback is None:
            missing.append("feedback_date")
        year = (feedback.year if feedback else None) or (onsite["start"].year if onsite else None)
        slug = "inspection" + (f"-{year}" if year else "")
        match = _ROUND.search(round_) if round_ != PLACEHOLDER else None
        if match and chinese_number(match.group(1)):
            slug += f"-r{chinese_number(match.group(1))}"
        if slug == "inspection":
            slug = "inspection-draft"
        header = {
            "id": slug,
            "round": round_,
            "group": fact("group"),
            "unit": fact("unit"),
            "kind": fact("kind"),
            "onsite": {
                "start": onsite["start"].isoformat() if onsite else PLACEHOLDER,
                "end": onsite["end"].isoformat() if onsite else PLACEHOLDER,
            },
            "feedback_date": feedback.isoformat() if feedback else PLACEHOLDER,
            "timezone": "Asia/Shanghai",
        }
        return header

    def _measures(self, problem: _Node, ref: str, result: OutlineResult) -> list[dict]:
        body = [(n, PROGRESS_PREFIX.sub("", text)) for n, text in problem.text]
        has_prefix = any(PROGRESS_PREFIX.match(text) for _, text in problem.text)
        full = "\n".join(text for _, text in body).strip()
        as_progress = self.is_progress or has_prefix
        segments: list[str] = []
        if full and as_progress:
            result.progress[ref] = full
            segments = self._split(body, ref)
        elif full:
            result.details[ref] = full
        segments += [text for _, text in problem.items]
        segments = [s for s in (_clean_measure(s) for s in segments) if s]
        if not segments:
            segments = [PLACEHOLDER]
        measures = []
        flagged = False
        for text in segments:
            measure: dict[str, Any] = {"text": text}
            measure |= {name: PLACEHOLDER for name in RESPONSIBILITY_FIELDS}
            due, checkpoint = self._due(text)
            measure["due"] = due
            if due == "long_term":
                measure["checkpoint"] = checkpoint
                flagged = True
            measures.append(measure)
        if flagged:
            result.long_term.append(ref)
        return measures

    def _split(self, body: list[tuple[int, str]], ref: str) -> list[str]:
        """The "一是…二是…" measures of a progress text; the whole text when it has none."""
        segments: list[str] = []
        ordinals: list[int] = []
        for n, text in body:
            if segments and text.startswith("是") and not text.startswith("是否"):
                # "二是…" whose ordinal was lost in the published page
                self.notes.append(f"line {n}: problem {ref}: a measure marker lost its ordinal")
                segments.append(text[1:])
                ordinals.append(0)
                continue
            position = 0
            for mark in _MEASURE_MARK.finditer(text):
                if segments:  # text before the first marker is an introduction
                    segments[-1] += text[position : mark.start()]
                segments.append("")
                ordinals.append(chinese_number(mark.group(1)) or 0)
                position = mark.end()
            if segments:
                segments[-1] += text[position:]
        if not segments:
            return ["".join(text for _, text in body)]
        known = [o for o in ordinals if o]
        if known != list(range(1, len(known) + 1)):
            shown = "".join(_to_chinese(o) if o else "?" for o in ordinals)
            self.notes.append(f"problem {ref}: measure ordinals {shown} are not 一二三… in order")
        return segments

    def _due(self, text: str) -> tuple[Any, Any]:
        """(due, checkpoint) of a measure from its wording and the dates it names."""
        dates = find_dates(text, self.year, self.feedback_date)
        words = LONG_TERM_WORDS + (ONGOING_WORDS if self.is_progress else ())
        future = (
            sorted(d.date for d in dates if d.date > self.report_date) if self.report_date else []
        )
        deadlines = sorted(
            d.date
            for d in dates
            if d.deadline and (self.feedback_date is None or d.date > self.feedback_date)
        )
        if future or any(word in text for word in words):
            checkpoint = (future or deadlines or [None])[0]
            return "long_term", checkpoint.isoformat() if checkpoint else PLACEHOLDER
        if deadlines:
            return deadlines[-1].isoformat(), None
        if not self.is_progress and self.feedback_date:
            later = sorted(d.date for d in dates if d.date > self.feedback_date)
            if later:
                return later[-1].isoformat(), None
        return PLACEHOLDER, None


def _sentence_at(text: str, at: int) -> str:
    start = max(text.rfind(ch, 0, at) for ch in "。;!?") + 1
    ends = [i for i in (text.find(ch, at) for ch in "。;!?") if i >= 0]
    return text[start : min(ends) if ends else len(text)]


def _clean_title(rest: str) -> tuple[str, str]:
    """(title, inline text) of a heading: "关于“X”的问题,…" → X; "X。整改情况:…" → X and the
    progress; "X。more" → X and the rest."""
    rest = rest.strip()
    match = _ABOUT.match(rest)
    if match:
        return match.group("t").strip(), ""
    prefix = re.search(r"(?:整改(?:落实)?(?:情况|进展(?:情况)?|结果|措施)|进展情况)\s*[::]", rest)
    if prefix and prefix.start() > 0:
        return rest[: prefix.start()].strip().rstrip("。.;,:"), rest[prefix.start() :]
    if "。" in rest:
        title, _, more = rest.partition("。")
        return title.strip(), more.strip()
    return rest.rstrip("。.;,:").strip(), ""


def _clean_measure(text: str) -> str:
    text = "".join(part.strip() for part in text.split("\n"))
    return text.strip().strip("。;,、").strip()


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def write_draft(result: OutlineResult, out_path: Path | str) -> Path:
    """Write the draft as YAML with the understanding report as its header comment."""
    out_path = Path(out_path)
    header = [
        f"# Draft feedback file (feedback-format.md) made by `rectify intake` from {result.source}.",
        f"# Every {PLACEHOLDER} is something the document does not say: fill in people,",
        "# departments, the four responsibility fields of every measure and the missing dates,",
        "# then `rectify import` this file. The importer refuses it while any is left.",
        "#",
        *("# " + line if line else "#" for line in result.report_lines()),
        "",
    ]
    body = yaml.safe_dump(result.draft, allow_unicode=True, sort_keys=False, width=100)
    inspection_id = result.draft.get("inspection", {}).get("id")
    if inspection_id:
        body = body.replace(
            f"  id: {inspection_id}\n",
            f"  id: {inspection_id}  # derived from the year and round: edit it (other files refer to it)\n",
            1,
        )
    out_path.write_text("\n".join(header) + body, encoding="utf-8")
    return out_path
