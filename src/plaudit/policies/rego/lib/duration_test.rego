package plaudit.lib.duration_test

import rego.v1

import data.plaudit.lib.duration

test_units if {
	duration.seconds("5min") == 300
	duration.seconds("300s") == 300
	duration.seconds("12h") == 43200
	duration.days("30d") == 30
	duration.days("2w") == 14
	duration.days("1y") == 365
	duration.seconds("12m") == duration.seconds("1y")
	duration.seconds(" 5Y ") == duration.seconds("5y")
}

test_bad_durations_are_undefined if {
	not duration.seconds("five years")
	not duration.seconds("5")
	not duration.seconds(5)
	not duration.seconds(null)
	not duration.seconds("-1d")
}

test_retention_prefers_ttl if {
	duration.retention({"period": "1d", "ttl": "5min"}) == 300
	duration.retention({"period": "1d"}) == 86400
	duration.retention_text({"period": "1d", "ttl": "5min"}) == "5min"
	not duration.retention({"anchor": "created_at"})
	not duration.retention(null)
}

test_age_days if {
	duration.age_days("2025-11-25") == 365 with input as {"run": {"now": "2026-11-25T16:00:00Z"}}
	duration.age_days("2026-11-25") == 0 with input as {"run": {"now": "2026-11-25T16:00:00.123456Z"}}
}

test_bad_dates_are_undefined if {
	not duration.age_days("2025-13-01") with input as {"run": {"now": "2026-11-25T16:00:00Z"}}
	not duration.age_days("2025-11-25") with input as {"run": {"now": "yesterday"}}
	not duration.age_days("2025-11-25") with input as {}
}
