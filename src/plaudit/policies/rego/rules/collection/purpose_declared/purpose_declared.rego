# METADATA
# title: Personal information has a declared purpose
# description: >-
#   Processing must be tied to an explicit purpose and limited to what it needs. Every base table with
#   personal-information columns declares at least one purpose in the catalog. High when the table
#   holds C2 or C3 data, medium otherwise.
# custom:
#   rule: PIPL6-COLLECT-PURPOSE
#   kind: missing_purpose_or_basis
#   severity: high
#   references:
#     - PIPL Art. 6
#     - GB/T 22239-2019 L3 个人信息保护 a
#     - GDPR Art. 5(1)(b)
#     - GDPR Art. 5(1)(c)
#     - GB/T 35273-2020 5.2 (unverified)
#   remediation: >-
#     Add `purposes: [...]` to the table's catalog entry naming why each personal-information column is
#     collected; drop the columns no purpose needs.
package plaudit.rules.collection.purpose_declared

import rego.v1

import data.plaudit.lib.facts
import data.plaudit.lib.facts.pi_tables

deny contains finding if {
	some table in pi_tables
	not has_purpose(table)

	finding := {
		"resource": table.resource,
		"location": object.get(table, "location", null),
		"severity": severity(table.max_level),
		"message": sprintf(
			"Table %s holds personal information (%s; up to %v) but declares no purpose; add `purposes:` to its catalog entry.",
			[table.resource, facts.name_list(table.pi_columns), table.max_level],
		),
	}
}

has_purpose(table) if {
	some purpose in table.catalog.purposes
	is_string(purpose)
	trim_space(purpose) != ""
}

severity(level) := "high" if level in {"C2", "C3"} else := "medium"
