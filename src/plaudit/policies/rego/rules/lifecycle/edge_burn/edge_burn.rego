# METADATA
# title: Edge stores keep no C3 data and one-time codes expire at once
# description: >-
#   "Burn after reading": caches, client-side databases shipped in apps and other stores the catalog
#   places in zone `edge` must not declare C3 columns, card numbers or ID-document numbers (one finding
#   per column, prohibited_storage). One-time codes expire right after use: a table that stores them
#   (named like otp, sms_code, verify_code, verification_code, or holding an auth.secret column so
#   named) must declare a retention `ttl` (or period) of at most the parameter `otp_max` (default 5min);
#   none, or a longer one, is a finding on the table (retention_exceeded). Views are not in scope.
# custom:
#   rule: CO-EDGE-BURN-AFTER-READ
#   kind: prohibited_storage
#   severity: high
#   references:
#     - Company policy (burn after reading)
#     - JR/T 0171-2020 6.1.3 (terminals keep no C3; unverified)
#     - JR/T 0092-2019 (unverified)
#     - PIPL Art. 6
#     - PIPL Art. 19
#   remediation: >-
#     Keep C3 data, card and ID numbers out of edge stores (hold a token or a verification result
#     instead); give one-time-code stores an expiry of at most five minutes (`retention: {ttl: 5min}`,
#     enforced by a TTL index, a Redis EXPIRE or a purge job) and delete codes once used.
#   title_zh: 边缘存储不得留存 C3 类信息，一次性验证码须即用即焚
#   remediation_zh: "缓存、客户端本地数据库等边缘存储不得保存 C3 类信息、银行卡号及证件号码（改为保存令牌或验证结果）\
#     ；一次性验证码的存储须设置不超过五分钟的有效期（`retention: {ttl: 5min}`，由 TTL 索引、\
#     Redis EXPIRE 或清理任务执行），使用后立即删除。"
package plaudit.rules.lifecycle.edge_burn

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.data as sampled
import data.plaudit.lib.duration
import data.plaudit.lib.facts
import data.plaudit.lib.facts.stored_columns
import data.plaudit.lib.params

id_documents := facts.tree({"identity.national_id", "identity.passport"})

deny contains finding if {
	some column in catalog.columns_in_zone("edge")
	what := forbidden(column)

	finding := {
		"resource": column.resource,
		"location": object.get(column, "location", null),
		"message": sprintf(
			"Column %s stores %s in an edge store; edge and client-side stores keep no C3 data, card or ID numbers.",
			[column.resource, what],
		),
	}
}

forbidden(column) := "card numbers (PCI PAN)" if {
	sampled.pan(column)
} else := sprintf("C3 data (%v)", [column.category]) if {
	sampled.level(column) == "C3"
} else := sprintf("ID-document numbers (%s)", [column.category]) if {
	column.category in id_documents
}

otp_name := `(?i)(^|_)(otp|sms_?code|verify_?code|verification_?code|dynamic_?code|yzm)s?(_|$)`

secrets := facts.tree({"auth.secret"})

otp_table(table) if {
	is_string(table.table)
	regex.match(otp_name, table.table)
}

otp_table(table) if table.resource in tables_with_otp_columns

# tables_with_otp_columns hold a secret column named like a one-time code; found from the secret
# columns (few) rather than by reading every table's columns.
tables_with_otp_columns contains facts.table_resource(column) if {
	some column in stored_columns
	column.category in secrets
	is_string(column.column)
	regex.match(otp_name, column.column)
}

otp_max := params.value("otp_max", "5min")

deny contains finding if {
	some table in facts.tables
	catalog.base(table)
	otp_table(table)
	problem := otp_problem(catalog.retention(table))

	finding := {
		"resource": table.resource,
		"location": catalog.location_of(table),
		"kind": "retention_exceeded",
		"message": sprintf(
			"Table %s stores one-time codes but %s; codes must expire within %v of issue.",
			[table.resource, problem, otp_max],
		),
	}
}

otp_problem(retention) := "declares no expiry (`retention: {ttl: ...}`)" if {
	not duration.retention(retention)
} else := sprintf("keeps them for %v", [duration.retention_text(retention)]) if {
	duration.retention(retention) > duration.seconds(otp_max)
}
