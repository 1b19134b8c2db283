"""Cell values as they really come out of Excel, WPS and CSV files, turned into clean values.

A cell arrives as whatever the reader gives: str (always, for CSV), float (Excel keeps every number
as a float, so 13800138000 comes as 13800138000.0), int (some .xls cells), bool, date/datetime
(cells formatted as dates), time/timedelta, or None. Each parser here takes any of those and either
returns a clean value or raises ValueError with one short Chinese line naming the problem and the
value, which the import shows next to the row number and column header.

Parsers whose result has a natural "nothing" return it for a blank cell (parse_phone and
parse_gender → "", parse_birthday → None, split_tags → []); the others (dates, money, numbers,
yes/no) raise on a blank cell, so the caller decides what a blank means — use `is_blank()` first.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Container
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from services.birthday import Birthday, read_birthday
from services.i18n import t
from services.text import fold, normalize_phone
from services.timeline import parse_money as parse_money_text

# Full-width letters and digits (ＡＢＣ１２３) and odd spaces are folded; full-width punctuation
# (，。：（）) is left alone, because in Chinese text it is the normal punctuation.
_SAFE_FOLD: dict[int, int | str | None] = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)}
_SAFE_FOLD.update({code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)})
_SAFE_FOLD.update({code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)})
_SAFE_FOLD.update({0x3000: " ", 0x00A0: " ", 0x200B: None, 0x2060: None, 0xFEFF: None})

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 61 = 1900-03-01, with Excel's phantom 1900-02-29 at 60
_EPOCH_1904 = date(1904, 1, 1)
MAX_SERIAL = 100_000  # 2173-10-14: later serials are numbers that are not dates
MIN_DATE = date(1900, 1, 1)
MAX_DATE = _EXCEL_EPOCH + timedelta(days=MAX_SERIAL)

_MOBILE_DIGITS = re.compile(r"1[3-9]\d{9}")  # a mobile number as stored
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?[eE][+-]?\d+")
_YMD = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:(?:\s+|T)(?P<hh>\d{1,2})[:：](?P<mm>\d{2})(?:[:：](?P<ss>\d{2})(?:\.\d+)?)?)?"
)
_COMPACT_YMD = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")  # a date column later formatted as text shows serials

_MALE = frozenset({"男", "男士", "男性", "男生", "先生", "m", "male", "man", "mr", "mr."})
_FEMALE = frozenset({"女", "女士", "女性", "女生", "小姐", "f", "female", "woman", "ms", "ms.", "mrs", "mrs.",
                     "miss"})
_UNKNOWN_GENDER = frozenset({"未知", "保密", "不详", "-", "—", "/"})

_TRUE = frozenset({"是", "yes", "y", "true", "1", "√", "✓", "✔", "对"})
_FALSE = frozenset({"否", "no", "n", "false", "0", "×", "✗", "✘", "错"})

_TAG_SEPARATORS = re.compile(r"[；;，,、/|｜／\s]+")
_INT_TEXT = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+|[+-]?\d+")


# ---- text ----------------------------------------------------------------------------------------

def cell_text(value: object) -> str:
    """The text a cell shows, for headers, names and free text.

    None → ""; whole floats lose their ".0" (13800138000.0 → "13800138000"); dates → ISO
    (1990-05-01, or 1990-05-01 14:30:00 with a time); True/False → 是/否; text is stripped, with
    full-width letters and digits folded (ＶＩＰ → VIP) but Chinese punctuation left as typed.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value.translate(_SAFE_FOLD).strip()
    if isinstance(value, bool):
        return t("是") if value else t("否")
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, int):
        return str(value)  # ValueError past Python's 4,300-digit limit: no spreadsheet holds that
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def is_blank(value: object) -> bool:
    """True for None, "" and text that is only spaces (what the user sees as an empty cell)."""
    return value is None or (isinstance(value, str) and not value.translate(_SAFE_FOLD).strip())


def _float_text(value: float) -> str:
    if math.isnan(value):
        return ""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return format(value, ".15g")  # Excel shows 15 significant digits: 0.30000000000000004 → 0.3


def _scientific_label(value: float) -> str:
    """How Excel shows a large number in a narrow column: 1.38E+10."""
    mantissa, exponent = f"{value:.5E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E{exponent[0]}{int(exponent[1:]):02d}"


def _refuse_bool(value: object, what: str) -> None:
    if isinstance(value, bool):
        raise ValueError(t("{what}“{text}”看不懂", what=what, text=cell_text(value)))


