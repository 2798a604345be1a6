# METADATA
# title: Analytics zones hold pseudonymous keys, not direct identifiers
# description: >-
#   Tables the catalog places in zone `analytics` (warehouse, BI, data science) carry pseudonymous keys
#   instead of the direct identifiers that name a person: ID-document numbers, mobile numbers, card
#   numbers and names (and their child categories). Such a column stored in clear (protection none,
#   masked or tde_only) is a finding. Views are not in scope; encrypted, tokenized, hashed or truncated
#   columns are allowed.
# custom:
#   rule: GDPR32-ANALYTICS-PSEUDONYMISED
#   kind: unencrypted_sensitive
#   severity: medium
#   references:
#     - GDPR Art. 25(1) (secondary source)
#     - GDPR Art. 32(1)(a) (secondary source)
#     - PIPL Art. 51(3)
#     - GB/T 35273-2020 6.2 (secondary source)
#   remediation: >-
#     Load analytics tables with a pseudonymous key (a keyed hash or a token of the customer id) instead
#     of the identifier, drop names and numbers the analysis does not need, and declare the protection
#     in the catalog.
#   title_zh: 分析区数据须去标识化，不得存放直接标识符
#   remediation_zh: "分析区的表应以去标识化的假名键（客户号的带密钥哈希或令牌）代替证件号码、手机号码、银行卡号及姓名等直接标识符，\
#     删除分析不需要的字段，并在数据目录中声明保护方式。"
package plaudit.rules.storage.analytics_pseudonymised

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.facts

identifiers := facts.tree({"identity.national_id", "contact.phone", "account.bank_card", "identity.name"})

in_clear := {"none", "masked", "tde_only"}

deny contains finding if {
	some column in catalog.columns_in_zone("analytics")
	column.category in identifiers
	protection := object.get(column, "protection", "none")
	protection in in_clear

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s in the analytics zone holds a direct identifier (%s) in clear (protection '%s'); replace it with a pseudonymous key.",
			[column.resource, column.category, protection],
		),
	}
}
