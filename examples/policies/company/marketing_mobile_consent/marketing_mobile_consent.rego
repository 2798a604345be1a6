# METADATA
# title: Customer mobile numbers in marketing tables need consent
# description: >-
#   A company rule, written as an example of a user policy: customers' mobile numbers may sit in the
#   tables of the marketing schemas only when the table's catalog entry records consent as the legal
#   basis (PIPL Art. 13(1)), because marketing calls and text messages rely on it. Views are out of
#   scope (they store nothing); so are columns whose category is not a phone number.
# custom:
#   rule: ACME-MKT-MOBILE-CONSENT
#   kind: missing_purpose_or_basis
#   severity: high
#   references:
#     - PIPL Art. 13(1)
#     - ACME data handbook 4.2 (company rule)
#   remediation: >-
#     Record `legal_basis: consent` on the table's catalog entry once marketing consent is collected
#     and kept in the consent ledger, or move the mobile number out of the marketing schema.
#   title_zh: 营销表中的客户手机号须有同意
#   remediation_zh: >-
#     收集营销同意并记入同意台账后，在该表的目录条目中写明 `legal_basis: consent`；否则把手机号移出营销库。
package plaudit.rules.company.marketing_mobile_consent

import rego.v1

import data.plaudit.lib.facts
import data.plaudit.lib.params

# marketing_schemas can be tuned in plaudit.yaml: `policy: {params: {marketing_schemas: [mkt, crm]}}`.
marketing_schemas := {lower(name) | some name in params.value("marketing_schemas", ["marketing"])}

phone_categories := facts.tree({"contact.phone"})

tables_by_resource := {table.resource: table | some table in facts.tables}

deny contains finding if {
	some column in facts.stored_columns
	is_string(column.schema)
	lower(column.schema) in marketing_schemas
	column.category in phone_categories
	table := object.get(tables_by_resource, facts.table_resource(column), {})
	not consented(table)

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"%s holds customers' mobile numbers in a marketing table whose catalog entry records no consent; declare `legal_basis: consent` or move the column out of schema %s.",
			[column.resource, column.schema],
		),
	}
}

consented(table) if table.catalog.legal_basis == "consent"
