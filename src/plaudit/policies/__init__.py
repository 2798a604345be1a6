"""Room 3, the judge: Rego policies evaluated over the facts document."""
