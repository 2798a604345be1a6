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
#   title_zh: 个人信息须声明处理目的
#   remediation_zh: "在数据目录中该表的条目下添加 `purposes: [...]`，说明收集每个个人信息字段的目的；删除任何目的都不需要的字段。"
package plaudit.rules.collection.purpose_declared

import rego.v1

import data.plaudit.lib.facts
import data.plaudit.lib.facts.pi_tables
import data.plaudit.lib.params

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

# The approved purpose register (parameter `approved_purposes`): when set, a declared purpose outside
# it is no justification for collecting the data.
approved := {p | some p in params.value("approved_purposes", [])}

deny contains finding if {
	count(approved) > 0
	some table in pi_tables
	unapproved := [p | some p in table.catalog.purposes; is_string(p); not p in approved]
	count(unapproved) > 0

	finding := {
		"resource": table.resource,
		"location": object.get(table.catalog, "location", object.get(table, "location", null)),
		"severity": severity(table.max_level),
		"message": sprintf(
			"Table %s declares purposes outside the approved purpose register: %s; use a registered purpose or register it.",
			[table.resource, concat(", ", unapproved)],
		),
	}
}

has_purpose(table) if {
	some purpose in table.catalog.purposes
	is_string(purpose)
	trim_space(purpose) != ""
}

severity(level) := "high" if level in {"C2", "C3"} else := "medium"
