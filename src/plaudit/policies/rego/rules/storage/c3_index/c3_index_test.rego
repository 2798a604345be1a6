package plaudit.rules.storage.c3_index_test

import rego.v1

import data.plaudit.rules.storage.c3_index

index(columns, unique) := {
	"op": "index",
	"resource": "app.users",
	"table": "users",
	"unique": unique,
	"columns": columns,
	"location": {"path": "db/V3__idx.sql", "line": 9},
}

column(category, level, protection) := {
	"resource": "app.users.c",
	"column": "c",
	"category": category,
	"level": level,
	"pci": null,
	"protection": protection,
}

test_unique_index_on_clear_password if {
	findings := c3_index.deny with input as {"operations": [index([column("auth.password", "C3", "none")], true)]}
	count(findings) == 1
	some f in findings
	f.location.line == 9
	startswith(f.message, "A UNIQUE index")
}

test_plain_index_on_clear_cvv if {
	findings := c3_index.deny with input as {"operations": [index([column("auth.card_verification", "C3", "masked")], false)]}
	some f in findings
	startswith(f.message, "An index")
}

test_index_on_clear_pan if {
	pan := object.union(column("account.bank_card", "C2", "none"), {"pci": "PAN"})
	count(c3_index.deny) == 1 with input as {"operations": [index([pan], false)]}
}

test_protected_columns_may_be_indexed if {
	every method in ["encrypted", "kdf_hash", "keyed_hash", "tokenized"] {
		count(c3_index.deny) == 0 with input as {"operations": [index([column("auth.password", "C3", method)], true)]}
	}
}

test_c2_columns_are_not_in_scope if {
	count(c3_index.deny) == 0 with input as {"operations": [index([column("identity.national_id", "C2", "none")], true)]}
}

test_other_operations_are_ignored if {
	op := object.union(index([column("auth.password", "C3", "none")], true), {"op": "copy"})
	count(c3_index.deny) == 0 with input as {"operations": [op]}
}

test_missing_operations_is_empty if {
	count(c3_index.deny) == 0 with input as {}
}

test_one_finding_per_column_at_its_unique_index if {
	pwd := column("auth.password", "C3", "none")
	plain := object.union(index([pwd], false), {"location": {"path": "a.sql", "line": 3}})
	unique := object.union(index([pwd], true), {"location": {"path": "a.sql", "line": 7}})
	findings := c3_index.deny with input as {"operations": [plain, unique]}
	count(findings) == 1
	some f in findings
	f.location.line == 7
}

test_two_unique_indexes_on_one_column if {
	pwd := column("auth.password", "C3", "none")
	count(c3_index.deny) == 1 with input as {"operations": [index([pwd], true), index([pwd], true)]}
}
