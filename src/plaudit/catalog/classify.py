"""Column classifier: name, comment, SQL type and table context -> a taxonomy category with evidence.

The knowledge lives in `terms/*.yaml` (English words and phrases, Chinese terms, tails, type
constraints, context vocabularies); this module only knows how to read a column with them:

* **name**: split into tokens (snake_case, camelCase, PascalCase, digits; glued words such as
  `phonenumber` are re-split with the dictionary vocabulary). The *head* of an English compound is its
  last noun, so the rightmost dictionary match decides, and what follows it says whether the column
  holds the value (`phone_no`, `password_hash`) or something about it (`phone_type`, `email_verified`,
  `customer_id`, `create_time`). Tokens that are not English are tried as pinyin: initials and full
  pinyin are derived from every Chinese term with pypinyin, so `khsjhm` (客户手机号码) matches
  although no dictionary lists it.
* **comment**: Chinese comments are strong evidence, matched by longest dictionary term; the last
  term is the head and a following 时间/状态/类型… negates it. English comments are weaker evidence.
* **type**: a `timestamp` is never a phone number; `inet` is an IP address by itself.
* **table context**: generic words (`name`, `city`, `amount`) only count in a table about people,
  next to address columns, or in a table of a person's money; a `name` in `product` or `role` is not
  a person's name, an `amount` in a fee definition is not a person's transaction, and money columns of
  loan tables are credit records. Siblings count as context too: a bill that a person pays part of
  (`paid_by_patient`) makes its other amounts and costs the person's; a loan amount (`principal_amount`,
  贷款金额) makes the rows loans, whose interest rate is a credit record; NLP output over notes coded
  with a clinical vocabulary is health data.

Every verdict carries its `Evidence`, negative evidence included when it changed the outcome.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from plaudit.model import Classification, Column, Evidence, Table

# The C loader (libyaml) reads the dictionaries several times faster; both are safe loaders.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_HERE = Path(__file__).parent
_TERMS_DIR = _HERE / "terms"
_TAXONOMY = _HERE / "taxonomy.yaml"

DEFAULT_WEIGHT = 0.9
WEAK_WEIGHT = 0.45

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ALL_CJK = re.compile(r"[\u4e00-\u9fff]+")
_CAMEL1 = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL2 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_ALPHA_DIGIT = re.compile(r"([A-Za-z])(\d)")
_DIGIT_ALPHA = re.compile(r"(\d)([A-Za-z])")
_NON_ALNUM = re.compile(r"[^A-Za-z0-9]+")
_ZH_CORE_END = re.compile(r"[(（:：;；\[【<《]")
_TYPE_NAME = re.compile(r"^[\"`]?([a-z_ .]+)")
# A loan's amount in a Chinese comment (贷款金额, 借款本金): the rows of the table are loans.
_ZH_LOAN_AMOUNT = re.compile(r"(贷款|借款)(金额|本金)")


def split_words(text: str) -> list[str]:
    """Split a name: `customerEmail` -> customer email; `NationalIDNumber` -> national id number; `mobile_no2`
    -> mobile no 2."""
    s = _CAMEL1.sub(r"\1_\2", text)
    s = _CAMEL2.sub(r"\1_\2", s)
    s = _ALPHA_DIGIT.sub(r"\1_\2", s)
    s = _DIGIT_ALPHA.sub(r"\1_\2", s)
    return [t.lower() for t in _NON_ALNUM.split(s) if t]


def type_class(sql_type: str) -> str:
    """Reduce a SQL type as written to the classes the dictionaries speak of."""
    t = (sql_type or "").strip().lower()
    if not t:
        return "unknown"
    if t.endswith("[]"):
        return "array"
    if "enum" in t:
        return "enum"
    m = _TYPE_NAME.match(t)
    base = (m.group(1) if m else t).strip().split(".")[-1].strip()
    if t in ("bit(1)", "tinyint(1)") or base in ("bool", "boolean"):
        return "bool"
    if base in ("bigint", "bigserial", "int8"):
        return "bigint"
    if base in (
        "int",
        "integer",
        "smallint",
        "tinyint",
        "mediumint",
        "serial",
        "smallserial",
        "int2",
        "int4",
        "uint",
    ):
        return "int"
    if base in ("decimal", "numeric", "money", "number", "dec"):
        return "numeric"
    if base in ("float", "double", "double precision", "real", "float4", "float8"):
        return "float"
    if base == "date":
        return "date"
    if base.startswith(("timestamp", "datetime")):
        return "datetime"
    if base.startswith(("time", "interval")):
        return "time"
    if base in ("bytea", "blob", "longblob", "mediumblob", "tinyblob", "binary", "varbinary", "image", "raw"):
        return "binary"
    if base == "uuid" or base == "uniqueidentifier":
        return "uuid"
    if base in ("inet", "cidr"):
        return "inet"
    if base in ("json", "jsonb"):
        return "json"
    if base == "xml":
        return "xml"
    if base in ("geometry", "geography", "point", "polygon"):
        return "geo"
    if base == "bit":
        return "bool"
    return "string"


@dataclass(frozen=True)
class _Term:
    tokens: tuple[str, ...]
    category: str
    weight: float
    weak: bool = False
    label: str = ""


@dataclass
class _Category:
    key: str
    tails: frozenset[str]
    deny: frozenset[str]
    fit: frozenset[str]
    zh: tuple[str, ...]
    zh_negative: tuple[str, ...]


@dataclass
class _Match:
    start: int
    end: int  # exclusive
    term: _Term
    via: str  # "word" | "pinyin"


@dataclass
class _TableContext:
    person_head: bool = False
    person_any: bool = False
    thing_head: bool = False
    money: bool = False
    institution: bool = False
    loan: bool = False
    person_fk: bool = False
    address_siblings: bool = False
    address_columns: frozenset[str] = frozenset()
    person_siblings: bool = False
    trace: bool = False
    health: bool = False
    software: bool = False
    person_attrs: bool = False
    person_named: bool = False
    session: bool = False
    loan_rows: bool = False
    person_paid: bool = False
    nlp_health: bool = False
    device: bool = False
    savings: bool = False
    notes: list[str] = field(default_factory=list)


# Categories whose value can be a date or time of day.
_DATE_OK = {"identity.birth_date", "auth.card_verification", "credit.record"}
# Categories a coded attribute (`gender_id`, `race_concept_id`) can stand for.
_CODED_OK = {"identity.gender", "identity.special"}
# Categories an enumerated type can hold.
_ENUM_OK = {"identity.gender", "identity.special", "credit.record"}
# An id number is a number: 身份证编号 is the ID number, 用户编号 a row number.
_NUMBERED = {"identity.national_id", "identity.passport", "account.bank_card", "account.bank_account"}
_NUMBERED |= {"contact.phone", "device.identifier"}
# Tables whose rows are traces of where someone was.
_TRACE_WORDS = frozenset({"gps", "gpx", "trace", "traces", "track", "trajectory", "footprint", "checkin"})
# Categories that need the table to be about people, money or addresses before generic words count.
_MONEY = {"financial.transaction", "credit.record"}
# Contact details that an organisation publishes (support line, head-office address) are not personal.
_CONTACT = {"contact.phone", "contact.email", "contact.address"}
_PERSON_ATTRS = {"identity.gender", "identity.national_id", "identity.passport"}
_PERSON_NAME_LABELS = {"first name", "last name", "firstname", "lastname"}
# Credit terms that name a record, not an amount: no money rule applies to them.
_CREDIT_RECORD_WORDS = frozenset(
    {"score", "rating", "report", "reports", "grade", "level", "record", "bureau"}
)
# Credit words that make a following amount a loan's (`principal_amount`, `overdue_amt`).
_LOAN_MONEY_WORDS = frozenset({"loan", "loans", "principal", "interest", "overdue", "arrears", "repayment"})
_LOAN_MONEY_WORDS |= {
    "repayments",
    "repaid",
    "emi",
    "mortgage",
    "debt",
    "delinquency",
    "disbursed",
    "disbursal",
}
# Credit words that, on a recurring deposit, describe the saver's missed instalments, not a debt.
_DEPOSIT_OVERDUE = frozenset({"overdue", "arrears", "amount", "amt", "total", "balance"})
# Words whose amount (`principal_amount`, `loan_amount`) says the rows of the table are loans.
_LOAN_ROW_WORDS = frozenset({"loan", "loans", "principal", "mortgage", "emi", "disbursed", "disbursal"})
# A string sized exactly for a UUID holds an identifier (a request or correlation id), not a secret.
_UUID_SIZED = re.compile(r"^(?:national\s+)?(?:var)?char(?:acter)?(?:\s+varying)?\(36\)$")
# Sessions and logins: their `host` is the client's address.
_SESSION_WORDS = frozenset({"session", "sessions", "login", "logins", "logon", "signin", "access"})
# A device's push registration (FCM registration id / token) in a table of devices.
_DEVICE_REGISTRATION = frozenset({("registration", "id"), ("registration", "token"), ("push", "id")})
# Columns that hold the value of a loan's collateral or term change when the name says only "value".
_BARE_VALUE = frozenset({"value", "val", "quantity", "qty", "decimal", "amount"})


class _Dictionary:
    """Every term file compiled once into lookup tables."""

    def __init__(self, allowed: frozenset[str]) -> None:
        common: dict[str, Any] = {}
        raw: dict[str, dict[str, Any]] = {}
        for path in sorted(_TERMS_DIR.glob("*.yaml")):
            data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
            if path.stem == "common":
                common = data
                continue
            for key, spec in (data.get("categories") or {}).items():
                raw[key] = spec or {}
        self.common = common
        self.categories: dict[str, _Category] = {}
        self.phrases: dict[str, list[_Term]] = {}
        self.singles: dict[str, list[_Term]] = {}
        self.zh_terms: list[tuple[str, str]] = []  # (term, category), longest first
        vocab: set[str] = set()
        for key, spec in raw.items():
            if key not in allowed:
                continue
            types = spec.get("types") or {}
            self.categories[key] = _Category(
                key=key,
                tails=frozenset(str(t).lower() for t in spec.get("tails") or ()),
                deny=frozenset(types.get("deny") or ()),
                fit=frozenset(types.get("fit") or ()),
                zh=tuple(spec.get("zh") or ()),
                zh_negative=tuple(spec.get("zh_negative") or ()),
            )
            for entry in spec.get("en") or ():
                phrase, weight = _entry(entry, DEFAULT_WEIGHT)
                self._add_term(phrase, key, weight, weak=False, vocab=vocab)
            for entry in spec.get("weak") or ():
                phrase, weight = _entry(entry, WEAK_WEIGHT)
                self._add_term(phrase, key, weight, weak=True, vocab=vocab)
            for term in spec.get("zh") or ():
                self.zh_terms.append((str(term), key))
        self.zh_terms.sort(key=lambda x: -len(x[0]))
        self.neg_tails: dict[str, str] = {}
        for group, words in (common.get("negative_tails") or {}).items():
            for w in words:
                self.neg_tails.setdefault(str(w).lower(), group)
        self.neg_prefixes = frozenset(str(w).lower() for w in common.get("negative_prefixes") or ())
        self.neutral = frozenset(str(w).lower() for w in common.get("neutral_tails") or ())
        self.zh_neg_suffixes = tuple(common.get("zh_negative_suffixes") or ())
        self.zh_neg_prefixes = tuple(common.get("zh_negative_prefixes") or ())
        self.zh_neg_comments = frozenset(common.get("zh_negative_comments") or ())
        self.en_neg_phrases = [tuple(split_words(p)) for p in common.get("en_negative_phrases") or ()]
        self.person_tables = _wordset(common.get("person_tables"))
        self.thing_tables = _wordset(common.get("thing_tables"))
        self.money_tables = _wordset(common.get("money_tables"))
        self.institution_tables = _wordset(common.get("institution_tables"))
        self.money_words = _wordset(common.get("money_words"))
        self.money_negative = _wordset(common.get("money_negative_words"))
        self.loan_tables = _wordset(common.get("loan_tables"))
        self.coded_attributes = _wordset(common.get("coded_attributes"))
        self.health_tables = _wordset(common.get("health_tables"))
        self.health_content = _wordset(common.get("health_content"))
        self.health_allowed = _wordset(common.get("health_allowed_tails"))
        self.software_tables = _wordset(common.get("software_tables"))
        self.nlp_content = frozenset(tuple(split_words(str(p))) for p in common.get("nlp_content") or ())
        self.delinquency = frozenset(
            tuple(split_words(str(p))) for p in common.get("delinquency_words") or ()
        )
        self.institution_contact = tuple(
            str(w).lower() for w in common.get("institution_contact_prefixes") or ()
        )
        # `account_id` may point at a ledger account; only these say "a person's row".
        self.person_fk_words = self.person_tables - {"account", "accounts", "profile", "profiles", "identity"}
        self.person_fk_words -= {"identities", "owner", "holder", "admin", "admins", "operator", "operators"}
        vocab |= {str(w).lower() for w in common.get("vocabulary") or ()}
        vocab |= set(self.neg_tails) | self.neutral | self.neg_prefixes
        tables = self.person_tables | self.thing_tables | self.money_tables | self.institution_tables
        vocab |= {w for w in tables | self.loan_tables | self.money_words if w.isascii()}
        self.vocab = frozenset(w for w in vocab if w.isalpha() and len(w) >= 2)
        self.pinyin_abbr: dict[str, tuple[str, str]] = {}
        self.pinyin_full: dict[str, tuple[str, str]] = {}
        self._build_pinyin(raw, allowed)

    def _add_term(self, phrase: str, key: str, weight: float, weak: bool, vocab: set[str]) -> None:
        tokens = tuple(split_words(phrase))
        if not tokens:
            return
        if len(tokens) > 1 and not weak:
            weight = min(0.95, weight + 0.03)
        term = _Term(tokens, key, weight, weak, phrase)
        self.phrases.setdefault(tokens[0], []).append(term)
        vocab.update(tokens)
        if len(tokens) > 1:
            # `firstname` is the glued spelling of `first name`.
            joined = "".join(tokens)
            self.singles.setdefault(joined, []).append(_Term((joined,), key, weight, weak, phrase))
            vocab.add(joined)

    def _build_pinyin(self, raw: dict[str, dict[str, Any]], allowed: frozenset[str]) -> None:
        from pypinyin import Style, pinyin

        def variants(term: str, style: Any) -> set[str]:
            readings = pinyin(term, style=style, heteronym=True, errors="ignore")
            out: set[str] = set()
            for combo in itertools.islice(itertools.product(*readings), 16):
                out.add("".join(combo).lower())
            return out

        abbr: dict[str, set[tuple[str, str]]] = {}
        full: dict[str, set[tuple[str, str]]] = {}
        for key, spec in raw.items():
            if key not in allowed:
                continue
            for term in spec.get("zh") or ():
                term = str(term)
                if not _ALL_CJK.fullmatch(term.replace(" ", "")) or len(term) < 2:
                    continue
                for a in variants(term, Style.FIRST_LETTER):
                    abbr.setdefault(a, set()).add((key, term))
                for f in variants(term, Style.NORMAL):
                    if len(f) >= 5:
                        full.setdefault(f, set()).add((key, term))
            for extra in spec.get("pinyin") or ():
                abbr.setdefault(str(extra).lower(), set()).add((key, str(extra)))
        # Initials of words that describe a value rather than hold one (时间 sj, 状态 zt, 类型 lx)
        # make the same two letters ambiguous: drop those abbreviations.
        taken: set[str] = set()
        for word in self.zh_neg_suffixes:
            if _ALL_CJK.fullmatch(word):
                taken |= variants(word, Style.FIRST_LETTER)
        for a, hits in abbr.items():
            cats = {c for c, _ in hits}
            if len(cats) != 1 or a in taken or a in self.vocab:
                continue
            self.pinyin_abbr[a] = sorted(hits)[0]
        for f, hits in full.items():
            cats = {c for c, _ in hits}
            if len(cats) == 1 and f not in self.vocab:
                self.pinyin_full[f] = sorted(hits)[0]


def _entry(entry: Any, default: float) -> tuple[str, float]:
    if isinstance(entry, dict):
        ((phrase, weight),) = entry.items()
        return str(phrase), float(weight)
    return str(entry), default


def _wordset(words: Iterable[Any] | None) -> frozenset[str]:
    return frozenset(str(w).lower() for w in words or ())


@lru_cache(maxsize=4)
def _load_dictionary(allowed: frozenset[str]) -> _Dictionary:
    return _Dictionary(allowed)


@lru_cache(maxsize=1)
def builtin_keys() -> tuple[str, ...]:
    """The keys of the built-in taxonomy, in file order."""
    data = yaml.load(_TAXONOMY.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    return tuple((data.get("categories") or {}).keys())


class Classifier:
    """Classify columns into taxonomy keys (or None) with a confidence and the evidence behind it."""

    def __init__(self, taxonomy_keys: Iterable[str] | None = None, threshold: float = 0.5) -> None:
        keys = set(builtin_keys())
        if taxonomy_keys is not None:
            # A catalog may add child keys; the dictionaries only know built-in ones, so the answer is
            # always a built-in key that the catalog also lists.
            keys &= set(taxonomy_keys)
        self.allowed = frozenset(keys)
        self.threshold = threshold
        self._dict: _Dictionary | None = None
        self._ctx_cache: dict[int, tuple[int, Table, _TableContext]] = {}

    @property
    def dictionary(self) -> _Dictionary:
        if self._dict is None:
            self._dict = _load_dictionary(self.allowed)
        return self._dict

    # ------------------------------------------------------------------ public API

    def classify(self, table: Table, column: Column) -> Classification:
        return self._classify(table, column, self._context(table))

    def classify_table(self, table: Table) -> dict[str, Classification]:
        ctx = self._context(table)
        return {key: self._classify(table, col, ctx) for key, col in table.columns.items()}

    # ------------------------------------------------------------------ tokens

    def tokens(self, name: str) -> tuple[str, ...]:
        return _tokens(self.dictionary, name)

    # ------------------------------------------------------------------ table context

    def _context(self, table: Table) -> _TableContext:
        hit = self._ctx_cache.get(id(table))
        if hit is not None and hit[1] is table and hit[0] == len(table.columns):
            return hit[2]
        ctx = self._build_context(table)
        if len(self._ctx_cache) > 512:
            self._ctx_cache.clear()
        self._ctx_cache[id(table)] = (len(table.columns), table, ctx)
        return ctx

    def _build_context(self, table: Table) -> _TableContext:
        d = self.dictionary
        ctx = _TableContext()
        words = list(_tokens(d, table.name))
        # The head of a table name is its last meaningful word: `rp_account_history` is about
        # accounts, `ums_member_tag` about tags, `payment_p2022_01` about payments.
        transparent = {
            "history",
            "histories",
            "log",
            "logs",
            "record",
            "records",
            "detail",
            "details",
            "info",
        }
        transparent |= {
            "relation",
            "relations",
            "list",
            "data",
            "tmp",
            "temp",
            "archive",
            "snapshot",
            "audit",
        }
        transparent |= {
            "p",
            "t",
            "tb",
            "tbl",
            "bak",
            "backup",
            "new",
            "old",
            "copy",
            "mapping",
            "map",
            "link",
        }
        head = ""
        for w in reversed(words):
            if w.isdigit() or w in transparent:
                continue
            head = w
            break
        if not head and words:
            head = words[-1]
        comment = table.comment or ""
        wordset = set(words) | set(split_words(comment) if comment and not _CJK.search(comment) else ())
        ctx.institution = bool(wordset & d.institution_tables)
        ctx.software = bool(wordset & d.software_tables)
        ctx.person_head = head in d.person_tables or (head.endswith("s") and head[:-1] in d.person_tables)
        if ctx.person_head and (ctx.software or (ctx.institution and head.rstrip("s") == "account")):
            # `oauth_clients` are applications; `acc_gl_account` is a ledger account.
            ctx.person_head = False
        ctx.thing_head = not ctx.person_head and (
            head in d.thing_tables or head.rstrip("s") in d.thing_tables or ctx.software
        )
        ctx.person_any = ctx.person_head or bool(wordset & d.person_tables - {"account", "accounts"})
        ctx.person_any = ctx.person_any or (bool(wordset & {"account", "accounts"}) and not ctx.institution)
        ctx.money = bool(wordset & d.money_tables)
        ctx.session = bool(wordset & _SESSION_WORDS)
        ctx.loan = bool(wordset & d.loan_tables)
        ctx.trace = bool(wordset & _TRACE_WORDS)
        if comment and _CJK.search(comment):
            ctx.person_any = ctx.person_any or any(w in comment for w in d.person_tables if not w.isascii())
            ctx.money = ctx.money or any(w in comment for w in d.money_tables if not w.isascii())
            ctx.loan = ctx.loan or any(w in comment for w in d.loan_tables if not w.isascii())
            ctx.institution = ctx.institution or any(
                w in comment for w in d.institution_tables if not w.isascii()
            )
        strong_person = {"contact.email", "contact.phone", "identity.birth_date", "identity.gender"}
        strong_person |= {"identity.national_id", "auth.password"}
        address_cols: set[str] = set()
        concept_cols = 0
        note_ref = False
        for col in table.columns.values():
            toks = _tokens(d, col.name)
            fk_words = d.person_fk_words - {"client", "clients"} if ctx.software else d.person_fk_words
            if len(toks) >= 2 and toks[-1] in ("id", "no", "code") and toks[-2] in fk_words:
                ctx.person_fk = True  # (an OAuth `client_id` names an application)
            if toks[-2:] == ("concept", "id"):
                concept_cols += 1
            if toks[-2:] in (("note", "id"), ("notes", "id")):
                note_ref = True
            cmt = col.comment or ""
            if cmt and _CJK.search(cmt):
                core = _ZH_CORE_END.split(cmt, maxsplit=1)[0]
                if (
                    toks
                    and toks[-1] in ("id", "no")
                    and any(w in core for w in d.person_tables if not w.isascii())
                ):
                    ctx.person_fk = True  # jkr_id «借款人ID»: a borrower's row
                if _ZH_LOAN_AMOUNT.search(core) and not any(p in core for p in d.zh_neg_prefixes):
                    ctx.loan_rows = True  # 贷款金额: the rows are loans
            matches = _name_matches(d, toks)
            money_heads = [
                m for m in matches if m.term.category == "financial.transaction" and not m.term.weak
            ]
            if money_heads and not any(t in d.neg_prefixes for t in toks[: money_heads[-1].start]):
                if set(toks) & d.person_fk_words and not set(toks[money_heads[-1].end :]) & set(d.neg_tails):
                    ctx.person_paid = True  # `paid_by_patient`, `member_pay_amount`: a person's money
                loan_amount = _credit_qualified(d, toks, money_heads[-1])
                plain = not any(
                    t in d.neg_prefixes or t in d.neg_tails or t in d.money_negative for t in toks
                )
                if loan_amount.term.category == "credit.record" and set(toks) & _LOAN_ROW_WORDS and plain:
                    ctx.loan_rows = True  # `principal_amount`, `loan_amount`: the rows are loans
            for m in matches:
                if m.term.weak:
                    continue
                if m.term.category == "identity.name" and m.term.weight >= 0.8 and m.end == len(toks):
                    ctx.person_named = True
                if m.term.category == "contact.address" and m.term.weight >= 0.8:
                    tail = toks[m.end :]
                    if not any(t in d.neg_tails and t not in ("no", "line") for t in tail):
                        address_cols.add(col.name.lower())
                if m.term.category in strong_person or m.term.label in _PERSON_NAME_LABELS:
                    tail = toks[m.end :]
                    coded = m.term.label in d.coded_attributes
                    if not any(
                        d.neg_tails.get(t) in ("identifier", "kind", "state", "time")
                        and not (coded and t in ("id", "cv", "concept", "code", "cd", "source"))
                        for t in tail
                    ):
                        ctx.person_siblings = True
                        if m.term.category in _PERSON_ATTRS or m.term.label in _PERSON_NAME_LABELS:
                            # Gender, birth date, ID number or a first/last name: the rows are people
                            # whatever the table is called (`provider` of a health record).
                            ctx.person_attrs = True
        ctx.address_columns = frozenset(address_cols)
        ctx.health = bool(wordset & d.health_tables) and ctx.person_fk
        # Natural-language processing over notes that are coded with a clinical vocabulary
        # (`*_concept_id` columns): what it extracts from a patient's note is health data.
        ctx.nlp_health = "nlp" in wordset and note_ref and concept_cols >= 2
        ctx.loan_rows = ctx.loan_rows and not (ctx.institution or ctx.thing_head)
        ctx.device = bool(wordset & {"device", "devices"})
        ctx.savings = bool(wordset & {"deposit", "deposits", "savings", "saving"})
        ctx.address_siblings = (
            head in ("address", "addresses") or "address" in words or len(address_cols) >= 2
        )
        return ctx

    # ------------------------------------------------------------------ the verdict

    def _classify(self, table: Table, column: Column, ctx: _TableContext) -> Classification:
        d = self.dictionary
        if ctx.address_columns and not ctx.address_siblings:
            # One address-like column has no address siblings but itself.
            others = ctx.address_columns - {column.name.lower()}
            if others:
                ctx = _replace_ctx(ctx, address_siblings=True)
        toks = _tokens(d, column.name)
        tclass = type_class(column.type)
        scores: dict[str, float] = {}
        evidence: dict[str, list[Evidence]] = {}
        general: list[Evidence] = []

        def add(cat: str, w: float, ev: Evidence) -> None:
            if cat not in d.categories:
                return
            scores[cat] = 1.0 - (1.0 - scores.get(cat, 0.0)) * (1.0 - w)
            evidence.setdefault(cat, []).append(ev)

        def scale(cat: str, factor: float, ev: Evidence) -> None:
            if cat in scores:
                scores[cat] *= factor
                evidence.setdefault(cat, []).append(ev)

        # --- name
        name_negated = False
        head = _head_match(d, toks)
        if head is not None and head.term.category == "financial.transaction":
            qualified = _credit_qualified(d, toks, head)
            saver = ctx.savings and not (ctx.loan or ctx.loan_rows)
            if not (saver and set(qualified.term.label.split()) <= _DEPOSIT_OVERDUE):
                head = qualified  # an overdue instalment of a deposit is the saver's money, not a debt
        if head is not None:
            cat = self._money_category(head.term, ctx)
            w, notes, negated = self._judge_name(toks, head, tclass, ctx)
            how = "the pinyin of" if head.via == "pinyin" else "the term"
            detail = f"name '{column.name}' contains {how} '{head.term.label}', which means {cat}"
            if notes:
                detail += " (" + "; ".join(notes) + ")"
            if negated:
                name_negated = True
                general.append(Evidence("name", detail, -0.8))
                evidence.setdefault(cat, []).append(Evidence("name", detail, -0.8))
            elif w > 0:
                add(cat, w, Evidence("name", detail, round(w, 2)))

        # --- comment
        comment = (column.comment or "").strip()
        zh_cat: str | None = None
        if comment:
            if _CJK.search(comment):
                zh_cat, zh_ev, zh_w = self._judge_zh_comment(comment, tclass)
                if zh_cat in _MONEY:
                    zh_cat = self._money_category(_Term((), zh_cat, 0.9), ctx)
                    if zh_ev is not None:
                        m0 = _Match(len(toks), len(toks), _Term((), zh_cat, 0.9, label=comment), "word")
                        zh_w, money_notes = self._judge_money(toks, m0, tclass, ctx)
                        zh_w = min(0.95, zh_w + 0.1)
                        detail = zh_ev.detail + (" (" + "; ".join(money_notes) + ")" if money_notes else "")
                        zh_ev = Evidence(zh_ev.source, detail, round(zh_w, 2))
                if zh_cat is not None and zh_ev is not None and zh_w > 0:
                    add(zh_cat, zh_w, zh_ev)
                elif zh_ev is not None:
                    general.append(zh_ev)
                    for cat in list(scores):
                        scale(cat, 0.3, zh_ev)
                elif scores:
                    # The author described the column and named nothing personal.
                    ev = Evidence("comment", f"comment '{comment}' names no personal information", -0.2)
                    # A short comment ('城市', '区') only restates the name; a longer one that names
                    # nothing personal is a real doubt.
                    short = len(_ZH_CORE_END.split(comment, maxsplit=1)[0]) <= 6
                    for cat in list(scores):
                        weak = head is not None and head.term.weak
                        scale(cat, 0.9 if short else (0.55 if weak else 0.85), ev)
                if zh_cat is not None:
                    # The comment is what the schema's author says the column holds: where it
                    # names another category than the column name does, it wins.
                    for cat in list(scores):
                        if cat != zh_cat:
                            scale(cat, 0.45, Evidence("comment", f"comment '{comment}' says {zh_cat}", -0.5))
                    if name_negated:
                        scale(
                            zh_cat, 0.5, Evidence("name", "the name describes the value, not holds it", -0.5)
                        )
                for cat in list(scores):
                    spec = d.categories[cat]
                    for neg in spec.zh_negative:
                        if neg in comment:
                            scale(
                                cat, 0.3, Evidence("comment", f"comment '{comment}' mentions '{neg}'", -0.7)
                            )
            else:
                # A name ending in `type`/`status`/`date` describes something about the value even
                # when it names no term ('CardType' «Credit card name.»).
                described = bool(toks) and d.neg_tails.get(toks[-1]) in ("kind", "state", "time", "quantity")
                self._judge_en_comment(comment, d, add, scale, scores, name_negated or described)

        if ctx.health and (head is None or name_negated) and "identity.special" in d.categories:
            w = _health_content(d, toks)
            if w:
                name_negated = False
                add(
                    "identity.special",
                    w,
                    Evidence("name", f"'{column.name}' is the coded content of a health record", w),
                )

        if ctx.nlp_health and (head is None or name_negated) and "identity.special" in d.categories:
            own = _tokens(d, table.name)
            concept = toks[-2:] == ("concept", "id") and toks[: len(own)] == own
            if toks in d.nlp_content or (concept and set(toks[len(own) : -2]) <= {"source"}):
                name_negated = False
                w = 0.7
                add(
                    "identity.special",
                    w,
                    Evidence("name", f"'{column.name}' is what NLP extracted from a clinical note", w),
                )

        if ctx.device and toks in _DEVICE_REGISTRATION and "device.identifier" in d.categories:
            # The push-notification registration of a person's device addresses that device.
            add(
                "device.identifier",
                0.7,
                Evidence("name", f"'{column.name}' registers a person's device for push messages", 0.7),
            )

        if (
            head is None
            and not comment
            and ctx.loan
            and toks
            and set(toks) <= _BARE_VALUE
            and tclass in ("numeric", "float")
            and "credit.record" in d.categories
        ):
            # `value` of a loan's collateral, `quantity` pledged, `decimal_value` of a term change.
            add(
                "credit.record", 0.55, Evidence("name", f"'{column.name}' is a figure of a loan record", 0.55)
            )

        if head is None and toks and all(d.neg_tails.get(t) == "reference" for t in toks):
            ev = Evidence("name", f"name '{column.name}' is a reference (url, path, text), not a value", -0.7)
            for cat in list(scores):
                if cat != "media.photo":
                    scale(cat, 0.3, ev)

        # --- type
        if "network.ip_address" in d.categories and tclass == "inet":
            add(
                "network.ip_address", 0.85, Evidence("type", f"type '{column.type}' holds IP addresses", 0.85)
            )
        for cat in list(scores):
            spec = d.categories[cat]
            denied = tclass in spec.deny
            if tclass == "enum" and cat not in _ENUM_OK:
                denied = True
            dated_term = (
                head is not None
                and head.term.category == cat
                and bool(set(head.term.tokens) & {"date", "datetime", "time", "day", "year", "month"})
            )
            if tclass in ("date", "datetime", "time") and cat not in _DATE_OK and not dated_term:
                denied = True
            if cat == "auth.secret" and _UUID_SIZED.match((column.type or "").strip().lower()):
                denied = True  # sized for a UUID: a request / correlation id
            if denied:
                scale(cat, 0.15, Evidence("type", f"type '{column.type}' cannot hold {cat}", -0.85))
            elif tclass in spec.fit:
                add(cat, 0.3, Evidence("type", f"type '{column.type}' fits {cat}", 0.3))

        # --- whose contact detail: an organisation's support line or head office is not personal
        for cat in list(scores):
            if cat not in _CONTACT:
                continue
            prefix = " ".join(toks[: head.start]) if head is not None and head.term.category == cat else ""
            zh_before = comment.split(next((t for t, c in d.zh_terms if c == cat and t in comment), "\0"))[0]
            named = any(
                (w.isascii() and w in prefix.split()) or (not w.isascii() and w in zh_before)
                for w in d.institution_contact
            )
            organisational = ctx.institution and not ctx.software
            if ctx.person_attrs or ctx.person_named or set(prefix.split()) & d.person_tables:
                organisational = named = False  # `member_phone`: the person is named
            if named or organisational:
                why = "an organisation's contact point" if named else "table holds things, not people"
                scale(cat, 0.3, Evidence("context", f"{why}: not a person's {cat}", -0.7))

        # --- the answer
        if not scores:
            return Classification(None, 0.0, tuple(general))
        best = max(scores, key=lambda c: scores[c])
        conf = round(min(1.0, max(0.0, scores[best])), 3)
        found = tuple(evidence.get(best, ())) + tuple(e for e in general if e not in evidence.get(best, ()))
        if conf < self.threshold:
            return Classification(None, conf, found)
        return Classification(best, conf, found)

    def _judge_name(
        self, toks: tuple[str, ...], m: _Match, tclass: str, ctx: _TableContext
    ) -> tuple[float, list[str], bool]:
        """Weight of the head match, notes for the evidence, and whether the name negates it."""
        d = self.dictionary
        cat = self._money_category(m.term, ctx)
        spec = d.categories[cat]
        w = m.term.weight if m.via == "word" else min(m.term.weight, 0.8)
        notes: list[str] = []
        before = toks[: m.start]
        tail = toks[m.end :]
        if (
            cat == "credit.record"
            and m.term.tokens in d.delinquency
            and tail[:1] == ("since",)
            and (ctx.loan or ctx.loan_rows)
        ):
            # `overdue_since_date`: when a person's loan fell into arrears is the arrears record itself.
            return 0.75, ["the date a loan fell into arrears"], False
        for t in tail:
            if t in spec.tails or t in d.neutral or t.isdigit():
                continue
            group = d.neg_tails.get(t)
            if group == "code" and cat in ("auth.secret", "identity.gender", "identity.special"):
                continue
            if group is not None:
                if (
                    t in ("id", "cv", "concept", "code", "cd", "source")
                    and m.term.label in d.coded_attributes
                ):
                    continue
                if group == "time" and cat in _DATE_OK and cat != "credit.record":
                    continue
                if group == "time" and "per" in tail and tail.index("per") < tail.index(t):
                    continue  # `interest_rate_per_period`: the unit of a rate, not a date
                if group == "code" and cat == "contact.address" and m.term.weak and ctx.address_siblings:
                    continue  # `state_code` next to address lines: a coded part of the address
                notes.append(f"'{t}' after it names a {group}, not the value")
                return 0.0, notes, True
            w *= 0.8
            notes.append(f"unknown word '{t}' after it")
        for t in before:
            if t in d.neg_prefixes:
                notes.append(f"'{t}' before it makes a flag or limit")
                return 0.0, notes, True
        if before[:2] in (("no", "of"), ("nr", "of"), ("nbr", "of")):
            notes.append("'no of' counts them")
            return 0.0, notes, True

        if cat == "identity.name" and ctx.software and not (ctx.person_attrs or ctx.person_fk):
            # `client_name`, `display_name` of an OAuth client or an API application.
            w = min(w, 0.1)
            notes.append("table holds applications, not people")
        elif cat == "identity.name" and (m.term.weak or m.term.weight < 0.8):
            person_words = d.person_tables | {"real", "full", "first", "last", "nick", "legal", "true"}
            person_words = person_words | {"preferred", "given", "maiden", "middle", "cardholder"}
            if m.term.weak and any(
                t not in person_words and t not in d.neutral and not t.isdigit() for t in before
            ):
                notes.append("names a thing: " + "_".join(before))
                return w * 0.2, notes, False
            if before and m.term.weak:
                w = 0.75
                notes.append("a person word qualifies it")
            elif ctx.person_attrs:
                w = max(w, 0.75)
                notes.append("table holds people (gender, birth date or ID number beside it)")
            elif ctx.thing_head:
                w = 0.1
                notes.append("table holds things, not people")
            elif ctx.person_head or ctx.person_siblings:
                w = max(w, 0.75)
                notes.append("table holds people")
            elif ctx.person_any:
                w = 0.55
                notes.append("table relates to people")
            else:
                w = 0.35
        elif cat == "contact.address" and m.term.weak:
            if ctx.address_siblings:
                w = 0.8
                notes.append("next to address columns")
            elif ctx.thing_head:
                w = 0.1
                notes.append("table holds things, not people")
            elif ctx.person_head:
                w = 0.6
                notes.append("table holds people")
            else:
                w = 0.25
        elif cat == "location.precise":
            linked = (
                ctx.person_fk or ctx.person_any or ctx.address_siblings or ctx.person_siblings or ctx.money
            )
            if not linked and not ctx.trace:
                w *= 0.45
                notes.append("table does not relate to a person")
        elif (
            cat in ("media.photo", "account.bank_account", "account.bank_card", "contact.address")
            and (ctx.thing_head or (ctx.institution and cat == "media.photo"))
            and not (
                ctx.person_fk or ctx.person_siblings or (cat == "contact.address" and ctx.address_siblings)
            )
        ):
            w *= 0.3
            notes.append("table holds things, not people")

        elif cat == "network.ip_address" and m.term.label == "host" and ctx.session and not tail:
            w = 0.7
            notes.append("the host of a session or login is the client's address")

        if cat == "credit.record" and set(m.term.tokens) & _CREDIT_RECORD_WORDS:
            # A score or report is a record, not an amount: no money rule, but a vendor's rating isn't
            # a person's.
            if (ctx.institution or ctx.thing_head) and not (
                ctx.person_fk or ctx.person_any or ctx.person_siblings
            ):
                w *= 0.3
                notes.append("table holds things, not people")
        elif cat in _MONEY:
            w, cat_notes = self._judge_money(toks, m, tclass, ctx)
            notes.extend(cat_notes)
        return w, notes, False

    def _money_category(self, term: _Term, ctx: _TableContext) -> str:
        """Money of a loan is a credit record; interest earned on savings is not. A display name
        with no legal-name column beside it is a chosen handle, i.e. a username."""
        cat = term.category
        if (
            cat == "identity.name"
            and term.label == "display name"
            and not ctx.person_attrs
            and not ctx.software
            and (ctx.person_head or ctx.person_siblings)
            and "account.username" in self.dictionary.categories
        ):
            return "account.username"
        loan_rate = ctx.loan_rows and bool(set(term.tokens) & {"rate", "rates"})
        if (
            cat == "financial.transaction"
            and (ctx.loan or loan_rate)
            and "credit.record" in self.dictionary.categories
        ):
            return "credit.record"
        if (
            cat == "credit.record"
            and not (ctx.loan or ctx.loan_rows)
            and not set(term.tokens) & _CREDIT_RECORD_WORDS
            and term.weight < 0.9
            and "financial.transaction" in self.dictionary.categories
        ):
            return "financial.transaction"
        return cat

    def _judge_money(
        self, toks: tuple[str, ...], m: _Match, tclass: str, ctx: _TableContext
    ) -> tuple[float, list[str]]:
        d = self.dictionary
        notes: list[str] = []
        cat = self._money_category(m.term, ctx)
        strong = m.term.weight >= 0.6
        others = [t for i, t in enumerate(toks) if not m.start <= i < m.end]
        for t in others:
            group = d.neg_tails.get(t)
            if group in ("identifier", "quantity"):
                notes.append(f"'{t}' makes it a reference or a limit, not an amount")
                return 0.0, notes
        # Loans are money by definition; an `amount` elsewhere still has to prove it is a person's.
        base = (0.45 if strong else 0.3) if cat == "financial.transaction" else (0.55 if strong else 0.35)
        person = ctx.person_fk or ctx.person_any or ctx.person_siblings or ctx.person_paid
        if person or set(others) & d.person_fk_words:
            base += 0.25
            notes.append("table relates to a person")
        if ctx.money or ctx.loan:
            base += 0.2
            notes.append("table holds money movements")
        if ctx.institution or (ctx.thing_head and not ctx.loan and not ctx.money):
            base *= 0.3
            notes.append("table defines products, fees or ledgers, not a person's money")
        negative = set(toks) & d.money_negative
        if ctx.loan or ctx.loan_rows:
            negative -= {"rate", "rates"}  # a loan's interest rate is one of its terms
        elif "利率" in m.term.label:
            negative.add("利率")  # a rate outside a person's loan is a product's
        if ctx.person_paid:
            negative -= {"cost", "costs"}  # the cost of a person's care or purchase, which they pay
        if negative:
            base *= 0.3
            notes.append("a price, rate or platform figure")
        if tclass in ("string", "unknown"):
            base *= 0.75
        elif tclass == "int":
            base *= 0.75  # small integers count things more often than money
        tails = d.categories[m.term.category].tails if m.term.category in d.categories else frozenset()
        tail_factor = 0.8 ** sum(
            1 for t in toks[m.end :] if t not in d.neutral and t not in tails and not t.isdigit()
        )
        return min(base, 0.95) * tail_factor, notes

    def _judge_zh_comment(self, comment: str, tclass: str) -> tuple[str | None, Evidence | None, float]:
        return _zh_comment(self.dictionary, comment)

    def _judge_en_comment(
        self, comment: str, d: _Dictionary, add: Any, scale: Any, scores: dict[str, float], name_negated: bool
    ) -> None:
        words = tuple(split_words(comment))
        for neg in d.en_neg_phrases:
            if _contains(words, neg):
                ev = Evidence("comment", f"comment says '{' '.join(neg)}'", -0.7)
                for cat in list(scores):
                    scale(cat, 0.3, ev)
                return
        found = _first_en_match(d, words)
        if found is not None:
            term = found
            if term.weak or (len(term.tokens) < 2 and term.weight < 0.9):
                return
            # Alone, a precise description ('Date of birth.') decides; next to a name it supports.
            w = 0.45 if scores or name_negated else (0.6 if len(term.tokens) >= 2 else 0.4)
            add(
                term.category, w, Evidence("comment", f"comment mentions '{term.label}' ({term.category})", w)
            )


# ---------------------------------------------------------------------- matching helpers


def _health_content(d: _Dictionary, toks: tuple[str, ...]) -> float:
    """`condition_concept_id` of a person's condition record is a diagnosis; `visit_type_concept_id` isn't."""
    if not toks or toks[0] not in d.health_content:
        return 0.0
    if toks[-1] == "id" and (len(toks) < 2 or toks[-2] != "concept"):
        return 0.0  # `specimen_source_id`, `visit_occurrence_id`: row references
    for t in toks[1:]:
        if t in d.health_content or t in d.health_allowed or t in d.neutral:
            continue
        return 0.0
    return 0.7


def _credit_qualified(d: _Dictionary, toks: tuple[str, ...], head: _Match) -> _Match:
    """`principal_amount`, `overdue_amount`, `loan_amt`: a credit word before a money head makes the
    amount a credit record's, wherever the table is."""
    if "credit.record" not in d.categories:
        return head
    for m in _name_matches(d, toks[: head.start]):
        if m.term.category == "credit.record" and not m.term.weak and m.term.weight >= 0.6:
            between = toks[m.end : head.start]
            if any(t in d.neg_tails or t in d.neg_prefixes for t in between):
                continue  # `arrearstolerance_amount`: a limit
            if set(m.term.tokens) <= _LOAN_MONEY_WORDS:
                term = _Term(
                    head.term.tokens, "credit.record", 0.9, False, f"{m.term.label} {head.term.label}"
                )
                return _Match(m.start, head.end, term, head.via)
    return head


