"""The vocabulary of published documents (词表): the words and patterns the parser matches
for sections, progress, long-term work, header facts and stated counts."""

from __future__ import annotations

import re

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
MEASURE_MARK = re.compile(r"(?:^|(?<=[。;:!?\n]))\s*([一二三四五六七八九十]{1,3})是")
ABOUT = re.compile(r"^关于\s*[“\"「『](?P<t>.+?)[”\"」』]\s*(?:的)?\s*问题(?P<rest>.*)$")
SIGNATURE = re.compile(
    r"^(?:中共|中国共产党)?[\u4e00-\u9fa5()]{2,40}(?:党组|党委|党总支|党支部|党工委)$"
)
TITLE_UNIT = re.compile(r"^(.{2,40}?(?:党组|党委|党总支|党支部|党工委))关于")
TO_UNIT = re.compile(r"向([\u4e00-\u9fa5]{2,30}?(?:党组|党委|党总支|党支部|党工委))反馈")
ON_UNIT = re.compile(r"对([\u4e00-\u9fa5]{2,30}?)(?:开展|进行)了?[\u4e00-\u9fa5]{0,6}?巡[察视]")
_NUM = r"(\d+|[一二三四五六七八九十两百]+)"
ROUND_FULL = re.compile(
    r"[一二三四五六七八九十]+届(?:[\u4e00-\u9fa5]{0,5}?[区市县省州旗]委)?第[一二三四五六七八九十\d]+轮巡[察视]"
)
ROUND = re.compile(r"(?:[区市县省州旗]委)?第([一二三四五六七八九十\d]+)轮巡[察视]")
GROUP = re.compile(
    r"(?:[区市县省州旗]委|中央|党组)?(?:第[一二三四五六七八九十\d]+巡[察视]组|巡[察视][一二三四五六七八九十\d]+组)"
)
KINDS = (
    ("回头看", "lookback"),
    ("专项巡", "special"),
    ("机动巡", "mobile"),
    ("延伸巡", "extended"),
    ("常规巡", "regular"),
)
COUNT_PATTERNS = (
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
COUNT_PATTERNS += (
    (
        ("measures",),
        re.compile(r"(?:制定|明确|提出)?(?:具体)?整改措施(?:共)?" + _NUM + r"(?:条|项)"),
    ),
    (("measures",), re.compile(_NUM + r"(?:条|项)(?:具体)?整改措施")),
)
AS_OF = re.compile(r"截[至止](?:到)?\s*")
FEEDBACK = re.compile(r"反馈了?(?:巡[察视])?(?:意见|情况)")
