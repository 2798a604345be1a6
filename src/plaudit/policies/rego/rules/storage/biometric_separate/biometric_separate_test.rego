package plaudit.rules.storage.biometric_separate_test

import rego.v1

import data.plaudit.rules.storage.biometric_separate

column(table, name, category, protection) := {
	"resource": sprintf("lending.public.%s.%s", [table, name]),
	"table": table,
	"column": name,
	"location": {"path": "V1.sql", "line": 7},
	"category": category,
	"protection": protection,
}

facts_of(columns) := {
	"tables": [{"resource": sprintf("lending.public.%s", [t]), "kind": "table", "columns": [c.column | some c in columns; c.table == t]} |
		some t in {c.table | some c in columns}
	],
	"columns": columns,
}

test_raw_biometric_beside_identity_is_critical if {
	findings := biometric_separate.deny with input as facts_of([
		column("kyc", "face_img", "auth.biometric", "none"),
		column("kyc", "id_no", "identity.national_id", "encrypted"),
	])
	count(findings) == 1
	some f in findings
	f.severity == "critical"
	f.kind == "unencrypted_sensitive"
	contains(f.message, "id_no")
	contains(f.message, "protection 'none'")
}

test_encrypted_biometric_beside_a_name_is_high if {
	findings := biometric_separate.deny with input as facts_of([
		column("kyc", "face_tpl", "auth.biometric", "encrypted"),
		column("kyc", "full_name", "identity.name", "none"),
	])
	count(findings) == 1
	some f in findings
	f.severity == "high"
	f.kind == "weak_protection"
}

test_encrypted_biometric_in_its_own_table_is_allowed if {
	count(biometric_separate.deny) == 0 with input as facts_of([
		column("face_store", "face_tpl", "auth.biometric", "encrypted"),
		column("customer", "id_no", "identity.national_id", "encrypted"),
	])
}

test_raw_biometric_alone_is_still_denied if {
	count(biometric_separate.deny) == 1 with input as facts_of([column("face_store", "face_img", "auth.biometric.face", "none")])
}

test_missing_protection_counts_as_none if {
	count(biometric_separate.deny) == 1 with input as facts_of([object.remove(column("face_store", "f", "auth.biometric", "x"), ["protection"])])
}

test_kyc_photo_only_when_configured if {
	cols := [column("kyc", "photo", "media.photo", "encrypted"), column("kyc", "id_no", "identity.national_id", "encrypted")]
	count(biometric_separate.deny) == 0 with input as facts_of(cols)
	count(biometric_separate.deny) == 1 with input as facts_of(cols)
		with data.plaudit.params as {"biometric_categories": ["auth.biometric", "media.photo"]}
}

test_view_columns_are_not_in_scope if {
	count(biometric_separate.deny) == 0 with input as {
		"tables": [{"resource": "lending.public.v", "kind": "view", "columns": ["face_img"]}],
		"columns": [column("v", "face_img", "auth.biometric", "none")],
	}
}
