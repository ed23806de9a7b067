-- The Nexmark bid stream as a table. Nexmark's own DDL nests the three event kinds in ROW columns;
-- until Weir's SQL has ROW types, a `nexmark` table holds one kind ('event.type') with its fields as columns.
CREATE TABLE bid (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel STRING,
  url STRING,
  dateTime TIMESTAMP(3),
  extra STRING,
  WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'event.type' = 'bid', 'events.num' = '100000');
