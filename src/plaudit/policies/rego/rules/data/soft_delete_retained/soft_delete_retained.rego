# METADATA
# title: Deleting personal information makes it unrecoverable
# description: >-
#   Soft deletes that keep the personal values are not deletion. A table whose rows are marked deleted
#   (`deleted_at` / `is_deleted` set) while their personal columns are still filled fails once the count
#   reaches `soft_delete_min_rows` (default 1). Medium. Evidence: data checks `retention`
#   (soft_deleted_with_pi); checks that failed prove nothing and give no finding.
# custom:
#   rule: DELETE-MEANS-UNRECOVERABLE
#   kind: retention_exceeded
#   severity: medium
#   references:
#     - GB/T 35273-2020 (definition of deletion) (unverified)
#     - PCI DSS v4.0 3.2.1
#     - GB/T 22239-2019 剩余信息保护
#   remediation: >-
#     When a row is soft-deleted, null or anonymise its personal columns in the same transaction (keep
#     only the key and non-personal fields the business needs), or purge soft-deleted rows after a short
#     grace period; then clean up the rows already soft-deleted with personal values.
#   title_zh: 删除个人信息须使其不可恢复
#   remediation_zh: "逻辑删除一行数据时，在同一事务中将其个人信息字段置空或匿名化（仅保留业务所需的主键及非个人信息字段）\
#     ，或在较短的宽限期后物理清除逻辑删除的数据；并清理已逻辑删除但仍保留个人信息的存量数据。"
package plaudit.rules.data.soft_delete_retained

import rego.v1

import data.plaudit.lib.data as sampled
import data.plaudit.lib.params

min_rows := params.value("soft_delete_min_rows", 1)

deny contains finding if {
	some check in sampled.results("retention")
	retained := sampled.detail(check, "soft_deleted_with_pi")
	retained > 0
	retained >= min_rows
	table := sampled.table_of(check)

	finding := {
		"resource": check.resource,
		"location": object.get(table, "location", null),
		"message": sprintf(
			"Table %s has %d soft-deleted rows whose personal columns are still filled; deletion must make personal information unrecoverable: null or anonymise the personal columns when soft-deleting, or purge the rows.",
			[check.resource, retained],
		),
	}
}
