"""Build the demo database: `schema.sql` plus seeded synthetic rows, in a fresh SQLite file.

Every identifier is synthetic but checksum-valid (resident IDs pass MOD 11-2 with a real address
code and birth date, card numbers pass Luhn with UnionPay IINs, mobiles are real CN ranges), so the
value detectors behave on the demo as they would on production data. The same seed always builds
the same content: dates are drawn relative to a fixed `AS_OF` day, never to today.

Faker is an optional dependency (`plaudit[demo]`) and is imported only when a database is built.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import random
import sqlite3
import string
import tempfile
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stdnum import luhn
from stdnum.cn import ric

if TYPE_CHECKING:
    from faker import Faker

#: The day the synthetic company "took its snapshot". Fixed so that builds are reproducible.
AS_OF = dt.datetime(2025, 6, 30, 18, 0, 0)
_EPOCH = dt.datetime(2016, 3, 1)  # the company's licence date: nothing is older

# GB/T 2260 county codes. stdnum checks that a code existed in the birth year; the generator
# retries with another code when it did not, so older borrowers cluster in long-lived districts.
_ADDRESS_CODES = (
    "110101", "110105", "110108", "120101", "310101", "310104", "310115", "320102", "330106",
    "340104", "350203", "370202", "410105", "420106", "430103", "440106", "440305", "500103",
    "510107", "610113",
)  # fmt: skip
# (bank, UnionPay BIN, card type, length): debit cards are 19 digits, credit cards 16.
_BINS = (
    ("中国工商银行", "622202", "debit", 19),
    ("中国建设银行", "621700", "debit", 19),
    ("中国农业银行", "622848", "debit", 19),
    ("招商银行", "621483", "debit", 16),
    ("中国银行", "621661", "debit", 19),
    ("招商银行", "622575", "credit", 16),
    ("中国建设银行", "625362", "credit", 16),
)
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "184",
    "185", "186", "187", "188", "189", "191", "193", "195", "196", "198", "199",
)  # fmt: skip
_ETHNICITIES = ("汉族",) * 18 + ("回族", "满族", "壮族", "蒙古族", "维吾尔族", "苗族", "土家族")
_BCRYPT_ALPHABET = "./" + string.ascii_letters + string.digits
_PRODUCTS = (
    ("CASH01", "随心借 现金贷", 0.0720, 0.2400, 200000, 24, "equal_installment"),
    ("CASH02", "工薪贷", 0.0880, 0.1800, 100000, 12, "equal_installment"),
    ("GOODS1", "分期购 消费分期", 0.0000, 0.1500, 50000, 12, "equal_installment"),
    ("EDU001", "教育分期", 0.0600, 0.1200, 80000, 24, "interest_first"),
)
_COLLECTION_RESULTS = ("promised_to_pay", "no_answer", "refused", "wrong_number", "paid", "left_message")


def build_demo_database(path: Path, rows: int = 200, seed: int = 20240101) -> dict[str, int]:
    """Create the demo SQLite database at `path` and return the row count of every table.

    `rows` is the number of customers; the other tables scale with it. An existing file at `path`
    is replaced, atomically: the database is built beside it and moved into place when complete.

    Raises ImportError when Faker (the `plaudit[demo]` extra) is not installed.
    """
    try:
        from faker import Faker
    except ImportError as err:
        raise ImportError("the demo database needs Faker: pip install 'plaudit[demo]'", name="faker") from err
    if rows < 1:
        raise ValueError("rows must be at least 1")

    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    gen = _Generator(fake, random.Random(seed), rows)
    tables = gen.build()

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".plaudit-demo-", suffix=".db", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(schema_sql())
            with conn:
                for table, records in tables.items():
                    if not records:
                        continue
                    columns = list(records[0])
                    placeholders = ", ".join("?" for _ in columns)
                    conn.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
                        [tuple(r[c] for c in columns) for r in records],
                    )
        finally:
            conn.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return {table: len(records) for table, records in tables.items()}


def schema_sql() -> str:
    """The DDL of the demo database, as shipped in the package."""
    return resources.files("plaudit.demo").joinpath("schema.sql").read_text("utf-8")


Record = dict[str, Any]


class _Generator:
    """Draws every table's rows in memory, in a fixed order, from one seeded random stream."""

    def __init__(self, fake: Faker, rng: random.Random, customers: int) -> None:
        self.fake = fake
        self.rng = rng
        self.n = customers
        self._used: set[str] = set()

    # -- primitive values ---------------------------------------------------------------------

    def moment(self, start: dt.datetime, end: dt.datetime = AS_OF) -> dt.datetime:
        if end <= start:
            return start
        seconds = int((end - start).total_seconds())
        return start + dt.timedelta(seconds=self.rng.randrange(seconds))

    def resident_id(self, born: dt.date, male: bool) -> str:
        for _ in range(50):
            code = self.rng.choice(_ADDRESS_CODES)
            sequence = self.rng.randrange(0, 499) * 2 + (1 if male else 0)
            body = f"{code}{born:%Y%m%d}{sequence:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self._used and ric.is_valid(number):
                self._used.add(number)
                return number
        raise RuntimeError("no valid address code for this birth year")  # pragma: no cover

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(_MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self._used:
                self._used.add(number)
                return number

    def card_number(self, bin_: str, length: int) -> str:
        while True:
            body = bin_ + "".join(self.rng.choice(string.digits) for _ in range(length - len(bin_) - 1))
            number = body + luhn.calc_check_digit(body)
            if number not in self._used:
                self._used.add(number)
                return number

    def imei(self) -> str:
        body = "86" + "".join(self.rng.choice(string.digits) for _ in range(12))
        return body + luhn.calc_check_digit(body)

    def ciphertext(self, plaintext_len: int) -> str:
        # nonce (12) + ciphertext + GCM tag (16): looks like what a real column holds.
        return base64.b64encode(self.rng.randbytes(12 + plaintext_len + 16)).decode("ascii")

    def bcrypt_like(self) -> str:
        # The format of a bcrypt hash ($2b$, cost, 22-char salt + 31-char digest); not a real hash.
        return "$2b$12$" + "".join(self.rng.choice(_BCRYPT_ALPHABET) for _ in range(53))

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    # -- tables -------------------------------------------------------------------------------

    def build(self) -> dict[str, list[Record]]:
        out: dict[str, list[Record]] = {}
        out["product_config"] = [
            {
                "product_code": code,
                "product_name": name,
                "annual_rate_min": low,
                "annual_rate_max": high,
                "max_amount": amount,
                "max_term_months": term,
                "repayment_method": method,
                "is_active": 1 if code != "EDU001" else 0,
                "updated_at": _ts(dt.datetime(2024, 11, 1, 9, 30)),
            }
            for code, name, low, high, amount, term, method in _PRODUCTS
        ]
        out["customer"] = customers = self.customers()
        out["user_account"] = self.accounts(customers)
        out["bank_card"] = cards = self.cards(customers)
        out["emergency_contact"] = contacts = self.emergency_contacts(customers)
        out["loan_application"] = applications = self.applications(customers)
        out["loan_contract"] = contracts = self.contracts(applications, cards)
        out["repayment_schedule"] = schedule = self.schedule(contracts)
        out["credit_report"] = self.credit_reports(applications, contracts)
        out["collection_record"] = self.collections(contracts, schedule, customers, contacts)
        out["device_fingerprint"] = self.devices(customers)
        out["consent_record"] = self.consents(customers)
        out["sms_verification_code"] = self.sms_codes(customers)
        out["operation_log"] = self.operation_log(customers, applications, contracts)
        return out

    def customers(self) -> list[Record]:
        records = []
        for customer_id in range(1, self.n + 1):
            male = self.rng.random() < 0.55
            born = dt.date(1965, 1, 1) + dt.timedelta(days=self.rng.randrange(365 * 38))
            sfzh = self.resident_id(born, male)
            created = self.moment(_EPOCH, AS_OF - dt.timedelta(days=30))
            closed = None
            if self.rng.random() < 0.25:
                # Some relationships closed long ago: rows kept beyond the retention period.
                closed = self.moment(created + dt.timedelta(days=200), AS_OF)
            name = self.fake.name()
            records.append(
                {
                    "customer_id": customer_id,
                    "khxm": name,
                    "sfzh": sfzh,
                    "sfzh_cipher": self.ciphertext(18) if self.rng.random() < 0.6 else None,
                    "sjhm": self.mobile(),
                    "email": self.fake.email() if self.rng.random() < 0.7 else None,
                    "birth_date": born.isoformat(),
                    "gender": "M" if male else "F",
                    "ethnicity": self.rng.choice(_ETHNICITIES),
                    "home_address": self.fake.address(),
                    "risk_level": self.rng.choice("AABBBCCD"),
                    "created_at": _ts(created),
                    "closed_at": _ts(closed),
                }
            )
        return records

    def accounts(self, customers: Sequence[Record]) -> list[Record]:
        records = []
        for c in customers:
            created = _parse(c["created_at"])
            last_login = self.moment(created, AS_OF) if self.rng.random() < 0.9 else None
            records.append(
                {
                    "account_id": c["customer_id"],
                    "customer_id": c["customer_id"],
                    "username": f"{self.fake.user_name()}{c['customer_id']}",
                    "login_password_hash": self.bcrypt_like(),
                    "failed_login_count": self.rng.choice((0, 0, 0, 0, 1, 2, 5)),
                    "last_login_ip": self.fake.ipv4_public() if last_login else None,
                    "last_login_at": _ts(last_login),
                    "status": "closed" if c["closed_at"] else self.rng.choice(("active",) * 9 + ("locked",)),
                    "created_at": c["created_at"],
                }
            )
        return records

    def cards(self, customers: Sequence[Record]) -> list[Record]:
        records: list[Record] = []
        for c in customers:
            for index in range(self.rng.choice((1, 1, 1, 2))):
                bank, bin_, card_type, length = self.rng.choice(_BINS)
                bound = self.moment(_parse(c["created_at"]), AS_OF)
                expiry = bound + dt.timedelta(days=365 * self.rng.randrange(3, 10))
                records.append(
                    {
                        "card_id": len(records) + 1,
                        "customer_id": c["customer_id"],
                        "yhkh": self.card_number(bin_, length),
                        "bank_name": bank,
                        "card_type": card_type,
                        "cvv": self.digits(3) if card_type == "credit" or self.rng.random() < 0.5 else None,
                        "card_expiry": f"{expiry:%m/%y}",
                        "reserved_mobile": c["sjhm"] if self.rng.random() < 0.85 else self.mobile(),
                        "pay_password": self.digits(6) if self.rng.random() < 0.4 else None,
                        "is_default": 1 if index == 0 else 0,
                        "bound_at": _ts(bound),
                        "unbound_at": None,
                    }
                )
        return records

    def emergency_contacts(self, customers: Sequence[Record]) -> list[Record]:
        records: list[Record] = []
        for c in customers:
            for relationship in self.rng.sample(("parent", "spouse", "sibling", "colleague", "friend"), 2):
                records.append(
                    {
                        "contact_id": len(records) + 1,
                        "customer_id": c["customer_id"],
                        "contact_name": self.fake.name(),
                        "relationship": relationship,
                        "contact_phone_enc": self.ciphertext(11),
                        "created_at": c["created_at"],
                    }
                )
        return records

    def applications(self, customers: Sequence[Record]) -> list[Record]:
        records: list[Record] = []
        for c in customers:
            for _ in range(self.rng.choice((1, 1, 2, 2, 3))):
                product = self.rng.choice(_PRODUCTS)
                applied = self.moment(_parse(c["created_at"]), AS_OF - dt.timedelta(days=3))
                status = self.rng.choices(("approved", "rejected", "cancelled", "submitted"), (12, 5, 2, 1))[
                    0
                ]
                records.append(
                    {
                        "application_id": len(records) + 1,
                        "customer_id": c["customer_id"],
                        "product_code": product[0],
                        "requested_amount": float(self.rng.randrange(10, product[4] // 100 + 1) * 100),
                        "requested_term": self.rng.choice((3, 6, 12, 24)[: 3 if product[5] == 12 else 4]),
                        "loan_purpose": self.rng.choice(
                            ("daily_consumption", "education", "travel", "home_decor")
                        ),
                        "monthly_income": float(self.rng.randrange(30, 400) * 100),
                        "employer_name": self.fake.company(),
                        "employer_uscc": _uscc(self.rng),
                        "apply_ip": self.fake.ipv4_public(),
                        "gps_latitude": round(self.rng.uniform(22.5, 40.0), 6),
                        "gps_longitude": round(self.rng.uniform(104.0, 121.5), 6),
                        "status": status,
                        "applied_at": _ts(applied),
                        "decided_at": _ts(applied + dt.timedelta(minutes=self.rng.randrange(2, 600)))
                        if status in ("approved", "rejected")
                        else None,
                    }
                )
        return records

    def contracts(self, applications: Sequence[Record], cards: Sequence[Record]) -> list[Record]:
        cards_of: dict[int, list[int]] = {}
        for card in cards:
            cards_of.setdefault(card["customer_id"], []).append(card["card_id"])
        rates = {p[0]: (p[2], p[3]) for p in _PRODUCTS}
        records: list[Record] = []
        for a in applications:
            if a["status"] != "approved":
                continue
            signed = _parse(a["decided_at"]) + dt.timedelta(minutes=self.rng.randrange(5, 2880))
            signed = min(signed, AS_OF - dt.timedelta(days=1))
            term = a["requested_term"]
            maturity = _add_months(signed.date(), term)
            low, high = rates[a["product_code"]]
            if maturity < AS_OF.date():
                status = self.rng.choices(("settled", "written_off"), (19, 1))[0]
            else:
                status = self.rng.choices(("active", "overdue"), (4, 1))[0]
            closed = (
                _ts(dt.datetime.combine(maturity, dt.time(10)))
                if status in ("settled", "written_off")
                else None
            )
            records.append(
                {
                    "contract_id": len(records) + 1,
                    "contract_no": f"HT{signed:%Y%m%d}{len(records) + 1:06d}",
                    "application_id": a["application_id"],
                    "customer_id": a["customer_id"],
                    "card_id": self.rng.choice(cards_of[a["customer_id"]]),
                    "principal": a["requested_amount"],
                    "annual_rate": round(self.rng.uniform(low, high), 4),
                    "term_months": term,
                    "signed_at": _ts(signed),
                    "maturity_date": maturity.isoformat(),
                    "contract_status": status,
                    "closed_at": closed,
                }
            )
        return records

    def schedule(self, contracts: Sequence[Record]) -> list[Record]:
        records: list[Record] = []
        for k in contracts:
            signed = _parse(k["signed_at"]).date()
            principal_each = round(k["principal"] / k["term_months"], 2)
            interest_each = round(k["principal"] * k["annual_rate"] / 12, 2)
            # An overdue contract stops paying at some installment; written-off ones did too.
            stop_at = (
                self.rng.randrange(1, k["term_months"] + 1)
                if k["contract_status"] in ("overdue", "written_off")
                else k["term_months"] + 1
            )
            for number in range(1, k["term_months"] + 1):
                due = _add_months(signed, number)
                paid = number < stop_at and due <= AS_OF.date()
                overdue = 0 if paid or due > AS_OF.date() else (AS_OF.date() - due).days
                records.append(
                    {
                        "schedule_id": len(records) + 1,
                        "contract_id": k["contract_id"],
                        "installment_no": number,
                        "due_date": due.isoformat(),
                        "principal_due": principal_each,
                        "interest_due": interest_each,
                        "paid_amount": round(principal_each + interest_each, 2) if paid else 0.0,
                        "paid_at": _ts(
                            dt.datetime.combine(due, dt.time(9)) - dt.timedelta(days=self.rng.randrange(3))
                        )
                        if paid
                        else None,
                        "overdue_days": overdue,
                    }
                )
        return records

    def credit_reports(self, applications: Sequence[Record], contracts: Sequence[Record]) -> list[Record]:
        records: list[Record] = []

        def add(customer_id: int, reason: str, when: dt.datetime) -> None:
            records.append(
                {
                    "report_id": len(records) + 1,
                    "customer_id": customer_id,
                    "bureau": self.rng.choice(("PBOC_CRC", "PBOC_CRC", "BAIHANG")),
                    "query_reason": reason,
                    "credit_score": self.rng.randrange(350, 950),
                    "report_body_enc": self.ciphertext(self.rng.randrange(600, 1200)),
                    "authorization_no": f"SQ{when:%Y%m%d}{self.digits(8)}",
                    "queried_at": _ts(when),
                }
            )

        for a in applications:
            add(a["customer_id"], "loan_approval", _parse(a["applied_at"]) + dt.timedelta(minutes=1))
        for k in contracts:
            if k["contract_status"] in ("active", "overdue") and self.rng.random() < 0.5:
                add(k["customer_id"], "post_loan_management", self.moment(_parse(k["signed_at"]), AS_OF))
        return records

    def collections(
        self,
        contracts: Sequence[Record],
        schedule: Sequence[Record],
        customers: Sequence[Record],
        contacts: Sequence[Record],
    ) -> list[Record]:
        worst: dict[int, int] = {}
        for row in schedule:
            worst[row["contract_id"]] = max(worst.get(row["contract_id"], 0), row["overdue_days"])
        by_id = {c["customer_id"]: c for c in customers}
        contacts_of: dict[int, list[Record]] = {}
        for contact in contacts:
            contacts_of.setdefault(contact["customer_id"], []).append(contact)
        records: list[Record] = []
        for k in contracts:
            days = worst.get(k["contract_id"], 0)
            if days <= 0:
                continue
            for _ in range(self.rng.randrange(1, 5)):
                borrower = by_id[k["customer_id"]]
                if self.rng.random() < 0.6:
                    name, phone = borrower["khxm"], borrower["sjhm"]
                else:  # the emergency contact's phone, decrypted by the dialler and written back in clear
                    name, phone = (
                        self.rng.choice(contacts_of[k["customer_id"]])["contact_name"],
                        self.mobile(),
                    )
                result = self.rng.choice(_COLLECTION_RESULTS)
                promised = float(self.rng.randrange(5, 50) * 100) if result == "promised_to_pay" else None
                records.append(
                    {
                        "record_id": len(records) + 1,
                        "contract_id": k["contract_id"],
                        "collector_id": f"CS{self.rng.randrange(1, 40):03d}",
                        "channel": self.rng.choice(("call", "call", "sms", "letter")),
                        "called_name": name,
                        "called_phone": phone,
                        "overdue_days": self.rng.randrange(1, days + 1),
                        "promised_amount": promised,
                        "result": result,
                        "note": self.rng.choice(
                            ("客户承诺三日内还款", "无人接听", "联系人表示会转告", "客户称资金周转困难", None)
                        ),
                        "contacted_at": _ts(self.moment(AS_OF - dt.timedelta(days=days), AS_OF)),
                    }
                )
        return records

    def devices(self, customers: Sequence[Record]) -> list[Record]:
        records: list[Record] = []
        for c in customers:
            for _ in range(self.rng.choice((1, 1, 2))):
                first = self.moment(_parse(c["created_at"]), AS_OF)
                android = self.rng.random() < 0.7
                ip = self.fake.ipv6() if self.rng.random() < 0.15 else self.fake.ipv4_public()
                records.append(
                    {
                        "fingerprint_id": len(records) + 1,
                        "customer_id": c["customer_id"],
                        "imei": self.imei() if android and self.rng.random() < 0.5 else None,
                        "oaid": str(self.fake.uuid4()) if android else None,
                        "ip_address": ip,
                        "user_agent": self.fake.android_platform_token()
                        if android
                        else self.fake.ios_platform_token(),
                        "os_version": f"Android {self.rng.randrange(9, 15)}"
                        if android
                        else f"iOS {self.rng.randrange(14, 18)}",
                        "first_seen_at": _ts(first),
                        "last_seen_at": _ts(self.moment(first, AS_OF)),
                    }
                )
        return records

    def consents(self, customers: Sequence[Record]) -> list[Record]:
        records: list[Record] = []
        scopes = (("credit_query", "separate"), ("sensitive_pi", "separate"), ("marketing", "general"))
        for c in customers:
            granted = _parse(c["created_at"])
            for scope, kind in scopes:
                if scope == "marketing" and self.rng.random() < 0.4:
                    continue
                withdrawn = None
                if scope == "marketing" and self.rng.random() < 0.3:
                    withdrawn = self.moment(granted, AS_OF)
                records.append(
                    {
                        "consent_id": len(records) + 1,
                        "customer_id": c["customer_id"],
                        "consent_type": kind,
                        "scope": scope,
                        "policy_version": "v2.3" if granted.year >= 2022 else "v1.0",
                        "channel": self.rng.choice(("app", "app", "h5", "offline")),
                        "granted_at": _ts(granted),
                        "withdrawn_at": _ts(withdrawn),
                    }
                )
        return records

    def sms_codes(self, customers: Sequence[Record]) -> list[Record]:
        records: list[Record] = []
        for c in customers:
            for _ in range(self.rng.choice((1, 2, 2, 3))):
                # Most codes are recent; the purge job stopped in 2019, so old ones are still there.
                start = _EPOCH if self.rng.random() < 0.2 else AS_OF - dt.timedelta(days=90)
                sent = self.moment(max(start, _parse(c["created_at"])), AS_OF)
                used = (
                    sent + dt.timedelta(seconds=self.rng.randrange(10, 200))
                    if self.rng.random() < 0.8
                    else None
                )
                records.append(
                    {
                        "sms_id": len(records) + 1,
                        "mobile": c["sjhm"],
                        "verify_code": self.digits(6),
                        "purpose": self.rng.choice(("login", "login", "bind_card", "sign_contract")),
                        "sent_at": _ts(sent),
                        "expires_at": _ts(sent + dt.timedelta(minutes=5)),
                        "used_at": _ts(used),
                    }
                )
        return records

    def operation_log(
        self, customers: Sequence[Record], applications: Sequence[Record], contracts: Sequence[Record]
    ) -> list[Record]:
        records: list[Record] = []
        for _ in range(self.n * 3):
            kind = self.rng.random()
            when = self.moment(_EPOCH, AS_OF)
            if kind < 0.2:
                c = self.rng.choice(customers)
                action, target_type, target_id = "update_mobile", "customer", c["customer_id"]
                # The application logs the old and new number in clear: personal data in a log table.
                detail = f"修改客户手机号: {c['sjhm']} -> {self.mobile()}"
            elif kind < 0.35:
                c = self.rng.choice(customers)
                action, target_type, target_id = "resend_sms", "customer", c["customer_id"]
                detail = f"resend verification code to {c['sjhm']}"
            elif kind < 0.65:
                a = self.rng.choice(applications)
                action, target_type, target_id = "review_application", "loan_application", a["application_id"]
                detail = f"审批结果: {a['status']}"
            elif kind < 0.85 and contracts:
                k = self.rng.choice(contracts)
                action, target_type, target_id = "view_contract", "loan_contract", k["contract_id"]
                detail = f"查看合同 {k['contract_no']}"
            else:
                action, target_type, target_id = "export_report", None, None
                detail = f"导出逾期名单 {self.rng.randrange(10, 500)} 条"
            records.append(
                {
                    "log_id": len(records) + 1,
                    "operator": f"op{self.rng.randrange(1, 25):02d}",
                    "action": action,
                    "target_type": target_type,
                    "target_id": target_id,
                    "detail": detail,
                    "created_at": _ts(when),
                }
            )
        records.sort(key=lambda r: r["created_at"])
        for index, record in enumerate(records, start=1):
            record["log_id"] = index
        return records


# -- helpers ------------------------------------------------------------------------------------


def _ts(value: dt.datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else None


def _parse(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _uscc(rng: random.Random) -> str:
    """An enterprise USCC (`91` + division + organisation code) with a valid check character."""
    from stdnum.cn import uscc

    body = "91" + rng.choice(_ADDRESS_CODES) + "".join(rng.choice(_USCC_ALPHABET) for _ in range(9))
    return body + uscc.calc_check_digit(body)