def _whole_number(value: float | int, what: str) -> int:
    """An int from a number cell, refusing nan/inf and fractions."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(t("{what}“{text}”不是数字", what=what, text=cell_text(value)))
        if not value.is_integer():
            raise ValueError(t("{what}“{text}”不是整数", what=what, text=cell_text(value)))
        return int(value)
    return value


# ---- phone ---------------------------------------------------------------------------------------

def parse_phone(value: object) -> str:
    """The phone as stored (digits, or +digits abroad), from a number or text cell; blank → "".

    A phone stored as a number lost its digits when Excel shows it as 1.38E+10 and someone typed
    or saved what was shown: that is refused, with what to do about it. A landline stored as a
    number lost its leading 0 (02188886666 → 2188886666): the 0 is put back.
    """
    _refuse_bool(value, t("手机号"))
    if isinstance(value, float | int):
        return _phone_from_number(value)
    text = fold(cell_text(value))
    if not text:
        return ""
    if _SCIENTIFIC.fullmatch(text.replace(" ", "")):
        raise ValueError(_scientific_message(text.replace(" ", "").upper()))
    compact = re.sub(r"[\s\-()（）]", "", text)
    if re.fullmatch(r"\d{7,15}\.0+", compact):  # 13800138000.0, as some programs write numbers
        text = compact.split(".")[0]
    elif re.fullmatch(r"86(1[3-9]\d{9})", compact):  # +86 without its plus sign
        text = compact[2:]
    return normalize_phone(text)


def _phone_from_number(value: float | int) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(t("手机号“{raw}”不是数字", raw=cell_text(value)))
    if value < 0:
        raise ValueError(t("手机号“{raw}”格式不对：不能是负数", raw=cell_text(value)))
    if value >= 1e15:
        if isinstance(value, float):
            raise ValueError(_scientific_message(_scientific_label(value)))
        raise ValueError(t("手机号的位数太多了"))
    digits = str(value if isinstance(value, int) else _whole_number(value, t("手机号")))
    if _MOBILE_DIGITS.fullmatch(digits) and not digits.endswith("000000"):
        return digits  # the common case, as normalize_phone would give it
    if len(digits) >= 11 and len(digits) - len(digits.rstrip("0")) >= 6:
        # 13800000000: an 11-digit mobile ending in six zeros is a number Excel rounded for display
        raise ValueError(_scientific_message(_scientific_label(float(value))))
    if re.fullmatch(r"[2-9]\d{8,10}", digits):
        digits = "0" + digits  # a landline whose leading 0 Excel dropped
    elif re.fullmatch(r"86(1[3-9]\d{9})", digits):
        digits = digits[2:]
    return normalize_phone(digits)


def _scientific_message(label: str) -> str:
    return t("手机号被 Excel 存成了科学计数法（{label}），后几位已经丢失，请把这一列设为文本后重新输入",
             label=label)


# ---- dates ---------------------------------------------------------------------------------------

def parse_date(value: object, *, epoch_1904: bool = False) -> date:
    """A date from an Excel date, a serial number (32874 → 1990-01-01) or text (1990/5/1,
    1990-05-01, 1990.5.1, 1990年5月1日, 19900501, 2024-05-01 14:30 — the time is ignored)."""
    _refuse_bool(value, t("日期"))
    if isinstance(value, datetime):
        return _in_range(value.date(), cell_text(value))
    if isinstance(value, date):
        return _in_range(value, cell_text(value))
    if isinstance(value, float | int):
        return _date_from_number(value, epoch_1904)
    if isinstance(value, time | timedelta):
        raise ValueError(t("“{text}”是时间，不是日期", text=cell_text(value)))
    text = fold(cell_text(value))
    if not text:
        raise ValueError(t("日期是空的"))
    ymd = _ymd_from_text(text)
    if ymd is not None:
        return _checked_date(*ymd, text=text)
    if _SERIAL_TEXT.fullmatch(text):
        return _date_from_serial(float(text), epoch_1904, text)
    raise ValueError(t("看不懂日期“{text}”：请写成 1990-05-01", text=text))


def _ymd_from_text(text: str) -> tuple[int, int, int] | None:
    match = _YMD.fullmatch(text) or _COMPACT_YMD.fullmatch(text)
    if match is None:
        return None
    return int(match["y"]), int(match["m"]), int(match["d"])


def _checked_date(year: int, month: int, day: int, *, text: str) -> date:
    try:
        result = date(year, month, day)
    except ValueError:
        raise ValueError(t("日期“{text}”不存在", text=text)) from None
    return _in_range(result, text)


def _in_range(result: date, text: str) -> date:
    if not MIN_DATE <= result <= MAX_DATE:
        raise ValueError(t("日期“{text}”不在1900年到2173年之间", text=text))
    return result


def _date_from_number(value: float | int, epoch_1904: bool) -> date:
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(t("日期“{text}”不是数字", text=cell_text(value)))
    if not -1e12 < value < 1e12:
        raise ValueError(t("这个数字太大了，不是日期"))
    text = cell_text(value)
    if isinstance(value, int) or value.is_integer():
        ymd = _COMPACT_YMD.fullmatch(str(int(value))) if 19000101 <= value <= 21731231 else None
        if ymd is not None:  # 19900501 typed as a number
            return _checked_date(int(ymd["y"]), int(ymd["m"]), int(ymd["d"]), text=text)
    return _date_from_serial(float(value), epoch_1904, text)


def _date_from_serial(serial: float, epoch_1904: bool, text: str) -> date:
    """Excel's day number; a fraction (the time of day) is ignored."""
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(t("“{text}”不是日期：Excel 的日期序号应在1到{most}之间", text=text, most=MAX_SERIAL))
    days = int(serial)
    if epoch_1904:
        return _in_range(_EPOCH_1904 + timedelta(days=days), text)
    if days == 60:
        raise ValueError(t("日期“{text}”是 Excel 里并不存在的1900年2月29日", text=text))
    if days < 60:  # before Excel's phantom leap day
        return _in_range(_EXCEL_EPOCH + timedelta(days=days + 1), text)
    return _in_range(_EXCEL_EPOCH + timedelta(days=days), text)


