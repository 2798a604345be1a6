package plaudit.rules.lifecycle.retention_maximum_test

import rego.v1

import data.plaudit.rules.lifecycle.retention_maximum

facts_of(purposes, retention, category) := {
	"tables": [{
		"resource": "crm.public.leads", "kind": "table", "columns": ["mobile"], "pi_columns": ["mobile"],
		"location": {"path": "V1.sql", "line": 2}, "catalog": {"purposes": purposes, "retention": retention},
	}],
	"columns": [{"resource": "crm.public.leads.mobile", "column": "mobile", "category": category}],
}

test_marketing_kept_beyond_a_year_is_denied if {
	findings := retention_maximum.deny with input as facts_of(["marketing"], {"period": "3y"}, "contact.phone")
	count(findings) == 1
	some f in findings
	contains(f.message, "3y")
	contains(f.message, "1y for purpose marketing")
}

test_within_the_maximum_is_allowed if {
	count(retention_maximum.deny) == 0 with input as facts_of(["marketing"], {"period": "12m"}, "contact.phone")
	count(retention_maximum.deny) == 0 with input as facts_of(["Marketing "], {"period": "6m"}, "contact.phone")
}

test_purposes_without_a_maximum_are_not_judged if {
	count(retention_maximum.deny) == 0 with input as facts_of(["credit_underwriting"], {"period": "30y"}, "contact.phone")
}

test_tightest_limit_wins if {
	params := {"retention_max": {"purposes": {"marketing": "2y"}, "categories": {"contact": "9y", "contact.phone": "1y"}}}
	findings := retention_maximum.deny with input as facts_of(["marketing"], {"period": "18m"}, "contact.phone.mobile") with data.plaudit.params as params
	count(findings) == 1
	some f in findings
	contains(f.message, "1y for category contact.phone")
}

test_legal_floor_raises_the_limit if {
	count(retention_maximum.deny) == 0 with input as facts_of(["marketing"], {"period": "5y", "legal_floor": "5y"}, "contact.phone")
	count(retention_maximum.deny) == 1 with input as facts_of(["marketing"], {"period": "6y", "legal_floor": "5y"}, "contact.phone")
}

test_missing_period_is_left_to_the_declared_rule if {
	count(retention_maximum.deny) == 0 with input as facts_of(["marketing"], {"anchor": "created_at"}, "contact.phone")
	count(retention_maximum.deny) == 0 with input as facts_of(["marketing"], null, "contact.phone")
	count(retention_maximum.deny) == 0 with input as facts_of(null, {"period": "9y"}, "contact.phone")
}
