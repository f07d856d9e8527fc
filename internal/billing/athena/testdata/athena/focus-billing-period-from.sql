-- refit: focus unblended cost by service
SELECT
  n."k0" AS "k0",
  SUM(n."cost") AS "cost",
  SUM(n."usage") AS "usage",
  COUNT(*) AS "row_count",
  MIN(n."day") AS "first_day",
  MAX(n."day") AS "last_day",
  MAX(n."currency") AS "currency"
FROM (
  SELECT
    date_format("chargeperiodstart", '%Y-%m-%d') AS "day",
    CAST(COALESCE("billedcost", 0) AS DECIMAL(38, 10)) AS "cost",
    CAST(COALESCE(COALESCE("consumedquantity", "pricingquantity"), 0) AS DECIMAL(38, 10)) AS "usage",
    COALESCE("billingcurrency", '') AS "currency",
    COALESCE("servicename", '') AS "k0"
  FROM "focus"
  WHERE "billing_period" >= '2024-01'
    AND "chargeperiodstart" >= TIMESTAMP '2024-01-10 00:00:00.000'
) n
GROUP BY 1
