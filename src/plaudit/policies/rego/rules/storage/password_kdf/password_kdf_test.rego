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

formats(plain, fast) := {
	"check": "password_format", "resource": "lending.public.customer.login_pwd", "sampled": 10,
	"matched": plain + fast, "error": null,
	"details": {"plaintext_like": plain, "unsalted_fast_hash": fast, "slow_salted": 10 - plain - fast},
}

data_findings(protection, check) := fs if {
	fs := password_kdf.deny with input as {"columns": [column(protection)], "data_checks": [check]}
}

test_data_plaintext_passwords_under_kdf_hash_are_prohibited if {
	fs := data_findings("kdf_hash", formats(2, 3))
	count(fs) == 1
	some f in fs
	f.kind == "prohibited_storage"
	f.severity == "critical"
	contains(f.message, "2 of 10")
	contains(f.message, "and 3 as unsalted fast hashes")
}

test_data_unsalted_hashes_are_weak if {
	some f in data_findings("kdf_hash", formats(0, 1))
	f.kind == "weak_protection"
	f.severity == "high"
}

test_data_all_slow_hashes_pass if {
	count(data_findings("kdf_hash", formats(0, 0))) == 0
}

test_data_finding_does_not_duplicate_the_declaration_finding if {
	fs := data_findings("none", formats(5, 0))
	count(fs) == 1
	some f in fs
	contains(f.message, "in clear (protection 'none')")
}

test_failed_data_check_proves_nothing if {
	count(data_findings("kdf_hash", object.union(formats(5, 5), {"error": "timeout"}))) == 0
}
