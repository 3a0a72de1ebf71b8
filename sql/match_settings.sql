-- Sets the DuckDB options of a matcher's connection (screening/match/engine.py). One named
-- statement each.

-- name: lambda_syntax
-- Splink writes `x -> expr` lambdas (a read-only store is opened without this setting)
SET lambda_syntax='ENABLE_SINGLE_ARROW';

-- name: memory_limit
-- bound the engine's memory so a large batch spills instead of growing: 1M rows peak at ~3.4 GiB
-- (2 GB gave ~3.9 GiB at the same speed, within the run-to-run noise)
SET memory_limit = '1500MB';

-- name: worker
-- a worker process of a large batch (screening/match/parallel.py): one of several screening
-- chunks side by side, each on one core; its engine bounded lower than a lone matcher's, so that
-- the workers and the reading process stay under 4 GiB together (the 200,000 heaviest rows of the
-- realistic 1M-row file, names in accented Latin, Greek, Cyrillic and Arabic script, peaked at
-- 3.4 GiB for the process tree with 1500MB a worker, 2.7 GiB with 1GB, in the same time)
SET threads = 1;
SET memory_limit = '1GB';
