package plaudit.rules.transport.transport_unencrypted_test

import rego.v1

import data.plaudit.rules.transport.transport_unencrypted

run := {"mode": "scan-db", "target": "postgresql://app@db:5432/lending"}

column(name, level, pci) := {
	"resource": concat(".", ["lending.public.customer", name]), "column": name, "level": level, "pci": pci,
}

id_no := column("id_no", "C2", null)

facts(cols, settings) := {"run": run, "columns": cols, "settings": settings}

test_postgres_ssl_off_with_c2_is_high if {
	findings := transport_unencrypted.deny with input as facts([id_no], {"dialect": "postgresql", "ssl": "off"})
	count(findings) == 1
	some f in findings
	f.resource == "postgresql://app@db:5432/lending"
	f.severity == "high"
	contains(f.message, "ssl = off")
	contains(f.message, "lending.public.customer.id_no")
}

test_mysql_without_required_tls_is_denied if {
	every value in ["OFF", "off", "0", 0] {
		count(transport_unencrypted.deny) == 1 with input as facts([id_no], {"require_secure_transport": value})
	}
}

test_encrypted_transport_is_allowed if {
	count(transport_unencrypted.deny) == 0 with input as facts([id_no], {"ssl": "on"})
	count(transport_unencrypted.deny) == 0 with input as facts([id_no], {"require_secure_transport": "ON"})
	count(transport_unencrypted.deny) == 0 with input as facts([id_no], {"require_secure_transport": 1})
}

test_absent_settings_give_no_finding if {
	count(transport_unencrypted.deny) == 0 with input as facts([id_no], {})
	count(transport_unencrypted.deny) == 0 with input as {"run": run, "columns": [id_no]}
}

test_c1_or_no_pi_is_not_in_scope if {
	count(transport_unencrypted.deny) == 0 with input as facts([column("login_ip", "C1", null)], {"ssl": "off"})
	count(transport_unencrypted.deny) == 0 with input as facts([column("note", null, null)], {"ssl": "off"})
}

test_c3_or_pan_is_critical if {
	c3 := transport_unencrypted.deny with input as facts([id_no, column("login_pwd", "C3", null)], {"ssl": "off"})
	[f.severity | some f in c3] == ["critical"]
	pan := transport_unencrypted.deny with input as facts([column("card_no", "C2", "PAN")], {"ssl": "off"})
	[f.severity | some f in pan] == ["critical"]
}

test_view_columns_do_not_count if {
	count(transport_unencrypted.deny) == 0 with input as {
		"run": run,
		"settings": {"ssl": "off"},
		"tables": [{"resource": "lending.public.v_customer", "kind": "view"}],
		"columns": [{"resource": "lending.public.v_customer.id_no", "column": "id_no", "level": "C2"}],
	}
}

test_missing_target_names_the_database if {
	findings := transport_unencrypted.deny with input as {"columns": [id_no], "settings": {"ssl": "off"}}
	[f.resource | some f in findings] == ["database"]
}
