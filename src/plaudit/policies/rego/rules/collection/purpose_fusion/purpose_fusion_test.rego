package plaudit.rules.collection.purpose_fusion_test

import rego.v1

import data.plaudit.rules.collection.purpose_fusion

table(name, purposes) := {"resource": sprintf("lending.public.%s", [name]), "kind": "table", "catalog": {"purposes": purposes}}

column(table, name) := {"resource": sprintf("lending.public.%s.%s", [table, name]), "table": table, "column": name}

facts_of(a, b) := {
	"tables": [table("contacts", a), table("leads", b), {"resource": "lending.public.v_mix", "kind": "view"}],
	"columns": [column("contacts", "mobile"), column("leads", "mobile"), column("leads", "name")],
	"flows": [
		{"view": "lending.public.v_mix", "column": "contact_mobile", "sources": ["lending.public.contacts.mobile"], "location": {"path": "views.sql", "line": 12}},
		{"view": "lending.public.v_mix", "column": "lead_name", "sources": ["lending.public.leads.name"], "location": {"path": "views.sql", "line": 12}},
	],
}

test_disjoint_purposes_are_denied if {
	findings := purpose_fusion.deny with input as facts_of(["collection"], ["marketing"])
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.v_mix"
	f.location.line == 12
	contains(f.message, "collection")
	contains(f.message, "marketing")
}

test_shared_purpose_is_allowed if {
	count(purpose_fusion.deny) == 0 with input as facts_of(["collection", "account_servicing"], ["account_servicing"])
}

test_case_and_spaces_do_not_matter if {
	count(purpose_fusion.deny) == 0 with input as facts_of(["Collection "], ["collection"])
}

test_compatible_purposes_parameter if {
	count(purpose_fusion.deny) == 0 with input as facts_of(["collection"], ["account_servicing"])
		with data.plaudit.params as {"compatible_purposes": [["account_servicing", "collection"]]}
	count(purpose_fusion.deny) == 1 with input as facts_of(["collection"], ["marketing"])
		with data.plaudit.params as {"compatible_purposes": [["account_servicing", "collection"]]}
}

test_tables_without_purposes_are_left_to_the_purpose_rule if {
	count(purpose_fusion.deny) == 0 with input as facts_of([], ["marketing"])
	count(purpose_fusion.deny) == 0 with input as facts_of(null, ["marketing"])
}

test_one_source_table_is_not_fusion if {
	doc := facts_of(["collection"], ["marketing"])
	count(purpose_fusion.deny) == 0 with input as object.union(doc, {"flows": [doc.flows[1]]})
}

test_unknown_sources_are_ignored if {
	doc := facts_of(["collection"], ["marketing"])
	count(purpose_fusion.deny) == 0 with input as object.union(doc, {"columns": [column("leads", "name")]})
}
