# METADATA
# title: Bulk exports of C2/C3 data carry a recorded approval
# description: >-
#   `COPY … TO`, psql `\copy … to`, `SELECT … INTO OUTFILE`, Redshift `UNLOAD` and BigQuery `EXPORT DATA`
#   write whole tables out of the database, beyond its access control and audit. Batch copying or
#   downloading personal information needs internal approval; in SQL kept in git the approval is an
#   annotation on the statement, `-- plaudit: approved ticket="DATA-123"`, so reviewers see it and the
#   ticket is searchable. Exports whose sensitive columns all pass a mask or hash are not in scope.
# custom:
#   rule: GBT35273-71-BULK-EXPORT
#   kind: unmasked_exposure
#   severity: high
#   references:
#     - GB/T 35273-2020 7.1 b (secondary source)
#     - PCI DSS v4.0 3.4.2
#     - JR/T 0171-2020 6.1.4 (unverified)
#   remediation: >-
#     Get the export approved and record the ticket on the statement with
#     `-- plaudit: approved ticket="<ticket id>"`; better, export a masked or pseudonymised projection
#     of only the columns the recipient needs.
#   title_zh: C2/C3 类信息批量导出须有审批记录
#   remediation_zh: >-
#     履行内部审批手续，并在该语句上以 `-- plaudit: approved ticket="<工单号>"` 记录审批工单；更好的做法是仅导出
#     接收方所需字段的屏蔽或去标识化结果。
package plaudit.rules.migration.bulk_export

import rego.v1

import data.plaudit.lib.facts

deny contains finding if {
	some op in facts.operations
	op.op == "export"
	not is_string(op.approval)
	clear := [flow |
		some flow in op.flows
		flow.masked != true
		not flow.protected == true
		flow.max_level in {"C2", "C3"}
	]
	count(clear) > 0
	categories := {c | some flow in clear; some c in flow.categories}
	finding := {
		"resource": op.resource,
		"location": object.get(op, "location", null),
		"severity": severity_of(clear),
		"message": sprintf(
			"%s exports %s in clear (%s) from %s without an approval; annotate the statement with -- plaudit: approved ticket=\"…\" once approved.",
			[
				object.get(op, "statement", "A bulk export"),
				facts.name_list([flow.column | some flow in clear]),
				concat(", ", sort(categories)), op.resource,
			],
		),
	}
}

severity_of(clear) := "critical" if {
	some flow in clear
	flow.max_level == "C3"
} else := "high"