def parse_datetime(value: object, *, epoch_1904: bool = False) -> datetime:
    """A date and time of day, from what parse_date reads; the time is kept (a serial's fraction,
    or 2024-05-01 14:30 in text), and is midnight when there is none."""
    _refuse_bool(value, t("时间"))
    if isinstance(value, datetime):
        _in_range(value.date(), cell_text(value))
        return value.replace(tzinfo=None)
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        day = parse_date(value, epoch_1904=epoch_1904)
        seconds = round((value - math.floor(value)) * 86_400)
        return datetime.combine(day, time(0)) + timedelta(seconds=min(seconds, 86_399))
    if isinstance(value, str):
        text = fold(cell_text(value))
        match = _YMD.fullmatch(text)
        if match is not None and match["hh"] is not None:
            day = _checked_date(int(match["y"]), int(match["m"]), int(match["d"]), text=text)
            hour, minute, second = int(match["hh"]), int(match["mm"]), int(match["ss"] or 0)
            if hour > 23 or minute > 59 or second > 59:
                raise ValueError(t("时间“{text}”不存在", text=text))
            return datetime.combine(day, time(hour, minute, second))
    return datetime.combine(parse_date(value, epoch_1904=epoch_1904), time(0))


def parse_birthday(value: object, *, epoch_1904: bool = False) -> Birthday | None:
    """A birthday from anything parse_date reads, or a month and day with no year (5月1日, 05-01,
    5/1 — kept without a year), solar or 农历/阴历 (农历1988-08-15, 农历八月十五, 农历闰四月初三), and
    every form an export writes (Birthday.label(): 05-01, 农历 1988 八月十五, 农历 闰四月初三).
    Blank → None; an impossible one (2月30日) → ValueError with the birthday's own message."""
    _refuse_bool(value, t("生日"))
    if isinstance(value, float | int):
        if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
            raise ValueError(_birthday_unreadable(cell_text(value)))  # 5.1 typed as a number
        day = parse_date(value, epoch_1904=epoch_1904)
        return _valid(Birthday(day.month, day.day, day.year), cell_text(value))
    if isinstance(value, date):
        day = parse_date(value)
        return _valid(Birthday(day.month, day.day, day.year), cell_text(value))
    if isinstance(value, time | timedelta):
        raise ValueError(_birthday_unreadable(cell_text(value)))
    raw = cell_text(value)
    text = fold(raw)
    if not text:
        return None
    birthday = _birthday_from_text(text, epoch_1904)
    if birthday is None:
        raise ValueError(_birthday_unreadable(raw))
    return _valid(birthday, raw)


def _birthday_from_text(text: str, epoch_1904: bool) -> Birthday | None:
    """Every form services.birthday reads (so every birthday an export writes reads back the same),
    or a date column later formatted as text, which shows Excel's serial number (32874)."""
    birthday = read_birthday(text)
    if birthday is None and _SERIAL_TEXT.fullmatch(text):
        day = parse_date(text, epoch_1904=epoch_1904)
        return Birthday(day.month, day.day, day.year)
    return birthday


