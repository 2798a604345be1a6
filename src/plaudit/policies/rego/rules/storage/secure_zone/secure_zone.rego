# METADATA
# title: C3 data and card numbers live only in the secure zone
# description: >-
#   C3 columns and card numbers (PCI PAN) are stored only in tables the catalog places in zone
#   `secure`, whose access is controlled as a security zone. A C3 or PAN column of a base table whose
#   catalog zone is another one (general, analytics, nonprod, edge) is a finding, and so is a view
#   outside the secure zone whose columns show data from secure-zone tables. Tables and views whose
#   catalog states no zone are not judged.
# custom:
#   rule: CO-SECURE-ZONE-C3
#   kind: excessive_access
#   severity: high
#   references:
#     - Company policy (database security zones)
#     - GB/T 22239-2019 L3 区域边界 访问控制
#     - JR/T 0171-2020 6.1.3 (unverified)
#   remediation: >-
#     Move the column (or the table) into a schema or database of the secure zone and give other zones
#     only tokens, keyed hashes or verification results; move views over secure-zone tables into the
#     secure zone, or build them from de-identified columns.
#   title_zh: C3 类信息及银行卡号仅可存放于安全区
#   remediation_zh: "将该字段（或所在表）迁移至安全区的库或模式中，其他区域仅使用令牌、带密钥哈希或验证结果；基于安全区表的视图应移入安全区，\
#     或改为基于去标识化后的字段构建。"
package plaudit.rules.storage.secure_zone

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.data as sampled
import data.plaudit.lib.facts

default flows := []

flows := input.flows if is_array(input.flows)

deny contains finding if {
	some table in facts.tables
	catalog.base(table)
	stated := catalog.zone(table)
	stated != "secure"
	some column in catalog.columns_of(table)
	what := scope(column)

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s holds %s in a table of zone '%s'; C3 data and card numbers belong in the secure zone.",
			[column.resource, what, stated],
		),
	}
}

scope(column) := "card numbers (PCI PAN)" if {
	sampled.pan(column)
} else := sprintf("C3 data (%v)", [object.get(column, "category", null)]) if {
	sampled.level(column) == "C3"
}

# secure_tables are the resources of base tables the catalog places in the secure zone.
secure_tables contains table.resource if {
	some table in facts.tables
	catalog.base(table)
	catalog.zone(table) == "secure"
}

deny contains finding if {
	some view in facts.tables
	view.kind == "view"
	zone := catalog.zone(view)
	zone != "secure"
	shown := sort({sprintf("%s <- %s", [flow.column, source]) |
		some flow in flows
		flow.view == view.resource
		some source in catalog.array_of(flow.sources)
		is_string(source)
		source_table(source) in secure_tables
	})
	count(shown) > 0

	finding := {
		"resource": view.resource,
		"location": catalog.location_of(view),
		"message": sprintf(
			"View %s in zone '%s' shows columns of secure-zone tables (%s); keep it in the secure zone or build it from de-identified data.",
			[view.resource, zone, facts.name_list(shown)],
		),
	}
}

source_table(source) := table if {
	parts := split(source, ".")
	count(parts) > 1
	table := concat(".", array.slice(parts, 0, count(parts) - 1))
}
