-- plaudit demo: the core database of a licensed consumer-finance company (消费金融公司), SQLite dialect.
--
-- Synthetic and deliberately imperfect. Alongside well-protected columns it keeps the problems that
-- audits of real lenders keep finding, so that `plaudit demo` has something true to report:
--   * pinyin column names inherited from an early core system (khxm, sfzh, sjhm, yhkh);
--   * an ID number in clear beside its half-migrated ciphertext;
--   * a card number in clear, a stored CVV and card expiry, a plaintext payment password;
--   * phone numbers written into a free-text operation log;
--   * rows kept long after the customer relationship closed.
-- SQLite has no COMMENT ON; the comments below are for people, the names must speak for themselves.

-- Borrowers. Column names of the 2016 core system are pinyin initials.
CREATE TABLE customer (
    customer_id    INTEGER PRIMARY KEY,
    khxm           VARCHAR(64)  NOT NULL,          -- 客户姓名 customer name
    sfzh           CHAR(18)     NOT NULL,          -- 身份证号 resident ID number, still in clear
    sfzh_cipher    VARCHAR(128),                   -- the same number under SM4-GCM, base64 (migration half done)
    sjhm           VARCHAR(20)  NOT NULL,          -- 手机号码 mobile number
    email          VARCHAR(128),
    birth_date     DATE         NOT NULL,
    gender         CHAR(1)      NOT NULL,          -- M / F, derived from the ID number
    ethnicity      VARCHAR(16),                    -- 民族, asked on the paper application form
    home_address   VARCHAR(255),
    risk_level     VARCHAR(8),
    created_at     TIMESTAMP    NOT NULL,
    closed_at      TIMESTAMP                       -- set when every contract is settled
);
CREATE UNIQUE INDEX ux_customer_sfzh ON customer (sfzh);

-- App and web login accounts.
CREATE TABLE user_account (
    account_id          INTEGER PRIMARY KEY,
    customer_id         INTEGER NOT NULL REFERENCES customer (customer_id),
    username            VARCHAR(64)  NOT NULL UNIQUE,
    login_password_hash CHAR(60)     NOT NULL,    -- bcrypt, cost 12
    failed_login_count  INTEGER      NOT NULL DEFAULT 0,
    last_login_ip       VARCHAR(45),
    last_login_at       TIMESTAMP,
    status              VARCHAR(16)  NOT NULL DEFAULT 'active',
    created_at          TIMESTAMP    NOT NULL
);

-- Debit cards bound for disbursement and automatic repayment (绑卡).
CREATE TABLE bank_card (
    card_id          INTEGER PRIMARY KEY,
    customer_id      INTEGER NOT NULL REFERENCES customer (customer_id),
    yhkh             VARCHAR(19) NOT NULL,         -- 银行卡号 card number
    bank_name        VARCHAR(64) NOT NULL,
    card_type        VARCHAR(8)  NOT NULL,         -- debit / credit
    cvv              CHAR(3),                      -- kept "for faster re-binding" by the 2017 payment module
    card_expiry      CHAR(5),                      -- MM/YY
    reserved_mobile  VARCHAR(20),                  -- 银行预留手机号 mobile registered at the bank
    pay_password     VARCHAR(16),                  -- 6-digit payment password of the old wallet feature
    is_default       INTEGER     NOT NULL DEFAULT 0,
    bound_at         TIMESTAMP   NOT NULL,
    unbound_at       TIMESTAMP
);

-- Loan products on offer: no personal information at all.
CREATE TABLE product_config (
    product_code      VARCHAR(16) PRIMARY KEY,
    product_name      VARCHAR(64)    NOT NULL,
    annual_rate_min   DECIMAL(6, 4)  NOT NULL,
    annual_rate_max   DECIMAL(6, 4)  NOT NULL,
    max_amount        DECIMAL(12, 2) NOT NULL,
    max_term_months   INTEGER        NOT NULL,
    repayment_method  VARCHAR(32)    NOT NULL,     -- equal_installment / interest_first
    is_active         INTEGER        NOT NULL DEFAULT 1,
    updated_at        TIMESTAMP      NOT NULL
);

