# METADATA
# title: Durations and dates
# description: >-
#   Catalog periods (`30d`, `6m`, `5y`; m is months), expiries (`300s`, `5min`, `12h`) and ISO dates,
#   turned into numbers the rules can compare. Anything else is undefined, never an error: the
#   in-process engine raises where OPA would leave a bad builtin argument undefined, so every input is
#   checked against its format before a builtin sees it.
package plaudit.lib.duration

import rego.v1

# Months and years are averages (a year is 365 days, a month a twelfth of it), so that 12m == 1y;
# the rules compare periods with each other and with limits, they never compute a purge date.
unit_seconds := {
	"s": 1,
	"min": 60,
	"h": 3600,
	"d": 86400,
	"w": 604800,
	"m": 2628000,
	"mo": 2628000,
	"y": 31536000,
}

# seconds is the length of a duration such as `5y`, `6m`, `30d`, `12h` or `5min`, in seconds.
seconds(text) := n * unit_seconds[unit] if {
	is_string(text)
	clean := lower(trim_space(text))
	regex.match(`^[0-9]{1,9}(s|min|h|d|w|m|mo|y)$`, clean)
	unit := regex.replace(clean, `^[0-9]+`, "")
	n := to_number(regex.replace(clean, `[a-z]+$`, ""))
}

# days is the length of a duration in whole days (rounded down).
days(text) := floor(seconds(text) / 86400)

# retention is what a catalog retention keeps rows for: `ttl` (automatic expiry) when it is set,
# else `period`, in seconds; undefined when neither is a valid duration.
retention(r) := seconds(r.ttl) if {
	is_object(r)
	seconds(r.ttl)
} else := seconds(r.period) if {
	is_object(r)
}

# retention_text is the declared retention as written, for messages.
retention_text(r) := r.ttl if {
	is_object(r)
	seconds(r.ttl)
} else := r.period if {
	is_object(r)
	seconds(r.period)
}

# now_ns is the run's clock (input.run.now, RFC 3339) in nanoseconds; undefined without one.
now_ns := time.parse_rfc3339_ns(input.run.now) if {
	is_string(input.run.now)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$`, input.run.now)
}

# date_ns is an ISO date (YYYY-MM-DD) at midnight UTC, in nanoseconds.
date_ns(text) := time.parse_ns("2006-01-02", text) if {
	is_string(text)
	regex.match(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`, text)
}

# age_days is how many whole days before the run's clock an ISO date lies.
age_days(text) := floor((now_ns - date_ns(text)) / 86400000000000)
