# METADATA
# title: Sensitive personal information has a recorded legal basis
# description: >-
#   Sensitive personal information (PIPL Art. 28: financial accounts, ID numbers, biometrics, location
#   and the like) may be processed only on a recorded lawful basis; where that basis is consent, it must
#   be separate consent. Every base table with such a column declares its legal basis in the catalog.
# custom:
#   rule: PIPL29-SPI-SEPARATE-CONSENT
#   kind: missing_purpose_or_basis
#   severity: high
#   references:
#     - PIPL Art. 13
#     - PIPL Art. 29
#     - PIPL Art. 14-15 (unverified)
#     - JR/T 0171-2020 6.1.1
#   remediation: >-
#     Add `legal_basis:` (consent, contract, legal_obligation, ...) to the table's catalog entry; when it
#     is consent, make sure the consent is separate and recorded in the consent ledger.
#   title_zh: 敏感个人信息须记录处理的合法性基础
#   remediation_zh: "在数据目录中该表的条目下添加 `legal_basis:`（consent、contract、legal_obligation 等）\
#     ；以同意为基础的，须确保取得单独同意并记录于同意台账。"
package plaudit.rules.collection.spi_legal_basis

import rego.v1

import data.plaudit.lib.facts
import data.plaudit.lib.facts.pi_tables
import data.plaudit.lib.facts.sensitive_column_resources

deny contains finding if {
	some table in pi_tables
	not facts.filled(table.catalog, "legal_basis")
	sensitive := [name |
		some name in table.pi_columns
		facts.column_resource(table, name) in sensitive_column_resources
	]
	count(sensitive) > 0

	finding := {
		"resource": table.resource,
		"location": object.get(table, "location", null),
		"message": sprintf(
			"Table %s holds sensitive personal information (%s) but declares no legal basis; add `legal_basis:` to its catalog entry (separate consent where the basis is consent).",
			[table.resource, facts.name_list(sensitive)],
		),
	}
}