-- Loan applications as submitted from the app.
CREATE TABLE loan_application (
    application_id    INTEGER PRIMARY KEY,
    customer_id       INTEGER NOT NULL REFERENCES customer (customer_id),
    product_code      VARCHAR(16)    NOT NULL REFERENCES product_config (product_code),
    requested_amount  DECIMAL(12, 2) NOT NULL,
    requested_term    INTEGER        NOT NULL,
    loan_purpose      VARCHAR(32),
    monthly_income    DECIMAL(12, 2),
    employer_name     VARCHAR(128),
    employer_uscc     CHAR(18),                    -- employer's unified social credit code
    apply_ip          VARCHAR(45),
    gps_latitude      DECIMAL(9, 6),
    gps_longitude     DECIMAL(9, 6),
    status            VARCHAR(16)    NOT NULL,     -- submitted / approved / rejected / cancelled
    applied_at        TIMESTAMP      NOT NULL,
    decided_at        TIMESTAMP
);

-- Signed loan contracts.
CREATE TABLE loan_contract (
    contract_id     INTEGER PRIMARY KEY,
    contract_no     VARCHAR(32)    NOT NULL UNIQUE,
    application_id  INTEGER        NOT NULL REFERENCES loan_application (application_id),
    customer_id     INTEGER        NOT NULL REFERENCES customer (customer_id),
    card_id         INTEGER        REFERENCES bank_card (card_id),   -- disbursement and repayment card
    principal       DECIMAL(12, 2) NOT NULL,
    annual_rate     DECIMAL(6, 4)  NOT NULL,
    term_months     INTEGER        NOT NULL,
    signed_at       TIMESTAMP      NOT NULL,
    maturity_date   DATE           NOT NULL,
    contract_status VARCHAR(16)    NOT NULL,       -- active / settled / overdue / written_off
    closed_at       TIMESTAMP
);

-- Repayment plan, one row per installment, with what was actually paid.
CREATE TABLE repayment_schedule (
    schedule_id     INTEGER PRIMARY KEY,
    contract_id     INTEGER        NOT NULL REFERENCES loan_contract (contract_id),
    installment_no  INTEGER        NOT NULL,
    due_date        DATE           NOT NULL,
    principal_due   DECIMAL(12, 2) NOT NULL,
    interest_due    DECIMAL(12, 2) NOT NULL,
    paid_amount     DECIMAL(12, 2) NOT NULL DEFAULT 0,
    paid_at         TIMESTAMP,
    overdue_days    INTEGER        NOT NULL DEFAULT 0,
    UNIQUE (contract_id, installment_no)
);

-- Credit bureau (征信) queries and their results.
CREATE TABLE credit_report (
    report_id         INTEGER PRIMARY KEY,
    customer_id       INTEGER     NOT NULL REFERENCES customer (customer_id),
    bureau            VARCHAR(32) NOT NULL,        -- PBOC credit reference centre / Baihang
    query_reason      VARCHAR(32) NOT NULL,        -- loan_approval / post_loan_management
    credit_score      INTEGER,
    report_body_enc   TEXT,                        -- full report, SM4-GCM ciphertext, base64
    authorization_no  VARCHAR(32),                 -- the customer's signed query authorisation
    queried_at        TIMESTAMP   NOT NULL
);

-- Emergency contacts given by the borrower (third-party personal information).
CREATE TABLE emergency_contact (
    contact_id         INTEGER PRIMARY KEY,
    customer_id        INTEGER     NOT NULL REFERENCES customer (customer_id),
    contact_name       VARCHAR(64) NOT NULL,
    relationship       VARCHAR(16) NOT NULL,       -- parent / spouse / sibling / colleague / friend
    contact_phone_enc  VARCHAR(128) NOT NULL,      -- AES-256-GCM ciphertext, base64
    created_at         TIMESTAMP   NOT NULL
);

