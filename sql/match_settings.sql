-- Sets the DuckDB options of a matcher's connection (screening/match/engine.py). One named
-- statement each.

-- name: lambda_syntax
-- Splink writes `x -> expr` lambdas (a read-only store is opened without this setting)
SET lambda_syntax='ENABLE_SINGLE_ARROW';

-- name: memory_limit
-- bound the engine's memory so a large batch spills instead of growing: 1M rows peak at ~3.4 GiB
-- (2 GB gave ~3.9 GiB at the same speed, within the run-to-run noise)
SET memory_limit = '1500MB';

-- name: lookup_filters
-- a name has up to ~120 keys; DuckDB turns the keys of a join into an index lookup only up to
-- this many values (default 50; above it, a 40 ms scan of 2.4M keys per lookup)
SET dynamic_or_filter_threshold = 1000;

-- name: batch_filters
RESET dynamic_or_filter_threshold;