def _replace_ctx(ctx: _TableContext, **changes: Any) -> _TableContext:
    import dataclasses

    return dataclasses.replace(ctx, **changes)


@lru_cache(maxsize=65536)
def _tokens_cached(d_id: int, name: str) -> tuple[str, ...]:
    d = _DICT_BY_ID[d_id]
    out: list[str] = []
    for tok in split_words(name):
        if tok in d.vocab or len(tok) < 5 or tok.isdigit():
            out.append(tok)
            continue
        seg = _segment(tok, d.vocab)
        out.extend(seg if seg else [tok])
    return tuple(out)


_DICT_BY_ID: dict[int, _Dictionary] = {}


def _tokens(d: _Dictionary, name: str) -> tuple[str, ...]:
    _DICT_BY_ID.setdefault(id(d), d)
    return _tokens_cached(id(d), name)


def _segment(tok: str, vocab: frozenset[str]) -> list[str] | None:
    """Split a glued word into as few vocabulary words as possible (`phonenumber` -> phone number)."""
    n = len(tok)
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(1, n + 1):
        for j in range(max(0, i - 16), i):
            prev = best[j]
            piece = tok[j:i]
            if prev is None or piece not in vocab:
                continue
            cand = [*prev, piece]
            cur = best[i]
            if cur is None or len(cand) < len(cur):
                best[i] = cand
    result = best[n]
    if result is None or len(result) > 4 or all(len(p) <= 2 for p in result):
        return None
    return result


