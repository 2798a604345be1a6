# METADATA
# title: Tables holding personal information declare their retention
# description: >-
#   Personal information may be kept only as long as its purpose needs. Every base table with
#   personal-information columns declares in the catalog a retention period and the anchor column the
#   period runs from (e.g. closed_at); an anchor that names no column of the table cannot drive a purge.
#   Views are not in scope: they store nothing.
# custom:
#   rule: PIPL19-RETENTION-DECLARED
#   kind: retention_undeclared
#   severity: high
#   references:
#     - PIPL Art. 19
#     - PIPL Art. 17 (unverified)
#     - GB/T 35273-2020 6.1 a (unverified)
#     - GDPR Art. 5(1)(e)
#     - PCI DSS v4.0 3.2.1
#   remediation: >-
#     Add `retention: {period: <e.g. 5y>, anchor: <column the period runs from>}` to the table's catalog
#     entry (with `legal_floor` where a law requires keeping records, and the `purge_job` that enforces
#     it).
#   title_zh: 含个人信息的表须声明保存期限
#   remediation_zh: "在数据目录中该表的条目下添加 `retention: {period: <如 5y>, anchor: <期限起算字段>}`（法律要求保存记录的，\
#     同时声明 `legal_floor`，以及执行清理的 `purge_job`）。"
package plaudit.rules.lifecycle.retention_declared

import rego.v1

import data.plaudit.lib.facts
import data.plaudit.lib.facts.column_resources
import data.plaudit.lib.facts.pi_tables

deny contains finding if {
	some table in pi_tables
	problem := problem_of(table)

	finding := {
		"resource": table.resource,
		"location": location_of(table),
		"message": sprintf("Table %s holds personal information (%s) but %s.", [
			table.resource,
			facts.name_list(table.pi_columns),
			problem,
		]),
	}
}

# problem_of names the first thing wrong with a table's retention, so each table yields one finding
# (a violation's fingerprint is its rule and resource).
problem_of(table) := "has no catalog entry; add it to the catalog with `retention: {period, anchor}`" if {
	not is_object(object.get(table, "catalog", null))
} else := "its catalog entry declares no retention; add `retention: {period, anchor}`" if {
	not is_object(object.get(table.catalog, "retention", null))
} else := sprintf("its retention has no %s; add it to the catalog entry", [concat(" and no ", missing)]) if {
	missing := [key | some key in ["period", "anchor"]; not declares(table.catalog.retention, key)]
	count(missing) > 0
} else := sprintf(
	"its retention anchor '%s' is not a column of the table; name the column the period runs from",
	[table.catalog.retention.anchor],
) if {
	anchor := object.get(table.catalog.retention, "anchor", null)
	is_string(anchor)
	not facts.column_resource(table, anchor) in column_resources
}

# A store that expires its rows by itself (`ttl: 5min`, an OTP table) needs neither period nor anchor.
declares(retention, _) if facts.filled(retention, "ttl")

declares(retention, key) if facts.filled(retention, key)

# The finding points at the table's definition, or at its catalog entry when the scan has no location.
location_of(table) := table.location if {
	is_object(table.location)
} else := table.catalog.location if {
	is_object(table.catalog.location)
} else := null
