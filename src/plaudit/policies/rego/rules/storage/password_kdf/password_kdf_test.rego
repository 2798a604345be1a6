package plaudit.rules.storage.password_kdf_test

import rego.v1

import data.plaudit.rules.storage.password_kdf

column(protection) := {
	"resource": "lending.public.customer.login_pwd",
	"location": {"path": "migrations/V1.sql", "line": 9},
	"category": "auth.password",
	"level": "C3",
	"protection": protection,
}

test_plaintext_password_is_prohibited_storage if {
	findings := password_kdf.deny with input as {"columns": [column("none")]}
	count(findings) == 1
	some f in findings
	f.kind == "prohibited_storage"
	f.severity == "critical"
	contains(f.message, "in clear")
}

test_tde_only_is_prohibited_storage if {
	some f in password_kdf.deny with input as {"columns": [column("tde_only")]}
	f.kind == "prohibited_storage"
}

test_reversible_or_fast_forms_are_weak if {
	every method in ["encrypted", "keyed_hash", "masked", "truncated", "tokenized"] {
		some f in password_kdf.deny with input as {"columns": [column(method)]}
		f.kind == "weak_protection"
		f.severity == "high"
	}
}

test_kdf_hash_is_allowed if {
	count(password_kdf.deny) == 0 with input as {"columns": [column("kdf_hash")]}
}

test_child_category_is_in_scope if {
	count(password_kdf.deny) == 1 with input as {"columns": [object.union(column("none"), {"category": "auth.password.pay"})]}
}

test_other_secrets_are_not_in_scope if {
	count(password_kdf.deny) == 0 with input as {"columns": [object.union(column("none"), {"category": "auth.secret"})]}
}
