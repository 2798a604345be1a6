# METADATA
# title: Only named, purpose-bound roles read tables holding personal information
# description: >-
#   A grant of SELECT (or ALL) that lets PUBLIC, or MySQL's anonymous account (''@host, a wildcard for
#   every user), read a base table holding personal information breaks least privilege: every account
#   of the database can read it. A grant on `*` (every table of a schema) counts for each of its tables;
#   a column grant counts only when a granted column is personal. Once the parameter `allowed_readers`
#   lists the roles meant to read such tables, a read grant to any other role is judged too; an empty
#   list (the default) means no allow-list is configured and only grants to everyone are judged. An
#   entry matches the grantee exactly ('app'@'10.%' or app@10.%) or by user name alone (app, any host).
#   `allowed_readers_by_level: {C3: [...], C2: [...]}` gives the roles allowed to read each class: for a
#   table whose highest class has a list there, that list replaces `allowed_readers`.
#   Severity is critical when the grant exposes C3 data (a table-wide grant on a table whose highest
#   class is C3, or a column grant naming a C3 column), high otherwise. One finding per table.
# custom:
#   rule: MLPS-DB-LEAST-PRIVILEGE
#   kind: excessive_access
#   severity: high
#   references:
#     - GB/T 22239-2019 L3 访问控制
#     - PIPL Art. 51(4)
#     - GB/T 35273-2020 7.1 a, c (unverified)
#     - PCI DSS v4.0 7.2 (unverified)
#   remediation: >-
#     Revoke the grant (REVOKE SELECT ON <table> FROM PUBLIC), give read access to named roles whose
#     purpose needs it, narrowed to the columns they need (column grants, or a masking view) and, where
#     purposes differ by row, row-level security; list those roles under `policy: allowed_readers` in
#     plaudit.yaml.
#   title_zh: 仅限具名且目的明确的角色读取含个人信息的表
#   remediation_zh: "撤销该授权（REVOKE SELECT ON <表> FROM PUBLIC），仅向业务目的确需访问的具名角色授予读取权限，\
#     并限定到其所需字段（字段级授权或脱敏视图）；不同数据行对应不同目的时启用行级安全策略；在 plaudit.yaml 的 `policy: allowed_readers` 中列出这些角色。"
package plaudit.rules.access.excessive_access

import rego.v1

import data.plaudit.lib.access
import data.plaudit.lib.access.grants
import data.plaudit.lib.facts
import data.plaudit.lib.facts.pi_tables
import data.plaudit.lib.params

allowed_readers := readers if {
	readers := params.value("allowed_readers", [])
	is_array(readers)
} else := []

# Per-class allow-lists (`allowed_readers_by_level: {C3: [...], C2: [...]}`) narrow the general one for
# tables whose highest class is that level.
readers_by_level := levels if {
	levels := params.value("allowed_readers_by_level", {})
	is_object(levels)
} else := {}

readers_for(table) := readers if {
	readers := readers_by_level[table.max_level]
	is_array(readers)
} else := allowed_readers

# judged holds for a grantee this rule looks at on a table: everyone always; any other role once an
# allow-list applies to the table and does not name it.
judged(grantee, _) if access.everyone(grantee)

judged(grantee, table) if {
	readers := readers_for(table)
	count(readers) > 0
	not access.everyone(grantee)
	not access.allowed(grantee, readers)
}

# c3_columns are the lower-cased resources of C3 columns, to rate a column grant by what it exposes.
c3_columns contains lower(column.resource) if {
	some column in facts.columns
	column.level == "C3"
	is_string(column.resource)
}

# exposures are the (table, grant) pairs through which a judged grantee reads personal information.
exposures contains exposure if {
	some grant in grants
	access.reads(grant)
	is_string(grant.grantee)
	some table in pi_tables
	access.covers(grant, table)
	judged(grant.grantee, table)
	exposed := access.exposed(grant, table)
	count(exposed) > 0

	exposure := {
		"key": sprintf("%s|%s|%s", [grant.grantee, upper(grant.privilege), concat(",", exposed)]),
		"table": table.resource,
		"text": describe(grant, exposed),
		"critical": critical(grant, table, exposed),
		"location": object.get(grant, "location", null),
	}
}

describe(grant, exposed) := sprintf("%s holds %s, exposing %s", [
	grant.grantee,
	upper(grant.privilege),
	facts.name_list(exposed),
]) if {
	count(object.get(grant, "columns", [])) == 0
} else := sprintf("%s holds %s on (%s), exposing %s", [
	grant.grantee,
	upper(grant.privilege),
	facts.name_list(grant.columns),
	facts.name_list(exposed),
])

critical(grant, table, _) := true if {
	count(object.get(grant, "columns", [])) == 0
	table.max_level == "C3"
} else := true if {
	count(object.get(grant, "columns", [])) > 0
	some name in grant.columns
	facts.column_resource(table, name) in c3_columns
} else := false

deny contains finding if {
	some table in pi_tables
	found := [e | some e in exposures; e.table == table.resource]
	count(found) > 0
	keys := sort([e.key | some e in found])
	first := [e | some e in found; e.key == keys[0]][0]

	finding := {
		"resource": table.resource,
		"location": location_of(first, table),
		"severity": severity_of(found),
		"message": sprintf(
			"Table %s holds personal information (%s) and is readable beyond least privilege: %s. Revoke the grant and give read access only to named roles whose purpose needs it.",
			[table.resource, facts.name_list(table.pi_columns), concat("; ", sort([e.text | some e in found]))],
		),
	}
}

severity_of(found) := "critical" if {
	some e in found
	e.critical
} else := "high"

# The finding points at the grant (its GRANT statement in a SQL file), else at the table.
location_of(exposure, table) := exposure.location if {
	is_object(exposure.location)
} else := table.location if {
	is_object(table.location)
} else := null
