-- refit: cur unblended cost
SELECT
  SUM(n."cost") AS "cost",
  SUM(n."usage") AS "usage",
  COUNT(*) AS "row_count",
  MIN(n."day") AS "first_day",
  MAX(n."day") AS "last_day",
  MAX(n."currency") AS "currency"
FROM (
  SELECT
    date_format("line_item_usage_start_date", '%Y-%m-%d') AS "day",
    CAST(COALESCE("line_item_unblended_cost", 0) AS DECIMAL(38, 10)) AS "cost",
    CAST(COALESCE("line_item_usage_amount", 0) AS DECIMAL(38, 10)) AS "usage",
    COALESCE("line_item_currency_code", '') AS "currency"
  FROM "cur_db"."cur_table"
) n