def _name_matches(d: _Dictionary, toks: tuple[str, ...]) -> list[_Match]:
    matches: list[_Match] = []
    n = len(toks)
    for i, t in enumerate(toks):
        for term in d.phrases.get(t, ()):
            k = len(term.tokens)
            if toks[i : i + k] == term.tokens:
                matches.append(_Match(i, i + k, term, "word"))
        for j in range(i + 2, min(n, i + 3) + 1):
            for term in d.singles.get("".join(toks[i:j]), ()):
                matches.append(_Match(i, j, term, "word"))
    if not matches:
        matches = _pinyin_matches(d, toks)
    return matches


def _pinyin_matches(d: _Dictionary, toks: tuple[str, ...]) -> list[_Match]:
    out: list[_Match] = []
    english = any(t in d.vocab for t in toks)
    for i, t in enumerate(toks):
        if t in d.vocab or t.isdigit() or not t.isalpha():
            continue
        hit: tuple[str, str] | None = None
        if t in d.pinyin_full:
            hit = d.pinyin_full[t]
        elif t in d.pinyin_abbr and (len(t) >= 3 or not english):
            hit = d.pinyin_abbr[t]
        else:
            # A prefix naming whose value it is: kh (客户) + sjhm, fr (法人) + sfzh.
            for k in range(1, 5):
                rest = t[k:]
                if len(rest) >= 3 and rest in d.pinyin_abbr:
                    hit = d.pinyin_abbr[rest]
                    break
            if hit is None and len(t) >= 6:
                for full, h in d.pinyin_full.items():
                    if len(full) >= 6 and full in t:
                        hit = h
                        break
        if hit is not None:
            cat, zh = hit
            out.append(_Match(i, i + 1, _Term((t,), cat, 0.85, False, f"{t} ({zh})"), "pinyin"))
    return out


