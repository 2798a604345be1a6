package plaudit.rules.governance.spi_flag_test

import rego.v1

import data.plaudit.rules.governance.spi_flag

column(category, level, sensitive) := {
	"resource": "lending.public.customer.c",
	"column": "c",
	"location": {"path": "V1.sql", "line": 2},
	"category": category,
	"level": level,
	"pipl_sensitive": sensitive,
}

test_child_declared_not_sensitive_under_sensitive_parent_is_denied if {
	findings := spi_flag.deny with input as {
		"taxonomy": {"identity.national_id.hk_permit": {"level": "C2", "pipl_sensitive": false}},
		"columns": [column("identity.national_id.hk_permit", "C2", false)],
	}
	count(findings) == 1
	some f in findings
	contains(f.message, "PIPL Art. 28")
	f.location.line == 2
}

test_c3_column_of_a_non_sensitive_category_is_denied if {
	findings := spi_flag.deny with input as {"columns": [column("identity.name", "C3", false)]}
	count(findings) == 1
	some f in findings
	contains(f.message, "class C3")
}

test_sensitive_columns_are_allowed if {
	count(spi_flag.deny) == 0 with input as {"columns": [column("identity.national_id", "C2", true), column("auth.password", "C3", true)]}
}

test_secrets_are_c3_without_being_personal if {
	count(spi_flag.deny) == 0 with input as {"columns": [column("auth.secret", "C3", false), column("auth.secret.api_key", "C3", false)]}
}

test_non_sensitive_c2_is_allowed if {
	count(spi_flag.deny) == 0 with input as {"columns": [column("contact.phone", "C2", false), column("identity.name", "C2", false)]}
}

test_missing_flag_falls_back_to_taxonomy if {
	col := object.remove(column("credit.record.score", "C2", null), ["pipl_sensitive"])
	count(spi_flag.deny) == 0 with input as {"taxonomy": {"credit.record.score": {"pipl_sensitive": true}}, "columns": [col]}
	count(spi_flag.deny) == 1 with input as {"taxonomy": {"credit.record.score": {"pipl_sensitive": false}}, "columns": [col]}
	count(spi_flag.deny) == 1 with input as {"columns": [col]}
}

test_unclassified_columns_are_not_judged if {
	count(spi_flag.deny) == 0 with input as {"columns": [column(null, null, false)]}
}

test_spi_set_is_a_parameter if {
	count(spi_flag.deny) == 1 with input as {"columns": [column("contact.address", "C2", false)]}
		with data.plaudit.params as {"spi_categories": ["contact.address"]}
}

test_view_columns_are_not_in_scope if {
	count(spi_flag.deny) == 0 with input as {
		"tables": [{"resource": "lending.public.customer", "kind": "view"}],
		"columns": [column("identity.national_id", "C2", false)],
	}
}
