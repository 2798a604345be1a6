# METADATA
# title: No rows outlive their declared retention
# description: >-
#   Rows whose retention anchor is older than the declared period (counted in the database, rows on
#   legal hold exempt) must have been deleted or anonymised. High; critical when the table holds C3
#   data. Evidence: data checks `retention` (expired_rows, oldest_age_days, cutoff).
# custom:
#   rule: PIPL19-RETENTION-EXCEEDED
#   kind: retention_exceeded
#   severity: high
#   references:
#     - PIPL Art. 19
#     - PIPL Art. 47(1)(2) (unverified)
#     - GB/T 35273-2020 6.1 b (unverified)
#     - PCI DSS v4.0 3.2.1
#     - GDPR Art. 5(1)(e)
#   remediation: >-
#     Run (or fix) the purge job for the table so that rows past the period are deleted or anonymised,
#     schedule it at least quarterly, and put rows that must be kept for a legal reason on legal hold
#     instead of keeping everything.
#   title_zh: 数据不得超过声明的保存期限留存
#   remediation_zh: "运行（或修复）该表的清理任务，删除或匿名化超过保存期限的数据，且至少每季度执行一次；因法定原因须保留的记录应设置法律保留标记，\
#     而不是全部保留。"
package plaudit.rules.data.retention_exceeded

import rego.v1

import data.plaudit.lib.data as sampled

deny contains finding if {
	some check in sampled.results("retention")
	expired := sampled.detail(check, "expired_rows")
	expired > 0
	table := sampled.table_of(check)

	finding := {
		"resource": check.resource,
		"location": object.get(table, "location", null),
		"severity": severity(table),
		"message": sprintf(
			"Table %s has %d rows older than its retention of %v (anchor %v before %v; oldest %v days), not on legal hold.",
			[
				check.resource, expired,
				object.get(check.details, "period", "?"), object.get(check.details, "anchor", "?"),
				object.get(check.details, "cutoff", "?"), object.get(check.details, "oldest_age_days", "?"),
			],
		),
	}
}

severity(table) := "critical" if table.max_level == "C3" else := "high"