def _head_match(d: _Dictionary, toks: tuple[str, ...]) -> _Match | None:
    """The match that names what the column holds: rightmost, once neutral tails are skipped."""
    matches = _name_matches(d, toks)
    if not matches:
        return None

    def effective_end(m: _Match) -> int:
        spec = d.categories.get(m.term.category)
        end = m.end
        while end < len(toks) and (
            toks[end] in d.neutral or toks[end].isdigit() or (spec is not None and toks[end] in spec.tails)
        ):
            # A tail that is itself a term (`name` after `address`) is a new head, not a tail.
            if any(x.start == end for x in matches):
                break
            end += 1
        return end

    best = max(matches, key=lambda m: (effective_end(m), not m.term.weak, -m.start, m.term.weight))
    if best.term.weak and "by" in toks[: best.start]:
        # `paid_by_payer`: what follows `by` names who did it; the head is what was done.
        by = toks.index("by")
        earlier = [m for m in matches if m.end <= by and not m.term.weak]
        if earlier:
            return max(earlier, key=lambda m: (m.end, -m.start, m.term.weight))
    return best


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    k = len(phrase)
    return any(words[i : i + k] == phrase for i in range(len(words) - k + 1))


def _first_en_match(d: _Dictionary, words: tuple[str, ...]) -> _Term | None:
    """English descriptions put the head first: 'First name of the person', 'Credit card number'."""
    for i, w in enumerate(words):
        best: _Term | None = None
        for term in d.phrases.get(w, ()):
            k = len(term.tokens)
            if words[i : i + k] == term.tokens and (best is None or k > len(best.tokens)):
                best = term
        if best is not None:
            return best
    return None


