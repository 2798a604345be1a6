package plaudit.rules.storage.analytics_pseudonymised_test

import rego.v1

import data.plaudit.rules.storage.analytics_pseudonymised

facts_of(zone, category, protection) := {
	"tables": [{"resource": "dw.mart.loan_fact", "kind": "table", "columns": ["c"], "catalog": {"zone": zone}}],
	"columns": [{
		"resource": "dw.mart.loan_fact.c", "column": "c", "category": category,
		"protection": protection, "location": {"path": "dw.sql", "line": 4},
	}],
}

test_clear_identifiers_in_analytics_are_denied if {
	every category in ["identity.national_id", "contact.phone", "account.bank_card", "identity.name", "identity.national_id.hk_permit"] {
		count(analytics_pseudonymised.deny) == 1 with input as facts_of("analytics", category, "none")
	}
}

test_masked_or_tde_storage_is_still_clear if {
	count(analytics_pseudonymised.deny) == 1 with input as facts_of("analytics", "contact.phone", "masked")
	count(analytics_pseudonymised.deny) == 1 with input as facts_of("analytics", "contact.phone", "tde_only")
}

test_pseudonymised_columns_are_allowed if {
	every method in ["encrypted", "tokenized", "keyed_hash", "kdf_hash", "truncated"] {
		count(analytics_pseudonymised.deny) == 0 with input as facts_of("analytics", "identity.national_id", method)
	}
}

test_other_zones_and_categories_are_not_in_scope if {
	count(analytics_pseudonymised.deny) == 0 with input as facts_of("general", "identity.national_id", "none")
	count(analytics_pseudonymised.deny) == 0 with input as facts_of("analytics", "contact.email", "none")
	count(analytics_pseudonymised.deny) == 0 with input as facts_of(null, "identity.name", "none")
}

test_view_columns_are_not_in_scope if {
	doc := facts_of("analytics", "identity.name", "none")
	count(analytics_pseudonymised.deny) == 0 with input as object.union(doc, {"tables": [object.union(doc.tables[0], {"kind": "view"})]})
}
