package plaudit.rules.lifecycle.edge_burn_test

import rego.v1

import data.plaudit.rules.lifecycle.edge_burn

table(name, catalog) := {
	"resource": sprintf("app.main.%s", [name]), "table": name, "kind": "table", "columns": ["c"],
	"location": {"path": "client.sql", "line": 1}, "catalog": catalog,
}

column(table, name, category, level, pci) := {
	"resource": sprintf("app.main.%s.%s", [table, name]), "column": name, "category": category, "level": level, "pci": pci,
	"location": {"path": "client.sql", "line": 4},
}

edge_facts(category, level, pci) := {
	"tables": [table("wallet", {"zone": "edge"})],
	"columns": [column("wallet", "c", category, level, pci)],
}

test_c3_pan_and_id_numbers_at_the_edge_are_denied if {
	count(edge_burn.deny) == 1 with input as edge_facts("auth.password", "C3", null)
	count(edge_burn.deny) == 1 with input as edge_facts("account.bank_card", "C2", "PAN")
	count(edge_burn.deny) == 1 with input as edge_facts("identity.national_id.hk_permit", "C2", null)
	some f in edge_burn.deny with input as edge_facts("identity.passport", "C2", null)
	f.location.line == 4
}

test_other_c2_at_the_edge_is_allowed if {
	count(edge_burn.deny) == 0 with input as edge_facts("contact.phone", "C2", null)
}

test_c3_outside_the_edge_is_not_this_rule if {
	doc := edge_facts("auth.password", "C3", null)
	count(edge_burn.deny) == 0 with input as object.union(doc, {"tables": [table("wallet", {"zone": "secure"})]})
	count(edge_burn.deny) == 0 with input as object.union(doc, {"tables": [table("wallet", null)]})
}

test_otp_table_without_expiry_is_denied if {
	findings := edge_burn.deny with input as {"tables": [table("sms_code", {"retention": {"period": "1d"}})], "columns": []}
	count(findings) == 1
	some f in findings
	f.kind == "retention_exceeded"
	contains(f.message, "keeps them for 1d")
	count(edge_burn.deny) == 1 with input as {"tables": [table("user_otp", null)], "columns": []}
}

test_otp_table_with_short_ttl_is_allowed if {
	count(edge_burn.deny) == 0 with input as {"tables": [table("sms_code", {"retention": {"ttl": "5min"}})], "columns": []}
	count(edge_burn.deny) == 0 with input as {"tables": [table("verify_codes", {"retention": {"ttl": "300s", "period": "1d"}})], "columns": []}
}

test_otp_column_of_category_secret_marks_the_table if {
	doc := {"tables": [table("login_challenge", null)], "columns": [column("login_challenge", "c", "auth.secret", "C3", null)]}
	count(edge_burn.deny) == 0 with input as doc
	named := {"tables": [object.union(table("login_challenge", null), {"columns": ["otp"]})], "columns": [column("login_challenge", "otp", "auth.secret", "C3", null)]}
	count(edge_burn.deny) == 1 with input as named
}

test_otp_max_is_a_parameter if {
	count(edge_burn.deny) == 0 with input as {"tables": [table("sms_code", {"retention": {"ttl": "10min"}})], "columns": []}
		with data.plaudit.params as {"otp_max": "15min"}
}

test_names_that_only_contain_otp_are_not_otp_stores if {
	count(edge_burn.deny) == 0 with input as {"tables": [table("hotpot_orders", null), table("otpx", null)], "columns": []}
}

test_views_are_not_in_scope if {
	count(edge_burn.deny) == 0 with input as {"tables": [object.union(table("sms_code", null), {"kind": "view"})], "columns": []}
}
