# METADATA
# title: Views do not fuse personal information collected for incompatible purposes
# description: >-
#   Combining data collected for one purpose with data collected for another (collection-agency
#   contacts with marketing leads) is new processing that needs its own purpose and basis. A view whose
#   columns show personal information from two base tables whose catalog `purposes` are disjoint, with
#   no pair of their purposes declared compatible, is a finding. Compatible purposes are listed in the
#   parameter `compatible_purposes` as groups, e.g. [[credit_underwriting, account_servicing,
#   collection]] (default: none; a purpose is always compatible with itself). Tables without declared
#   purposes are left to PIPL6-COLLECT-PURPOSE. Only columns a view shows are seen (view lineage):
#   tables used only to filter or join are not.
# custom:
#   rule: GBT35273-76-PURPOSE-FUSION
#   kind: missing_purpose_or_basis
#   severity: medium
#   references:
#     - PIPL Art. 6
#     - GB/T 35273-2020 7.6 (unverified)
#     - GDPR Art. 5(1)(b)
#   remediation: >-
#     Split the view so that each serves one purpose, or declare the combined purpose on the tables
#     (with its legal basis) and, where the purposes are truly compatible, list them together under
#     `compatible_purposes`.
#   title_zh: 视图不得汇聚融合为不相容目的收集的个人信息
#   remediation_zh: "拆分视图使其仅服务于单一目的；或在相关表上声明融合后的处理目的（及其合法性基础），确属相容的目的，可在 `compatible_purposes` 中将其列为同一组。"
package plaudit.rules.collection.purpose_fusion

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.data as sampled
import data.plaudit.lib.facts
import data.plaudit.lib.params

default flows := []

flows := input.flows if is_array(input.flows)

groups := g if {
	g := params.value("compatible_purposes", [])
	is_array(g)
} else := []

# purposes_of are the declared purposes of a table, lower-cased; empty when none.
purposes_of(table) := {lower(trim_space(p)) |
	some p in catalog.array_of(object.get(catalog.entry(table), "purposes", []))
	is_string(p)
	trim_space(p) != ""
}

compatible(a, b) if a == b

compatible(a, b) if {
	some group in groups
	names := {lower(x) | some x in catalog.array_of(group); is_string(x)}
	a in names
	b in names
}

# fused(x, y) holds when no purpose of x is compatible with a purpose of y.
fused(x, y) if {
	count(x) > 0
	count(y) > 0
	not any_compatible(x, y)
}

any_compatible(x, y) if {
	some a in x
	some b in y
	compatible(a, b)
}

# sources_of are the base tables whose personal columns a view shows.
sources_of(view) := {table.resource: table |
	some flow in flows
	flow.view == view
	some source in catalog.array_of(flow.sources)
	column := sampled.columns_by_resource[source]
	table := catalog.table_of(column)
	is_string(table.resource)
}

deny contains finding if {
	some view in {flow.view | some flow in flows; is_string(flow.view)}
	sources := sources_of(view)
	pairs := sort({sprintf("%s %v vs %s %v", [a, sort(purposes_of(sources[a])), b, sort(purposes_of(sources[b]))]) |
		some a, ta in sources
		some b, tb in sources
		a < b
		fused(purposes_of(ta), purposes_of(tb))
	})
	count(pairs) > 0

	finding := {
		"resource": view,
		"location": view_location(view),
		"message": sprintf(
			"View %s combines personal information collected for incompatible purposes (%s); split it, or declare the combined purpose and list compatible purposes under `compatible_purposes`.",
			[view, concat("; ", pairs)],
		),
	}
}

view_location(view) := location if {
	located := [flow.location | some flow in flows; flow.view == view; is_object(flow.location)]
	count(located) > 0
	location := located[0]
} else := null
