package plaudit.rules.access.excessive_access_test

import rego.v1

import data.plaudit.rules.access.excessive_access

customer := {
	"resource": "lending.public.customer", "schema": "public", "table": "customer", "kind": "table",
	"location": {"path": "db#public.customer", "line": null},
	"pi_columns": ["id_no", "mobile"], "max_level": "C2",
}

credentials := object.union(customer, {
	"resource": "lending.public.credentials", "table": "credentials",
	"pi_columns": ["login_name", "login_pwd"], "max_level": "C3",
})

lookup := object.union(customer, {
	"resource": "lending.public.branch", "table": "branch", "pi_columns": [], "max_level": null,
})

columns := [
	{"resource": "lending.public.credentials.login_name", "column": "login_name", "level": "C2"},
	{"resource": "lending.public.credentials.login_pwd", "column": "login_pwd", "level": "C3"},
]

grant(privilege, table, grantee) := {
	"privilege": privilege, "schema": "public", "table": table, "columns": [], "grantee": grantee,
	"location": {"path": "migrations/V2__grants.sql", "line": 7},
}

column_grant(table, grantee, cols) := object.union(grant("SELECT", table, grantee), {"columns": cols})

facts(gs) := {"tables": [customer, credentials, lookup], "columns": columns, "grants": gs}

test_select_to_public_on_pi_table_is_high if {
	findings := excessive_access.deny with input as facts([grant("SELECT", "customer", "PUBLIC")])
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.customer"
	f.severity == "high"
	f.location == {"path": "migrations/V2__grants.sql", "line": 7}
	contains(f.message, "PUBLIC holds SELECT")
	contains(f.message, "id_no, mobile")
}

test_all_to_public_on_c3_table_is_critical if {
	findings := excessive_access.deny with input as facts([grant("ALL", "credentials", "PUBLIC")])
	[f.severity | some f in findings] == ["critical"]
}

test_schema_wide_grant_reaches_every_pi_table if {
	findings := excessive_access.deny with input as facts([grant("SELECT", "*", "PUBLIC")])
	{f.resource | some f in findings} == {"lending.public.customer", "lending.public.credentials"}
}

test_table_without_pi_is_allowed if {
	count(excessive_access.deny) == 0 with input as facts([grant("SELECT", "branch", "PUBLIC")])
}

test_write_only_privileges_are_not_reads if {
	count(excessive_access.deny) == 0 with input as facts([
		grant("INSERT", "customer", "PUBLIC"),
		grant("UPDATE", "customer", "PUBLIC"),
	])
}

test_other_schema_is_not_covered if {
	other := object.union(grant("SELECT", "customer", "PUBLIC"), {"schema": "archive"})
	count(excessive_access.deny) == 0 with input as facts([other])
}

test_column_grant_counts_only_pi_columns if {
	count(excessive_access.deny) == 0 with input as facts([column_grant("customer", "PUBLIC", ["id"])])
	findings := excessive_access.deny with input as facts([column_grant("customer", "PUBLIC", ["id", "mobile"])])
	some f in findings
	contains(f.message, "PUBLIC holds SELECT on (id, mobile), exposing mobile")
}

test_column_grant_severity_follows_the_exposed_columns if {
	c2 := excessive_access.deny with input as facts([column_grant("credentials", "PUBLIC", ["login_name"])])
	[f.severity | some f in c2] == ["high"]
	c3 := excessive_access.deny with input as facts([column_grant("credentials", "PUBLIC", ["LOGIN_PWD"])])
	[f.severity | some f in c3] == ["critical"]
}

test_anonymous_mysql_account_is_everyone if {
	count(excessive_access.deny) == 1 with input as facts([grant("SELECT", "customer", "''@'%'")])
}

test_named_role_is_not_judged_without_allow_list if {
	count(excessive_access.deny) == 0 with input as facts([grant("SELECT", "customer", "'app'@'%'")])
}

test_allow_list_judges_unlisted_roles if {
	gs := [grant("SELECT", "customer", "'app'@'%'"), grant("SELECT", "customer", "reporting")]
	findings := excessive_access.deny with input as facts(gs)
		with data.plaudit.params as {"allowed_readers": ["app"]}
	count(findings) == 1
	some f in findings
	contains(f.message, "reporting holds SELECT")
	not contains(f.message, "'app'")
}

test_allow_list_never_exempts_public if {
	count(excessive_access.deny) == 1 with input as facts([grant("SELECT", "customer", "PUBLIC")])
		with data.plaudit.params as {"allowed_readers": ["PUBLIC"]}
}

test_several_grants_make_one_finding_per_table if {
	gs := [grant("SELECT", "customer", "PUBLIC"), grant("ALL", "customer", "PUBLIC"), grant("SELECT", "customer", "bi")]
	findings := excessive_access.deny with input as facts(gs) with data.plaudit.params as {"allowed_readers": ["app"]}
	count(findings) == 1
	some f in findings
	contains(f.message, "PUBLIC holds ALL")
	contains(f.message, "bi holds SELECT")
}

test_views_are_not_judged if {
	view := object.union(customer, {"kind": "view"})
	count(excessive_access.deny) == 0 with input as {"tables": [view], "grants": [grant("SELECT", "customer", "PUBLIC")]}
}

test_table_location_when_the_grant_has_none if {
	g := object.union(grant("SELECT", "customer", "PUBLIC"), {"location": null})
	findings := excessive_access.deny with input as facts([g])
	[f.location | some f in findings] == [customer.location]
}

test_no_grants_no_findings if {
	count(excessive_access.deny) == 0 with input as {"tables": [customer]}
}

test_allow_list_per_class if {
	gs := [grant("SELECT", "customer", "analyst"), grant("SELECT", "credentials", "analyst")]
	params := {"allowed_readers": ["app", "analyst"], "allowed_readers_by_level": {"C3": ["app"]}}
	findings := excessive_access.deny with input as facts(gs) with data.plaudit.params as params
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.credentials"
	f.severity == "critical"
}
