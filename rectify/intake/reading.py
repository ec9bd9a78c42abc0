"""Reading a published document (文稿) into lines: .docx paragraphs or .txt / .md lines,
normalised (full width, traditional characters, markdown markers), with the page furniture of
government web pages recognised."""

from __future__ import annotations

import re
from pathlib import Path

from rectify.core.inputs import InputRefused, read_bytes, too_many
from rectify.core.settings import get_settings


class UnsupportedDocument(ValueError):
    """A file ``read_document`` cannot read (type or encoding)."""


def read_document(path: Path | str) -> list[str]:
    """The document's lines: paragraphs of a .docx, lines of a .txt / .md (UTF-8 or GB18030).

    Line numbers in the report are 1-based positions in this list. A paragraph numbered by
    Word's automatic list numbering starts with the label it displays ("一、", "(一)", "1.").
    A document past the input limits (size, unpacked size, lines) is refused unread.
    """
    path = Path(path)
    try:
        lines = _read_lines(path)
    except InputRefused as exc:
        raise UnsupportedDocument(exc.located) from None
    if len(lines) > get_settings().max_input_nodes:
        raise UnsupportedDocument(too_many())
    return lines


def read_source(path: Path | str):
    """The paragraphs and tables of a .docx, or the sheets of an .xlsx (``tables.Source``);
    ``UnsupportedDocument`` with a Chinese message when it cannot be read or is too large."""
    from rectify.intake.tables import UnreadableTable, read_docx, read_xlsx

    path = Path(path)
    reader = read_xlsx if path.suffix.lower() == ".xlsx" else read_docx
    try:
        source = reader(path)
    except InputRefused as exc:
        raise UnsupportedDocument(exc.located) from None
    except UnreadableTable as exc:
        raise UnsupportedDocument(str(exc)) from None
    except Exception as exc:  # a package whose parts say what no office file says
        raise UnsupportedDocument(
            f"文档内部结构无法解析（{type(exc).__name__}）：请用 Word 或 Excel 另存后再试"
        ) from None
    if len(source.lines) > get_settings().max_input_nodes:
        raise UnsupportedDocument(too_many())
    return source


def _read_lines(path: Path) -> list[str]:
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return read_source(path).lines
    if suffix in (".txt", ".md", ".markdown", ".text"):
        data = read_bytes(path)
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnsupportedDocument("无法读取文本：既不是 UTF-8 也不是 GB18030 编码")
        return text.splitlines()
    raise UnsupportedDocument(
        f"不支持的文件类型“{suffix or '（无扩展名）'}”：请使用 .docx、.xlsx、.txt 或 .md"
    )


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
