package plaudit.rules.company.marketing_mobile_consent_test

import rego.v1

import data.plaudit.rules.company.marketing_mobile_consent as rule

column(schema, category) := {
	"resource": sprintf("crm.%s.lead.mobile", [schema]),
	"schema": schema,
	"table": "lead",
	"column": "mobile",
	"category": category,
	"location": {"path": "migrations/V2__leads.sql", "line": 3},
}

table(schema, basis) := {
	"resource": sprintf("crm.%s.lead", [schema]),
	"kind": "table",
	"catalog": {"legal_basis": basis},
}

test_mobile_in_marketing_without_consent_is_denied if {
	findings := rule.deny with input as {
		"columns": [column("marketing", "contact.phone")],
		"tables": [table("marketing", "contract")],
	}
	count(findings) == 1
	some f in findings
	f.resource == "crm.marketing.lead.mobile"
	f.location.line == 3
}

test_table_missing_from_the_catalog_is_denied if {
	count(rule.deny) == 1 with input as {"columns": [column("Marketing", "contact.phone")], "tables": []}
}

test_consent_allows_it if {
	count(rule.deny) == 0 with input as {
		"columns": [column("marketing", "contact.phone")],
		"tables": [table("marketing", "consent")],
	}
}

test_other_schemas_are_out_of_scope if {
	count(rule.deny) == 0 with input as {
		"columns": [column("lending", "contact.phone")],
		"tables": [table("lending", "contract")],
	}
}

test_child_categories_count_as_phones if {
	count(rule.deny) == 1 with input as {
		"taxonomy": {"contact.phone": {}, "contact.phone.work": {}},
		"columns": [column("marketing", "contact.phone.work")],
		"tables": [table("marketing", null)],
	}
}

test_other_categories_are_out_of_scope if {
	count(rule.deny) == 0 with input as {
		"columns": [column("marketing", "contact.email")],
		"tables": [table("marketing", null)],
	}
}

test_marketing_schemas_is_a_parameter if {
	count(rule.deny) == 1 with input as {
		"columns": [column("crm", "contact.phone")],
		"tables": [table("crm", "contract")],
	}
		with data.plaudit.params as {"marketing_schemas": ["crm"]}
}
