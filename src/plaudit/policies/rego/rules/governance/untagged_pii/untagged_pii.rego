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
			"Column %s looks like %s (%s, class %v, confidence %.2f) but has no catalog entry; add it to the catalog with `category: %s` and a protection method.",
			[column.resource, title, detected.category, level, detected.confidence, detected.category],
		),
	}
}

min_confidence := params.value("min_confidence", 0.6)

severity(level) := "medium" if level == "C1" else := "high"