def _valid(birthday: Birthday, text: str) -> Birthday:
    try:
        return birthday.validate()
    except ValueError as error:
        raise ValueError(t("生日“{text}”不对：{reason}", text=text, reason=error)) from None


def _birthday_unreadable(text: str) -> str:
    return t("看不懂生日“{text}”：请写成 1990-05-01 或 5月1日", text=text)


# ---- money and numbers ---------------------------------------------------------------------------

def parse_money(value: object) -> int:
    """Cents from 1280.5, "￥1,280.50", "¥1280", "1280元", "1,280", "1.28万" (12,800 元); negative
    amounts are refused, and so is a blank cell."""
    _refuse_bool(value, t("金额"))
    if isinstance(value, float | int):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(t("金额“{text}”不是数字", text=cell_text(value)))
        if value >= 1e12:  # past this the text of the number is not worth showing
            raise ValueError(t("金额太大了（最多一亿元）"))
        return parse_money_text(format(value, ".15g") if isinstance(value, float) else str(value))
    raw = cell_text(value)
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise ValueError(t("金额是空的"))
    text = re.sub(r"^(?:rmb|cny|人民币)\s*", "", text, flags=re.IGNORECASE)
    wan = re.fullmatch(r"([￥¥]?\s*[\d,，.]+)\s*万\s*元?", text)
    if wan:
        cleaned = re.sub(r"[￥¥,，\s]", "", wan[1])
        try:
            amount = Decimal(cleaned) * 10_000
        except InvalidOperation:
            raise ValueError(t("金额“{text}”不是数字", text=raw)) from None
        return parse_money_text(f"{amount:f}")
    try:
        return parse_money_text(text)
    except ValueError as error:
        if "不是数字" in str(error):
            raise ValueError(t("金额“{text}”不是数字", text=raw)) from None
        raise


def parse_int(value: object, *, minimum: int | None = None) -> int:
    """A whole number from 3, 3.0, "3", " 1,200 "; fractions, text and blanks are refused."""
    _refuse_bool(value, t("数字"))
    if isinstance(value, float | int):
        number = _whole_number(value, t("数字"))
    else:
        text = unicodedata.normalize("NFKC", cell_text(value)).strip()
        if not text:
            raise ValueError(t("数字是空的"))
        compact = re.sub(r"\.0+$", "", text.replace(" ", ""))
        if not _INT_TEXT.fullmatch(compact) or len(compact) > 18:
            raise ValueError(t("“{text}”不是整数", text=text))
        number = int(compact.replace(",", ""))
    if minimum is not None and number < minimum:
        raise ValueError(t("“{text}”不能小于{minimum}", text=cell_text(value), minimum=minimum))
    return number


def parse_bool(value: object) -> bool:
    """是/否, yes/no, y/n, true/false, 1/0, √/× (and ✓ ✔ ✗ ✘, 对/错); a blank cell is refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if not text:
        raise ValueError(t("是/否是空的"))
    raise ValueError(t("“{text}”看不懂：请填 是 或 否", text=cell_text(value)))


# ---- choices -------------------------------------------------------------------------------------

def parse_gender(value: object) -> str:
    """男/女 from 男, 女, 先生, 女士, 小姐, M, F, male, female, man, woman (any case); blank, 未知 or
    保密 → "" (not known)."""
    text = unicodedata.normalize("NFKC", cell_text(value)).strip().lower()
    if text in _MALE:
        return "男"
    if text in _FEMALE:
        return "女"
    if not text or text in _UNKNOWN_GENDER:
        return ""
    raise ValueError(t("性别“{text}”看不懂：请填 男 或 女", text=cell_text(value)))


def split_tags(value: object, labels: Container[str] = ()) -> list[str]:
    """Tags from one cell: split on ； ; ， , 、 / | and spaces, stripped, each kept once in order.
    A "组/标签" piece that is one of `labels` (how the export names a tag whose name two groups
    share) stays whole."""
    text = cell_text(value)
    if "/" in text and labels:
        pieces = [p for p in re.split(r"[；;，,、|｜\s]+", text) if p]
        tags = []
        for piece in pieces:
            tags += [piece] if piece in labels else [t for t in _TAG_SEPARATORS.split(piece) if t]
        return list(dict.fromkeys(tags))
    return list(dict.fromkeys(tag for tag in _TAG_SEPARATORS.split(text) if tag))
