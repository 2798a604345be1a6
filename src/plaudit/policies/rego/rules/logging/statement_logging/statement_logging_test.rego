package plaudit.rules.logging.statement_logging_test

import rego.v1

import data.plaudit.rules.logging.statement_logging

run := {"mode": "scan-db", "target": "postgresql://app@db:5432/lending"}

column(name, level) := {"resource": concat(".", ["lending.public.customer", name]), "column": name, "level": level}

id_no := column("id_no", "C2")

login_pwd := column("login_pwd", "C3")

facts(cols, settings) := {"run": run, "columns": cols, "settings": settings}

test_mod_with_c3_is_critical if {
	fs := statement_logging.deny with input as facts([id_no, login_pwd], {"dialect": "postgresql", "log_statement": "mod"})
	count(fs) == 1
	some f in fs
	f.resource == "postgresql://app@db:5432/lending"
	f.severity == "critical"
	contains(f.message, "log_statement = mod")
	contains(f.message, "lending.public.customer.login_pwd")
}

test_all_with_only_c2_is_high if {
	fs := statement_logging.deny with input as facts([id_no, column("login_ip", "C1")], {"log_statement": "all"})
	[f.severity | some f in fs] == ["high"]
}

test_value_is_case_insensitive if {
	every value in ["ALL", "Mod", "all", "MOD"] {
		count(statement_logging.deny) == 1 with input as facts([login_pwd], {"log_statement": value})
	}
}

test_ddl_and_none_are_allowed if {
	every value in ["ddl", "none", "DDL", "", "modify", 1] {
		count(statement_logging.deny) == 0 with input as facts([login_pwd], {"log_statement": value})
	}
}

test_absent_setting_gives_no_finding if {
	count(statement_logging.deny) == 0 with input as facts([login_pwd], {"dialect": "postgresql", "ssl": "off"})
	count(statement_logging.deny) == 0 with input as {"run": run, "columns": [login_pwd]}
	count(statement_logging.deny) == 0 with input as {"run": run, "columns": [login_pwd], "settings": "log_statement=all"}
}

test_no_c2_or_c3_is_not_in_scope if {
	count(statement_logging.deny) == 0 with input as facts([column("login_ip", "C1"), column("note", null)], {"log_statement": "all"})
	count(statement_logging.deny) == 0 with input as facts([], {"log_statement": "all"})
}

test_missing_target_names_the_database if {
	fs := statement_logging.deny with input as {"columns": [id_no], "settings": {"log_statement": "mod"}}
	[f.resource | some f in fs] == ["database"]
}