-- Collection (催收) actions on overdue contracts, including calls to emergency contacts.
CREATE TABLE collection_record (
    record_id       INTEGER PRIMARY KEY,
    contract_id     INTEGER     NOT NULL REFERENCES loan_contract (contract_id),
    collector_id    VARCHAR(16) NOT NULL,
    channel         VARCHAR(16) NOT NULL,          -- call / sms / letter / visit
    called_name     VARCHAR(64),                   -- who was reached: the borrower or a contact
    called_phone    VARCHAR(20),
    overdue_days    INTEGER     NOT NULL,
    promised_amount DECIMAL(12, 2),
    result          VARCHAR(32) NOT NULL,
    note            TEXT,
    contacted_at    TIMESTAMP   NOT NULL
);

-- Device fingerprints collected by the anti-fraud SDK in the app.
CREATE TABLE device_fingerprint (
    fingerprint_id  INTEGER PRIMARY KEY,
    customer_id     INTEGER     NOT NULL REFERENCES customer (customer_id),
    imei            VARCHAR(16),
    oaid            VARCHAR(64),
    ip_address      VARCHAR(45),
    user_agent      VARCHAR(255),
    os_version      VARCHAR(32),
    first_seen_at   TIMESTAMP   NOT NULL,
    last_seen_at    TIMESTAMP   NOT NULL
);

-- What back-office staff did. `detail` is free text written by the application.
CREATE TABLE operation_log (
    log_id      INTEGER PRIMARY KEY,
    operator    VARCHAR(32) NOT NULL,
    action      VARCHAR(32) NOT NULL,
    target_type VARCHAR(32),
    target_id   INTEGER,
    detail      TEXT,
    created_at  TIMESTAMP   NOT NULL
);

-- Consent ledger: what each customer agreed to, when, and when it was withdrawn.
CREATE TABLE consent_record (
    consent_id      INTEGER PRIMARY KEY,
    customer_id     INTEGER     NOT NULL REFERENCES customer (customer_id),
    consent_type    VARCHAR(16) NOT NULL,          -- separate / general
    scope           VARCHAR(64) NOT NULL,          -- credit_query / sensitive_pi / marketing / third_party_sharing
    policy_version  VARCHAR(16) NOT NULL,
    channel         VARCHAR(16) NOT NULL,
    granted_at      TIMESTAMP   NOT NULL,
    withdrawn_at    TIMESTAMP
);

-- One-time SMS verification codes for login, card binding and signing.
CREATE TABLE sms_verification_code (
    sms_id       INTEGER PRIMARY KEY,
    mobile       VARCHAR(20) NOT NULL,
    verify_code  CHAR(6)     NOT NULL,
    purpose      VARCHAR(16) NOT NULL,             -- login / bind_card / sign_contract
    sent_at      TIMESTAMP   NOT NULL,
    expires_at   TIMESTAMP   NOT NULL,
    used_at      TIMESTAMP
);

-- Work list of the collection team: masks the ID number, but projects name and mobile in full.
CREATE VIEW v_collection_worklist AS
SELECT c.contract_no,
       cu.khxm AS customer_name,
       cu.sjhm AS mobile,
       substr(cu.sfzh, 1, 3) || '***********' || substr(cu.sfzh, 15, 4) AS id_no_masked,
       c.principal,
       max(r.overdue_days) AS overdue_days
FROM loan_contract c
JOIN customer cu ON cu.customer_id = c.customer_id
JOIN repayment_schedule r ON r.contract_id = c.contract_id
WHERE r.overdue_days > 0
GROUP BY c.contract_no, cu.khxm, cu.sjhm, cu.sfzh, c.principal;

-- Monthly portfolio figures for management: aggregates only.
CREATE VIEW v_portfolio_monthly AS
SELECT substr(signed_at, 1, 7) AS month,
       count(*) AS contracts,
       sum(principal) AS principal_total,
       avg(annual_rate) AS average_rate
FROM loan_contract
GROUP BY substr(signed_at, 1, 7);
