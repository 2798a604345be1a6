package plaudit.rules.storage.crypto_key_separation_test

import rego.v1

import data.plaudit.rules.storage.crypto_key_separation

encrypted(name, protection) := {
	"resource": sprintf("lending.public.customer.%s", [name]),
	"column": name,
	"location": {"path": "V1.sql", "line": 4},
	"category": "identity.national_id",
	"level": "C2",
	"protection": "encrypted",
	"catalog": {"category": "identity.national_id", "protection": protection},
}

plain(name) := {"resource": sprintf("lending.public.keys.%s", [name]), "column": name, "category": null, "level": null, "protection": "none"}

good := {"method": "encrypted", "algorithm": "SM4-GCM", "key_ref": "kms://lending/pii"}

test_strong_algorithm_with_key_ref_is_allowed if {
	count(crypto_key_separation.deny) == 0 with input as {"columns": [encrypted("id_no", good)]}
}

test_weak_algorithms_are_denied if {
	every algorithm in ["DES", "3DES", "DESede", "RC4", "AES-128-ECB", "base64", "MD5", "SHA1", "sha-1"] {
		findings := crypto_key_separation.deny with input as {"columns": [encrypted("id_no", object.union(good, {"algorithm": algorithm}))]}
		count(findings) == 1
		some f in findings
		contains(f.message, algorithm)
	}
}

test_strong_names_that_contain_weak_letters_are_allowed if {
	every algorithm in ["AES-256-GCM", "SM4-CBC", "ChaCha20-Poly1305", "SHA-256", "DESIGNED-AEAD"] {
		count(crypto_key_separation.deny) == 0 with input as {"columns": [encrypted("id_no", object.union(good, {"algorithm": algorithm}))]}
	}
}

test_missing_key_ref_is_denied if {
	findings := crypto_key_separation.deny with input as {"columns": [encrypted("id_no", object.remove(good, ["key_ref"]))]}
	count(findings) == 1
	some f in findings
	contains(f.message, "no key_ref")
}

test_observed_encryption_without_declaration_is_not_judged if {
	count(crypto_key_separation.deny) == 0 with input as {"columns": [object.remove(encrypted("id_enc", good), ["catalog"])]}
}

test_key_column_beside_encrypted_data_is_denied if {
	findings := crypto_key_separation.deny with input as {"columns": [encrypted("id_no", good), plain("aes_key"), plain("kek_id"), plain("dek")]}
	count(findings) == 2
	{f.resource | some f in findings} == {"lending.public.keys.aes_key", "lending.public.keys.dek"}
}

test_key_column_without_encrypted_data_is_not_judged if {
	count(crypto_key_separation.deny) == 0 with input as {"columns": [plain("secret_key")]}
}

test_c1_encrypted_column_is_not_in_scope if {
	count(crypto_key_separation.deny) == 0 with input as {"columns": [object.union(encrypted("ip", {"method": "encrypted", "algorithm": "DES"}), {"level": "C1", "category": "network.ip_address"})]}
}

test_view_columns_are_not_in_scope if {
	count(crypto_key_separation.deny) == 0 with input as {
		"tables": [{"resource": "lending.public.v", "kind": "view"}],
		"columns": [object.union(encrypted("x", {"method": "encrypted", "algorithm": "DES"}), {"resource": "lending.public.v.x"})],
	}
}
