# METADATA
# title: Sensitive personal information is flagged as sensitive
# description: >-
#   The PIPL sensitive flag drives the separate-consent, impact-assessment and protection rules, so a
#   category that PIPL Art. 28 makes sensitive must carry it. A stored column is a finding when its
#   category is in the sensitive set (parameter `spi_categories`: passwords, card verification data,
#   biometrics, ID and passport numbers, special categories, precise location, card and account
#   numbers, transactions, credit records, KYC media, and their children) or its class is C3, but
#   its category is not PIPL-sensitive: typically a catalog `taxonomy:` child declared
#   `pipl_sensitive: false` under a sensitive parent, or a column raised to C3 by the catalog while its
#   category stays non-sensitive. Secrets and tokens (auth.secret) are C3 without being personal and
#   are left out. Views are not in scope.
# custom:
#   rule: PIPL28-SPI-FLAG
#   kind: untagged_pii
#   severity: medium
#   references:
#     - PIPL Art. 28
#   remediation: >-
#     Remove `pipl_sensitive: false` from the catalog's taxonomy entry (a child inherits the flag of its
#     parent), or give the column a category that matches its content; treat the data as sensitive
#     personal information (separate consent, impact assessment, strict protection).
#   title_zh: 敏感个人信息须标记为敏感
#   remediation_zh: "删除数据目录 `taxonomy:` 中该类别的 `pipl_sensitive: false`（子类别继承上级类别的敏感标记）\
#     ，或为该字段指定与其内容相符的类别；按敏感个人信息管理（单独同意、个人信息保护影响评估、严格保护措施）\
#     。"
package plaudit.rules.governance.spi_flag

import rego.v1

import data.plaudit.lib.data as sampled
import data.plaudit.lib.facts
import data.plaudit.lib.facts.stored_columns
import data.plaudit.lib.params

default_spi := [
	"auth.password", "auth.card_verification", "auth.biometric",
	"identity.national_id", "identity.passport", "identity.special",
	"location.precise",
	"account.bank_card", "account.bank_account",
	"financial.transaction", "credit.record", "media.photo",
]

spi_keys := keys if {
	keys := params.value("spi_categories", default_spi)
	is_array(keys)
} else := default_spi

spi := facts.tree({key | some key in spi_keys})

# Secrets and tokens are C3 (they open accounts) but often not personal: SPEC §4 marks them so.
not_personal := facts.tree({"auth.secret"})

deny contains finding if {
	some column in stored_columns
	is_string(column.category)
	not sensitive(column)
	why := reason(column)

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s has category %s, which %s, but the category is not flagged PIPL-sensitive; drop `pipl_sensitive: false` from the taxonomy or fix the category.",
			[column.resource, column.category, why],
		),
	}
}

sensitive(column) if column.pipl_sensitive == true

sensitive(column) if {
	not is_boolean(object.get(column, "pipl_sensitive", null))
	facts.taxonomy[column.category].pipl_sensitive == true
}

reason(column) := "is sensitive personal information under PIPL Art. 28" if {
	column.category in spi
} else := "is class C3" if {
	sampled.level(column) == "C3"
	not column.category in not_personal
}