@lru_cache(maxsize=16384)
def _zh_comment_cached(d_id: int, comment: str) -> tuple[str | None, Evidence | None, float]:
    d = _DICT_BY_ID[d_id]
    text = comment.replace(" ", "").replace("\u3000", "")
    core = _ZH_CORE_END.split(text, maxsplit=1)[0] or text
    if core in d.zh_neg_comments:
        return None, Evidence("comment", f"comment '{comment}' describes a non-personal column", -0.7), -0.7
    # Longest term at each position; the last one is the head of the phrase.
    found: list[tuple[int, int, str, str]] = []
    low = core.lower()
    for i in range(len(core)):
        for term, cat in d.zh_terms:
            if low.startswith(term.lower(), i):
                found.append((i, i + len(term), term, cat))
                break  # terms are sorted longest first
    if not found:
        return None, None, 0.0
    # The head is the term that ends last ('登录IP地址' is an IP address, not an address).
    start, end, term, cat = max(found, key=lambda f: (f[1], f[1] - f[0]))
    if cat == "financial.transaction" and any(f[3] == "credit.record" and f[1] <= start for f in found):
        cat = "credit.record"  # 贷款金额, 逾期金额: the amount of a loan
    after = core[end:]
    before = core[:start]
    spec = d.categories[cat]
    for suf in d.zh_neg_suffixes:
        if suf in after:
            allowed = (cat == "media.photo" and suf in ("路径", "链接")) or (
                cat in _DATE_OK and suf in ("日期", "时间") and cat != "credit.record"
            )
            allowed = allowed or (cat in _CODED_OK and suf in ("编码", "id", "ID"))
            allowed = allowed or (cat in _NUMBERED and suf in ("编号", "编码"))
            allowed = allowed or (cat == "identity.name" and suf == "名称")  # 收货人名称: a person's name
            if not allowed:
                detail = f"comment '{comment}': '{term}' followed by '{suf}' describes it, not holds it"
                return None, Evidence("comment", detail, -0.6), -0.6
    for pre in d.zh_neg_prefixes:
        if pre in before:
            return (
                None,
                Evidence("comment", f"comment '{comment}': '{pre}' makes it a rule or flag", -0.6),
                -0.6,
            )
    for neg in spec.zh_negative:
        if neg in core:
            return None, Evidence("comment", f"comment '{comment}' mentions '{neg}'", -0.6), -0.6
    w = 0.92 if len(term) >= 2 else 0.7
    return cat, Evidence("comment", f"comment '{comment}' matches {cat} ('{term}')", w), w


def _zh_comment(d: _Dictionary, comment: str) -> tuple[str | None, Evidence | None, float]:
    _DICT_BY_ID.setdefault(id(d), d)
    return _zh_comment_cached(id(d), comment)


__all__ = ["Classifier", "builtin_keys", "split_words", "type_class"]
