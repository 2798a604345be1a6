# METADATA
# title: A change that adds personal information declares it in the catalog in the same change
# description: >-
#   Shift-left for privacy by default: when a migration adds a column that holds personal information
#   (by its name, comment or type), the same pull request must give it a catalog entry with its
#   category (and so its JR/T 0171 class), the purposes it is collected for and how long it is kept.
#   Judged on pre-merge checks only (`plaudit check`), where `columns[].added` marks the columns
#   declared in a changed file; columns of views store nothing and are left to the exposure rules.
# custom:
#   rule: GDPR25-SHIFT-LEFT-MIGRATION
#   kind: untagged_pii
#   severity: medium
#   references:
#     - GDPR Art. 25(2) (secondary source)
#     - PIPL Art. 6
#     - DSL Art. 21 (secondary source)
#   remediation: >-
#     In the same change, add the column to the catalog with its `category`, and make sure its table's
#     entry declares `purposes:` and `retention: {period, anchor}`; if the column is not personal
#     information, list it with `category: null` so the decision is recorded.
#   title_zh: 新增个人信息字段须在同一变更中完成目录登记
#   remediation_zh: >-
#     在同一变更中将该字段加入数据目录并填写 `category`（据此确定 JR/T 0171 级别），并确保所在表的目录条目声明了
#     `purposes:`（处理目的）和 `retention: {period, anchor}`（保存期限及起算字段）；如该字段不是个人信息，请以
#     `category: null` 登记，使判断有据可查。
package plaudit.rules.migration.shift_left

import rego.v1

import data.plaudit.lib.facts

added_pi contains column if {
	some column in facts.stored_columns
	column.added == true
	is_string(column.category)
}

deny contains finding if {
	some column in added_pi
	missing := gaps(column)
	count(missing) > 0
	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"kind": kind_of(missing),
		"message": sprintf(
			"This change adds column %s, which looks like personal information (%s), without %s in the catalog; declare it in the same change.",
			[column.resource, column.category, concat(", ", missing)],
		),
	}
}

entry_gap := "a catalog entry (category)"

gaps(column) := array.concat([entry_gap], table_gaps(column)) if {
	column.in_catalog != true
} else := table_gaps(column)

# table_gaps are what the column's table entry lacks: both when the catalog does not describe it.
table_gaps(column) := gaps if {
	some table in facts.tables
	table.resource == facts.table_resource(column)
	gaps := missing_in(object.get(table, "catalog", null))
} else := ["purposes", "retention"]

missing_in(entry) := ["purposes", "retention"] if {
	not is_object(entry)
} else := [gap | some gap in ["purposes", "retention"]; not declares(entry, gap)]

declares(entry, "purposes") if {
	is_array(entry.purposes)
	count(entry.purposes) > 0
}

declares(entry, "retention") if {
	is_object(entry.retention)
	facts.filled(entry.retention, "period")
}

kind_of(missing) := "untagged_pii" if {
	entry_gap in missing
} else := "retention_undeclared" if {
	missing == ["retention"]
} else := "missing_purpose_or_basis"
