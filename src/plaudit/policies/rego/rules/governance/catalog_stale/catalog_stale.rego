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
#   title_zh: 数据目录仅描述实际存在的对象
#   remediation_zh: "将条目名称修正为与数据库结构一致（并对改名后的对象进行分类分级），如对象已删除则移除该条目。"
package plaudit.rules.governance.catalog_stale

import rego.v1

import data.plaudit.lib.facts.catalog_entries

deny contains finding if {
	some entry in catalog_entries
	entry.found == false

	finding := {
		"resource": entry.resource,
		"location": location_of(entry),
		"message": sprintf(
			"The catalog describes %s %s, which %s; rename the entry to match the schema or remove it.",
			[object.get(entry, "kind", "object"), entry.resource, what_happened(entry)],
		),
	}
}

# A rename or drop the scan saw is where the catalog fell behind: a pre-merge check points at it.
location_of(entry) := entry.removed_at if {
	is_object(object.get(entry, "removed_at", null))
} else := object.get(entry, "location", null)

what_happened(entry) := sprintf("was renamed or dropped at %s:%v", [entry.removed_at.path, entry.removed_at.line]) if {
	is_object(object.get(entry, "removed_at", null))
} else := "the scan did not find"
