package plaudit.lib.waivers_test

import rego.v1

import data.plaudit.lib.waivers

violation := {"rule": "JRT0171-STORE-C2-PROTECT", "kind": "unencrypted_sensitive", "resource": "lending.public.customer.id_no"}

waiver(rule, resource) := {"rule": rule, "resource": resource, "owner": "o", "reason": "r", "expires": "2027-03-31", "expired": false}

applied(ws) := v if {
	v := waivers.apply(violation) with input as {"waivers": ws}
}

test_no_waiver if {
	v := applied([])
	v.waived == false
	v.waiver == null
}

test_rule_id_and_kind_both_match if {
	applied([waiver("JRT0171-STORE-C2-PROTECT", "lending.public.customer.id_no")]).waived
	applied([waiver("unencrypted_sensitive", "lending.public.customer.id_no")]).waived
}

test_other_rule_or_resource_does_not_match if {
	not applied([waiver("PCI351-PAN-UNREADABLE", "lending.public.customer.id_no")]).waived
	not applied([waiver("JRT0171-STORE-C2-PROTECT", "lending.public.customer.mobile")]).waived
}

test_single_star_stays_within_a_segment if {
	applied([waiver("unencrypted_sensitive", "lending.public.customer.*")]).waived
	not applied([waiver("unencrypted_sensitive", "lending.public.*")]).waived
	applied([waiver("unencrypted_sensitive", "lending.*.customer.id_*")]).waived
}

test_double_star_crosses_segments if {
	applied([waiver("unencrypted_sensitive", "lending.**")]).waived
	not applied([waiver("unencrypted_sensitive", "billing.**")]).waived
}

test_glob_metacharacters_in_resources_are_literal if {
	v := object.union(violation, {"resource": "lending.public.[odd].id_no"})
	w := waiver("unencrypted_sensitive", "lending.public.[odd].*")
	waivers.apply(v).waived with input as {"waivers": [w]}
	not waivers.apply(violation).waived with input as {"waivers": [w]}
}

test_expired_waiver_is_ignored_but_active_one_wins if {
	expired := object.union(waiver("unencrypted_sensitive", "lending.**"), {"expired": true, "owner": "old"})
	not applied([expired]).waived
	v := applied([expired, waiver("unencrypted_sensitive", "lending.**")])
	v.waived
	v.waiver.owner == "o"
}
