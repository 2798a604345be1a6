# METADATA
# title: Logs carry no personal financial information in clear
# description: >-
#   Sampled text of log, audit, temp and backup tables is scanned for embedded identifiers: ID numbers
#   passing MOD 11-2, Luhn-valid card numbers and track data, 11-digit mobiles, e-mail addresses and
#   password / PIN / CVV / OTP key=value pairs. Critical for C3 and card data (secrets, PAN, track),
#   high for C2 identifiers. Evidence: data checks `log_pii` (counts per kind, masked exemplars).
# custom:
#   rule: LOG-NO-CLEAR-PFI
#   kind: pii_in_logs
#   severity: high
#   references:
#     - PCI DSS v4.0 3.3.1
#     - PCI DSS v4.0 3.5.1
#     - JR/T 0171-2020 (logs; unverified)
#   remediation: >-
#     Mask identifiers before they are logged (ID 3+4, card 6+4, mobile 3+4), never log passwords, PINs,
#     CVV or OTP values, purge or redact the rows already written, and shorten the table's retention.
#   title_zh: 日志中不得明文记录个人金融信息
#   remediation_zh: "在写入日志前对标识符进行屏蔽（证件号码保留前 3 后 4 位、银行卡号前 6 后 4 位、手机号码前 3 后 4 位）\
#     ，不得记录密码、PIN、CVV 及动态验证码；清除或脱敏已写入的记录，并缩短该表的保存期限。"
package plaudit.rules.data.log_pii

import rego.v1

import data.plaudit.lib.data as sampled

# Kinds of hits that are C3 or PCI card data: critical wherever they are logged.
critical_kinds := {"secret_kv", "bank_card", "track"}

deny contains finding if {
	some check in sampled.results("log_pii")
	kinds := object.get(check, ["details", "kinds"], {})
	is_object(kinds)
	found := sort([sprintf("%s: %d", [kind, n]) | some kind, n in kinds; n > 0])
	count(found) > 0
	table := sampled.table_of(check)

	finding := {
		"resource": check.resource,
		"location": object.get(table, "location", null),
		"severity": severity(kinds),
		"message": sprintf(
			"Log table %s holds personal information in clear in %d of %d sampled values (%s).",
			[check.resource, check.matched, check.sampled, concat(", ", found)],
		),
	}
}

severity(kinds) := "critical" if {
	some kind in critical_kinds
	kinds[kind] > 0
} else := "high"
