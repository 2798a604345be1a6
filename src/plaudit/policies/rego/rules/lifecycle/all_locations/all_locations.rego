# METADATA
# title: Copies of personal data keep the retention of their source
# description: >-
#   Backups, archives, replicas and staging copies inherit the retention of the data they copy. A base
#   table holding personal information is a copy when the catalog says so (`copy_of: <table>`, or
#   `role:` backup, archive, replica or staging) or when its name is another scanned table's name with
#   a suffix _bak, _backup, _copy, _old, _tmp or a date (_2023, _202301, _20230115). A copy with no
#   retention (period or ttl) is a finding, and so is one that keeps data longer than its source plus
#   the parameter `backup_cycle` (default 0d). A copy whose source declares no retention is left to
#   PIPL19-RETENTION-DECLARED for the source.
# custom:
#   rule: PCI321-ALL-LOCATIONS
#   kind: retention_undeclared
#   severity: medium
#   references:
#     - PCI DSS v4.0 3.2.1
#     - PIPL Art. 19
#   remediation: >-
#     Give the copy a retention no longer than its source's (plus the backup cycle) and a purge job that
#     enforces it, or drop the copy; declare `copy_of:` in the catalog so the link is explicit.
#   title_zh: 个人信息的所有存储位置（含备份与副本）均须遵循源数据的保存期限
#   remediation_zh: "为副本设置不超过源表（加备份周期）的保存期限及执行删除的清理任务，或直接删除该副本；并在数据目录中声明 `copy_of:`，\
#     明确其与源表的关系。"
package plaudit.rules.lifecycle.all_locations

import rego.v1

import data.plaudit.lib.catalog
import data.plaudit.lib.duration
import data.plaudit.lib.facts
import data.plaudit.lib.facts.pi_tables
import data.plaudit.lib.params

copy_suffix := `(?i)^(.+?)_(bak|backup|copy|old|tmp|[0-9]{4}([0-9]{2}){0,2})$`

copy_roles := {"backup", "archive", "replica", "staging"}

backup_cycle := duration.seconds(params.value("backup_cycle", "0d"))

# source_of is the scanned table a copy copies: the catalog's copy_of, else the name before the suffix
# (in the same schema). The first match wins, so two tables of one name cannot make it ambiguous.
source_of(table) := declared[0] if {
	is_string(catalog.entry(table).copy_of)
	target := lower(trim_space(catalog.entry(table).copy_of))
	declared := [source |
		some source in facts.tables
		source.resource != table.resource
		names_table(target, source)
	]
	count(declared) > 0
} else := named[0] if {
	is_string(table.table)
	regex.match(copy_suffix, table.table)
	stem := lower(regex.replace(table.table, copy_suffix, "$1"))
	named := [source |
		some source in facts.tables
		catalog.base(source)
		norm(object.get(source, "table", null)) == stem
		norm(object.get(source, "schema", null)) == norm(object.get(table, "schema", null))
	]
	count(named) > 0
}

source_or_null(table) := source if source := source_of(table) else := null

names_table(target, source) if target == norm(object.get(source, "resource", null))

names_table(target, source) if target == concat(".", [norm(object.get(source, "schema", null)), norm(object.get(source, "table", null))])

names_table(target, source) if {
	not contains(target, ".")
	target == norm(object.get(source, "table", null))
}

norm(name) := lower(name) if is_string(name) else := ""

is_copy(table) if catalog.role(table) in copy_roles

is_copy(table) if {
	_ := source_of(table)
}

deny contains finding if {
	some table in pi_tables
	is_copy(table)
	not duration.retention(catalog.retention(table))
	source := source_or_null(table)

	finding := {
		"resource": table.resource,
		"location": catalog.location_of(table),
		"message": sprintf(
			"Table %s is a copy%s holding personal information (%s) but declares no retention; give it the source's retention and a purge job, or drop it.",
			[table.resource, of_text(source), facts.name_list(table.pi_columns)],
		),
	}
}

deny contains finding if {
	some table in pi_tables
	source := source_of(table)
	kept := duration.retention(catalog.retention(table))
	allowed := duration.retention(catalog.retention(source))
	kept > allowed + backup_cycle

	finding := {
		"resource": table.resource,
		"location": catalog.location_of(table),
		"kind": "retention_exceeded",
		"message": sprintf(
			"Table %s is a copy%s holding personal information but keeps it for %v, longer than the source's %v%s; shorten the copy's retention.",
			[
				table.resource, of_text(source),
				duration.retention_text(catalog.retention(table)), duration.retention_text(catalog.retention(source)),
				cycle_text,
			],
		),
	}
}

of_text(source) := sprintf(" of %s", [source.resource]) if is_string(source.resource) else := ""

cycle_text := sprintf(" plus the backup cycle of %v", [params.value("backup_cycle", "0d")]) if backup_cycle > 0 else := ""
