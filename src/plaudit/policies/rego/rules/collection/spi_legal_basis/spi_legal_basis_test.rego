package plaudit.rules.collection.spi_legal_basis_test

import rego.v1

import data.plaudit.rules.collection.spi_legal_basis

table(catalog) := {
	"resource": "lending.public.customer",
	"kind": "table",
	"location": {"path": "migrations/V1.sql", "line": 3},
	"catalog": catalog,
	"pi_columns": ["full_name", "id_no"],
	"max_level": "C2",
}

columns := [
	{"resource": "lending.public.customer.full_name", "column": "full_name", "pipl_sensitive": false},
	{"resource": "lending.public.customer.id_no", "column": "id_no", "pipl_sensitive": true},
]

test_declared_basis_is_allowed if {
	count(spi_legal_basis.deny) == 0 with input as {"tables": [table({"legal_basis": "consent"})], "columns": columns}
}

test_missing_basis_is_denied_and_names_sensitive_columns if {
	findings := spi_legal_basis.deny with input as {"tables": [table({"purposes": ["x"]})], "columns": columns}
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.customer"
	contains(f.message, "(id_no)")
	not contains(f.message, "full_name")
}

test_empty_basis_and_missing_catalog_are_denied if {
	count(spi_legal_basis.deny) == 1 with input as {"tables": [table({"legal_basis": ""})], "columns": columns}
	count(spi_legal_basis.deny) == 1 with input as {"tables": [table(null)], "columns": columns}
}

test_table_without_sensitive_columns_is_allowed if {
	count(spi_legal_basis.deny) == 0 with input as {
		"tables": [table(null)],
		"columns": [object.union(columns[1], {"pipl_sensitive": false}), columns[0]],
	}
}

test_sensitive_column_of_another_table_does_not_count if {
	count(spi_legal_basis.deny) == 0 with input as {
		"tables": [table(null)],
		"columns": [
			columns[0],
			{"resource": "lending.public.other.id_no", "column": "id_no", "pipl_sensitive": true},
		],
	}
}
