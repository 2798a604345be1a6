# METADATA
# title: Audit trails are append-only and kept long enough
# description: >-
#   Audit records must be protected against modification and deletion, and kept at least 180 days
#   (365 when the database holds card numbers: PCI DSS asks for twelve months). An audit table (catalog
#   `role: audit`, or a name with a part audit, audit_trail, log, logs, journal or trail) is judged when
#   the database holds C2 or C3 data: an UPDATE, DELETE, TRUNCATE or ALL grant on it to a role outside
#   the parameter `audit_roles` (default none: nobody may rewrite audit rows) is excessive access; a
#   declared retention (period or ttl) below `audit_min_retention` (default 180d) or, with card numbers,
#   `audit_min_retention_pci` (default 365d) violates the retention floor. One finding per table.
# custom:
#   rule: MLPS-AUDIT-PROTECT-RETAIN
#   kind: excessive_access
#   severity: high
#   requires: []
#   references:
#     - GB/T 22239-2019 L3 安全审计 c, d
#     - GB/T 22239-2019 L3 安全管理中心 集中管控
#     - Cybersecurity Law Art. 21(3) (secondary source; renumbered Art. 23 in 2025, unverified)
#     - PCI DSS v4.0 10.5.1
#     - GB/T 35273-2020 11.7 d, f (unverified)
#   remediation: >-
#     Revoke UPDATE, DELETE and TRUNCATE on audit tables from every role but the audit administrators
#     (grant the application INSERT only), ship audit records to a central store, and keep them at least
#     180 days (365 with card data), declared as the table's retention.
#   title_zh: 审计记录须防篡改并按规定期限留存
#   remediation_zh: "撤销除审计管理员以外所有角色对审计表的 UPDATE、DELETE、TRUNCATE 权限（应用仅授予 INSERT）\
#     ，将审计记录集中汇聚存储，并至少保存 180 天（涉及银行卡数据的至少 365 天），在数据目录中声明该保存期限。"
package plaudit.rules.logging.audit_protect

import rego.v1

import data.plaudit.lib.access
import data.plaudit.lib.access.grants
import data.plaudit.lib.catalog
import data.plaudit.lib.data as sampled
import data.plaudit.lib.duration
import data.plaudit.lib.facts
import data.plaudit.lib.params

audit_name := `(?i)(^|_)(audit|audits|audit_?trail|log|logs|journal|trail)(_|$|[0-9])`

audit_table(table) if catalog.role(table) == "audit"

audit_table(table) if {
	is_string(table.table)
	maybe_audit(lower(table.table))
	regex.match(audit_name, table.table)
}

# A cheap test every audit-like name passes, so the regex (compiled on every call) runs on few tables.
maybe_audit(name) if contains(name, "audit")

maybe_audit(name) if contains(name, "log")

maybe_audit(name) if contains(name, "journal")

maybe_audit(name) if contains(name, "trail")

audit_tables := [table | some table in facts.tables; catalog.base(table); audit_table(table)]

holds_protected if {
	some table in facts.pi_tables
	table.max_level in {"C2", "C3"}
}

holds_pan if {
	some column in facts.columns
	sampled.pan(column)
}

audit_roles := roles if {
	roles := params.value("audit_roles", [])
	is_array(roles)
} else := []

modifying := {"UPDATE", "DELETE", "TRUNCATE", "ALL", "ALL PRIVILEGES"}

rewriters(table) := sort({sprintf("%s holds %s", [grant.grantee, upper(grant.privilege)]) |
	some grant in grants
	is_string(grant.privilege)
	upper(grant.privilege) in modifying
	is_string(grant.grantee)
	not access.allowed(grant.grantee, audit_roles)
	access.covers(grant, table)
})

min_retention := params.value("audit_min_retention_pci", "365d") if holds_pan else := params.value("audit_min_retention", "180d")

deny contains finding if {
	holds_protected
	some table in audit_tables
	rewrite := rewriters(table)
	short := short_problem(catalog.retention(table))
	problems := rewrite_problem(rewrite) | short
	count(problems) > 0

	finding := {
		"resource": table.resource,
		"location": catalog.location_of(table),
		"kind": kind(rewrite),
		"message": sprintf(
			"Audit table %s %s; audit records are append-only and kept at least %v.",
			[table.resource, concat(" and ", sort(problems)), min_retention],
		),
	}
}

rewrite_problem(rewrite) := {sprintf("can be rewritten by roles outside audit_roles (%s)", [facts.name_list(rewrite)])} if {
	count(rewrite) > 0
} else := set()

short_problem(retention) := {sprintf("declares a retention of %v, below %v", [duration.retention_text(retention), min_retention])} if {
	duration.retention(retention) < duration.seconds(min_retention)
} else := set()

kind(rewrite) := "excessive_access" if count(rewrite) > 0 else := "retention_floor_violated"
