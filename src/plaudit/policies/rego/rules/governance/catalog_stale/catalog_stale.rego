# METADATA
# title: The catalog describes only objects that exist
# description: >-
#   A catalog entry whose table or column the scan did not find is stale: a renamed column keeps its
#   protection rules only on paper, while the real column goes unclassified.
# custom:
#   rule: PLAUDIT-CATALOG-STALE
#   kind: catalog_stale
#   severity: medium
#   references:
#     - PIPL Art. 51(2)
#   remediation: >-
#     Fix the entry's name to match the schema (and classify the renamed object), or remove the entry if
#     the object was dropped.
package plaudit.rules.governance.catalog_stale

import rego.v1

import data.plaudit.lib.facts.catalog_entries

deny contains finding if {
	some entry in catalog_entries
	entry.found == false

	finding := {
		"resource": entry.resource,
		"location": object.get(entry, "location", null),
		"message": sprintf(
			"The catalog describes %s %s, which the scan did not find; rename the entry to match the schema or remove it.",
			[object.get(entry, "kind", "object"), entry.resource],
		),
	}
}
