package plaudit.rules.storage.pseudo_key_split_test

import rego.v1

import data.plaudit.rules.storage.pseudo_key_split

table(schema, name, catalog) := {
	"resource": sprintf("lending.%s.%s", [schema, name]), "dataset": "lending", "schema": schema, "table": name,
	"kind": "table", "columns": ["c"], "catalog": catalog, "location": {"path": "V1.sql", "line": 5},
}

column(schema, name, protection) := {"resource": sprintf("lending.%s.%s.c", [schema, name]), "column": "c", "protection": protection}

grant(schema, name, grantee) := {"privilege": "SELECT", "schema": schema, "table": name, "columns": [], "grantee": grantee}

test_vault_in_the_same_schema_is_denied if {
	findings := pseudo_key_split.deny with input as {
		"tables": [table("public", "card_token_vault", null), table("public", "payment", null)],
		"columns": [column("public", "card_token_vault", "none"), column("public", "payment", "tokenized")],
	}
	count(findings) == 1
	some f in findings
	f.resource == "lending.public.card_token_vault"
	f.kind == "weak_protection"
	contains(f.message, "lending.public.payment")
}

test_vault_in_its_own_schema_is_allowed if {
	count(pseudo_key_split.deny) == 0 with input as {
		"tables": [table("vault", "card_token_vault", null), table("public", "payment", null)],
		"columns": [column("vault", "card_token_vault", "none"), column("public", "payment", "tokenized")],
		"grants": [grant("vault", "card_token_vault", "detokenizer"), grant("public", "payment", "app")],
	}
}

test_shared_reader_is_denied if {
	findings := pseudo_key_split.deny with input as {
		"tables": [table("vault", "id_map", {"role": "token_vault"}), table("public", "payment", null)],
		"columns": [column("vault", "id_map", "none"), column("public", "payment", "tokenized")],
		"grants": [grant("vault", "*", "analyst"), grant("public", "payment", "Analyst")],
	}
	count(findings) == 1
	some f in findings
	f.kind == "excessive_access"
	contains(f.message, "analyst (lending.public.payment)")
}

test_public_on_both_is_a_shared_reader if {
	count(pseudo_key_split.deny) == 1 with input as {
		"tables": [table("vault", "token_vault", null), table("public", "payment", null)],
		"columns": [column("vault", "token_vault", "none"), column("public", "payment", "tokenized")],
		"grants": [grant("vault", "token_vault", "PUBLIC"), grant("public", "payment", "PUBLIC")],
	}
}

test_no_tokenized_data_is_not_judged if {
	count(pseudo_key_split.deny) == 0 with input as {
		"tables": [table("public", "token_vault", null), table("public", "payment", null)],
		"columns": [column("public", "token_vault", "none"), column("public", "payment", "encrypted")],
	}
}

test_ordinary_names_are_not_vaults if {
	count(pseudo_key_split.deny) == 0 with input as {
		"tables": [table("public", "tokens_issued", null), table("public", "payment", null)],
		"columns": [column("public", "tokens_issued", "none"), column("public", "payment", "tokenized")],
	}
}

test_missing_schema_means_one_place if {
	t1 := object.remove(table("x", "token_map", null), ["schema", "dataset"])
	t2 := object.remove(table("x", "payment", null), ["schema", "dataset"])
	count(pseudo_key_split.deny) == 1 with input as {
		"tables": [object.union(t1, {"resource": "token_map"}), object.union(t2, {"resource": "payment"})],
		"columns": [{"resource": "token_map.c", "column": "c", "protection": "none"}, {"resource": "payment.c", "column": "c", "protection": "tokenized"}],
	}
}
