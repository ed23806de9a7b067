-- The bounded side input of q13, as in Nexmark: a file of 10,000 lines 'key,value' (key 0..9999),
-- written by bench/nexmark/side-input.ts; the benchmark and the tests put their own path in.
CREATE TABLE side_input (
  key BIGINT,
  `value` STRING
) WITH ('connector' = 'filesystem', 'path' = 'side_input.txt', 'format' = 'csv');
