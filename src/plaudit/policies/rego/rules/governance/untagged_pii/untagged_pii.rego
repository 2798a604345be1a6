# METADATA
# title: Personal information is classified in the catalog
# description: >-
#   A column that the classifier recognises as personal information (with at least the configured
#   confidence) but that the catalog does not list escapes every class-driven control: it has no
#   declared protection, purpose or retention. Unclassified PI is itself a control failure.
#   Parameter: min_confidence (default 0.6). C1 columns are reported as medium.
#   Columns of views are not in scope: a view stores nothing.
# custom:
#   rule: DSL21-CLASSIFY-COVERAGE
#   kind: untagged_pii
#   severity: high
#   references:
#     - DSL Art. 21
#     - PIPL Art. 51(2)
#     - JR/T 0171-2020 4.2
#   remediation: >-
#     Add the column to the catalog with its category (which sets its class) and a protection method.
#     If it holds no personal information, record a waiver for this rule with the reason.
#   title_zh: 个人信息须在数据目录中完成分类分级
#   remediation_zh: "在数据目录中登记该字段及其类别（据此确定其级别）和保护方式；如其不含个人信息，请就本规则登记附理由的豁免。"
package plaudit.rules.governance.untagged_pii

import rego.v1

import data.plaudit.lib.facts.stored_columns
import data.plaudit.lib.facts.taxonomy
import data.plaudit.lib.params

deny contains finding if {
	some column in stored_columns
	column.in_catalog == false
	detected := column.detected
	detected.confidence >= min_confidence
	is_string(detected.category)

	level := object.get(taxonomy, [detected.category, "level"], column.level)
	title := object.get(taxonomy, [detected.category, "title"], detected.category)
	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"severity": severity(level),
		"message": sprintf(
			"Column %s looks like %s (%s, class %v, confidence %v) but has no catalog entry; add it to the catalog with `category: %s` and a protection method.",
			[column.resource, title, detected.category, level, two_places(detected.confidence), detected.category],
		),
	}
}

min_confidence := params.value("min_confidence", 0.6)

# two_places rounds for the message; `%.2f` rounds and prints differently in the in-process engine and
# in Go OPA (0.995, and integers), so the number is rounded first and printed with %v.
two_places(x) := round(x * 100) / 100

severity(level) := "medium" if level == "C1" else := "high"
