package plaudit.rules.logging.audit_protect_test

import rego.v1

import data.plaudit.rules.logging.audit_protect

table(name, catalog) := {
	"resource": sprintf("lending.public.%s", [name]), "schema": "public", "table": name, "kind": "table",
	"columns": ["actor", "action"], "location": {"path": "V2.sql", "line": 8}, "catalog": catalog,
}

customer := {"resource": "lending.public.customer.id_no", "column": "id_no", "category": "identity.national_id", "level": "C2", "pci": null}

card := {"resource": "lending.public.card.pan", "column": "pan", "category": "account.bank_card", "level": "C2", "pci": "PAN"}

# data_table is the business table a column belongs to, with the highest class the facts give it.
data_table(column) := {
	"resource": substring(column.resource, 0, count(column.resource) - count(column.column) - 1),
	"kind": "table", "columns": [column.column], "pi_columns": [column.column], "max_level": column.level,
}

# doc is a facts document: the audit tables, the data columns and their tables, and the grants.
doc(tables, columns, grants) := {
	"tables": array.concat(tables, [data_table(c) | some c in columns]),
	"columns": columns,
	"grants": grants,
}

grant(privilege, name, grantee) := {"privilege": privilege, "schema": "public", "table": name, "columns": [], "grantee": grantee}

test_delete_grant_on_audit_table_is_denied if {
	findings := audit_protect.deny with input as doc([table("audit_log", null)], [customer], [grant("DELETE", "audit_log", "app"), grant("INSERT", "audit_log", "app"), grant("SELECT", "audit_log", "auditor")])
	count(findings) == 1
	some f in findings
	f.kind == "excessive_access"
	contains(f.message, "app holds DELETE")
	not contains(f.message, "INSERT")
}

test_audit_roles_may_rewrite if {
	count(audit_protect.deny) == 0 with input as doc([table("audit_log", null)], [customer], [grant("UPDATE", "audit_log", "audit_admin")]) with data.plaudit.params as {"audit_roles": ["audit_admin"]}
}

test_schema_wide_grant_reaches_audit_tables if {
	count(audit_protect.deny) == 1 with input as doc([table("op_journal", null)], [customer], [grant("TRUNCATE", "*", "dba")])
}

test_short_retention_violates_the_floor if {
	findings := audit_protect.deny with input as doc([table("login_audit", {"retention": {"period": "90d"}})], [customer], [])
	count(findings) == 1
	some f in findings
	f.kind == "retention_floor_violated"
	contains(f.message, "90d, below 180d")
	count(audit_protect.deny) == 0 with input as doc([table("login_audit", {"retention": {"period": "6m"}})], [customer], [])
}

test_card_data_raises_the_floor_to_a_year if {
	count(audit_protect.deny) == 1 with input as doc([table("login_audit", {"retention": {"period": "6m"}})], [card], [])
	count(audit_protect.deny) == 0 with input as doc([table("login_audit", {"retention": {"period": "1y"}})], [card], [])
}

test_catalog_role_marks_audit_tables if {
	count(audit_protect.deny) == 1 with input as doc([table("evidence", {"role": "audit", "retention": {"period": "30d"}})], [customer], [])
	count(audit_protect.deny) == 0 with input as doc([table("evidence", {"retention": {"period": "30d"}})], [customer], [])
}

test_databases_without_c2_or_c3_are_not_judged if {
	count(audit_protect.deny) == 0 with input as doc([table("audit_log", {"retention": {"period": "7d"}})], [object.union(customer, {"level": "C1", "category": "network.ip_address"})], [grant("DELETE", "audit_log", "app")])
}

test_undeclared_retention_is_not_this_rule if {
	count(audit_protect.deny) == 0 with input as doc([table("audit_log", null)], [customer], [])
}
