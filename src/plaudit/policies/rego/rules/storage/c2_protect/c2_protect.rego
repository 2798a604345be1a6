# METADATA
# title: C2 direct identifiers are protected at field level
# description: >-
#   Identity, passport, card, account and phone numbers and KYC media (JR/T 0171 class C2 direct
#   identifiers) need field-level protection where they are stored. Masking at display time is not
#   storage protection. Card numbers (PCI PAN) are left to PCI351-PAN-UNREADABLE, which is stricter.
#   A documented exception is a waiver for this rule.
#   Columns of views are not in scope: a view stores nothing.
# custom:
#   rule: JRT0171-STORE-C2-PROTECT
#   kind: unencrypted_sensitive
#   severity: high
#   references:
#     - JR/T 0171-2020 6.1.3 (unverified)
#     - GB/T 22239-2019 L3 数据保密性 b
#     - PIPL Art. 51(3)
#   remediation: >-
#     Encrypt the column (with a key in a KMS), tokenize it or replace it with a keyed hash for lookups,
#     and declare the method under `protection:` in the catalog; if the clear value is truly needed,
#     record a waiver with the compensating control and an expiry date.
#   title_zh: C2 类直接标识符须采取字段级保护
#   remediation_zh: "对该字段加密存储（密钥由 KMS 管理）、进行令牌化，或以带密钥哈希替代用于查询，并在数据目录的 `protection:` 中声明所用方式；\
#     确需保存明文的，须登记注明补偿控制措施且设有到期日的豁免。"
package plaudit.rules.storage.c2_protect

import rego.v1

import data.plaudit.lib.facts
import data.plaudit.lib.facts.stored_columns

direct_identifiers := {
	"identity.national_id",
	"identity.passport",
	"account.bank_card",
	"account.bank_account",
	"contact.phone",
	"media.photo",
}

unprotected := {"none", "masked"}

scope := facts.tree(direct_identifiers)

deny contains finding if {
	some column in stored_columns
	column.category in scope
	protection := object.get(column, "protection", "none")
	protection in unprotected
	not column.pci == "PAN"

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s stores a C2 direct identifier (%s) with protection '%s'; encrypt, tokenize or keyed-hash it and declare the method in the catalog (display masking does not protect storage).",
			[column.resource, column.category, protection],
		),
	}
}
