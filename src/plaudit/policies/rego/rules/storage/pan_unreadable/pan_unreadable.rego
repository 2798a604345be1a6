# METADATA
# title: Stored card numbers (PAN) are unreadable
# description: >-
#   PCI DSS requires the primary account number to be unreadable wherever it is stored: strong
#   encryption with key management, a keyed hash of the whole PAN, an index token or truncation.
#   An unkeyed or slow hash (kdf_hash), display masking and disk-level encryption (tde_only) do not
#   qualify.
#   Columns of views are not in scope: a view stores nothing.
# custom:
#   rule: PCI351-PAN-UNREADABLE
#   kind: unencrypted_sensitive
#   severity: critical
#   references:
#     - PCI DSS v4.0 3.5.1
#     - PCI DSS v4.0 3.5.1.1
#     - PCI DSS v4.0 3.5.1.2
#     - JR/T 0171-2020 6.1.3 (unverified)
#   remediation: >-
#     Replace the card number with a token from the card vault, keep only a truncated form (first 6 /
#     last 4 at most), store a keyed hash (HMAC) of the whole PAN for lookups, or encrypt the column with
#     a key managed outside the database; declare the method under `protection:` in the catalog.
#   title_zh: 存储的银行卡号（PAN）须不可读
#   remediation_zh: "以卡号令牌库生成的令牌替代卡号，仅保留截断形式（最多前 6 后 4 位），存储完整卡号的带密钥哈希（HMAC）\
#     用于查询，或使用在数据库之外管理的密钥对该字段加密；并在数据目录的 `protection:` 中声明所用方式。"
package plaudit.rules.storage.pan_unreadable

import rego.v1

import data.plaudit.lib.facts.stored_columns

accepted := {"encrypted", "keyed_hash", "tokenized", "truncated"}

deny contains finding if {
	some column in stored_columns
	column.pci == "PAN"
	protection := object.get(column, "protection", "none")
	not protection in accepted

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s stores card numbers (PAN) with protection '%s', which leaves them readable; tokenize, truncate, keyed-hash or encrypt the column and declare the method in the catalog.",
			[column.resource, protection],
		),
	}
}
