-- refit: focus amortized cost by component
SELECT
  CASE
    WHEN n."lit" IN ('tax') THEN 'tax'
    WHEN n."lit" IN ('credit', 'refund', 'adjustment', 'edpdiscount', 'privateratediscount', 'bundleddiscount', 'discount', 'sppdiscount', 'distributordiscount') THEN 'credits'
    WHEN n."lit" IN ('fee', 'rifee', 'savingsplanrecurringfee', 'savingsplanupfrontfee', 'purchase') THEN 'fees'
    WHEN n."ut" LIKE '%fargate-%' THEN 'compute/fargate'
    WHEN n."ut" LIKE 'amazoneks-hours:%' THEN 'control-plane'
    WHEN n."ut" LIKE 'spotusage%' THEN 'compute/spot'
    WHEN n."ut" LIKE 'boxusage%' AND n."spot" THEN 'compute/spot'
    WHEN n."ut" LIKE 'boxusage%' THEN 'compute/on-demand'
    WHEN (n."ut" LIKE 'dedicatedusage:%' OR n."ut" LIKE 'hostusage:%' OR n."ut" LIKE 'hostboxusage:%' OR n."ut" LIKE 'reservedhostusage:%' OR n."ut" LIKE 'unusedbox:%' OR n."ut" LIKE 'unusedded:%') AND n."spot" THEN 'compute/spot'
    WHEN (n."ut" LIKE 'dedicatedusage:%' OR n."ut" LIKE 'hostusage:%' OR n."ut" LIKE 'hostboxusage:%' OR n."ut" LIKE 'reservedhostusage:%' OR n."ut" LIKE 'unusedbox:%' OR n."ut" LIKE 'unusedded:%') THEN 'compute/on-demand'
    WHEN (n."ut" LIKE 'ebsoptimized:%' OR n."ut" LIKE 'cpucredits:%') AND n."spot" THEN 'compute/spot'
    WHEN (n."ut" LIKE 'ebsoptimized:%' OR n."ut" LIKE 'cpucredits:%') THEN 'compute/on-demand'
    WHEN n."ut" LIKE 'natgateway-hours%' THEN 'network/nat-hours'
    WHEN n."ut" LIKE 'natgateway-bytes%' THEN 'network/nat-data'
    WHEN (n."ut" LIKE 'ebs:snapshot%' OR n."ut" LIKE 'ebs:fastsnapshotrestore%' OR n."ut" LIKE 'ebs:directapi%') THEN 'storage/snapshots'
    WHEN n."ut" LIKE 'ebs:%' THEN 'storage/ebs'
    WHEN (n."ut" LIKE 'loadbalancerusage%' OR n."ut" LIKE 'lcuusage%') THEN 'network/load-balancer'
    WHEN n."ut" LIKE 'dataprocessing-bytes%' AND n."svc" IN ('awselb') THEN 'network/load-balancer'
    WHEN (n."ut" LIKE 'publicipv4:%' OR n."ut" LIKE 'elasticip:%') THEN 'network/public-ipv4'
    WHEN n."ut" LIKE 'vpcendpoint%' THEN 'network/vpc-endpoint'
    WHEN (n."ut" LIKE '%datatransfer-%' OR n."ut" LIKE '%aws-out-bytes%' OR n."ut" LIKE '%aws-in-bytes%' OR n."ut" LIKE '%cloudfront-out-bytes%' OR n."ut" LIKE '%cloudfront-in-bytes%') THEN 'network/data-transfer'
    WHEN (n."ut" LIKE 'hostedzone%' OR n."ut" LIKE 'dns-queries%' OR n."ut" LIKE '%-queries') AND n."svc" IN ('amazonroute53') THEN 'dns'
    WHEN (n."ut" LIKE 'instanceusage%' OR n."ut" LIKE 'multi-azusage%' OR n."ut" LIKE 'rds:%' OR n."ut" LIKE 'aurora:%') AND n."svc" IN ('amazonrds') THEN 'database'
    WHEN n."descr" LIKE '%data transfer%' THEN 'network/data-transfer'
    WHEN n."descr" LIKE '%fargate%' THEN 'compute/fargate'
    WHEN n."descr" LIKE '%eks cluster%' AND n."svc" IN ('amazoneks') THEN 'control-plane'
    WHEN (n."descr" LIKE '%spot instance-hour%' OR n."descr" LIKE '%spot instance hour%') AND n."svc" IN ('amazonec2') THEN 'compute/spot'
    WHEN n."descr" LIKE '%nat gateway hour%' THEN 'network/nat-hours'
    WHEN n."descr" LIKE '%data processed by nat gateway%' THEN 'network/nat-data'
    WHEN (n."descr" LIKE '%public ipv4 address%' OR n."descr" LIKE '%elastic ip address%') THEN 'network/public-ipv4'
    WHEN n."descr" LIKE '%vpc endpoint%' THEN 'network/vpc-endpoint'
    WHEN (n."descr" LIKE '%loadbalancer-hour%' OR n."descr" LIKE '%load balancer capacity unit%' OR n."descr" LIKE '%by the loadbalancer%') THEN 'network/load-balancer'
    WHEN n."descr" LIKE '%snapshot%' AND n."svc" IN ('amazonec2') THEN 'storage/snapshots'
    WHEN (n."descr" LIKE '%provisioned storage%' OR n."descr" LIKE '%provisioned iops%' OR n."descr" LIKE '%provisioned mibps%' OR n."descr" LIKE '%provisioned throughput%' OR n."descr" LIKE '%i/o requests%') AND n."svc" IN ('amazonec2') THEN 'storage/ebs'
    WHEN (n."descr" LIKE '%instance hour%' OR n."descr" LIKE '%instance-hour%') AND n."svc" IN ('amazonec2') AND n."spot" THEN 'compute/spot'
    WHEN (n."descr" LIKE '%instance hour%' OR n."descr" LIKE '%instance-hour%') AND n."svc" IN ('amazonec2') THEN 'compute/on-demand'
    WHEN n."svc" IN ('amazonroute53') THEN 'dns'
    WHEN n."svc" IN ('amazonrds', 'amazonelasticache', 'amazondocdb', 'amazonneptune', 'amazonmemorydb', 'amazondynamodb') THEN 'database'
    WHEN n."svc" IN ('awselb') THEN 'network/load-balancer'
    WHEN n."svc" IN ('awsdatatransfer') THEN 'network/data-transfer'
    ELSE 'other'
  END AS "k0",
  SUM(n."cost") AS "cost",
  SUM(n."usage") AS "usage",
  COUNT(*) AS "row_count",
  MIN(n."day") AS "first_day",
  MAX(n."day") AS "last_day",
  MAX(n."currency") AS "currency"
FROM (
  SELECT
    date_format("chargeperiodstart", '%Y-%m-%d') AS "day",
    CAST(COALESCE(COALESCE("effectivecost", "billedcost"), 0) AS DECIMAL(38, 10)) AS "cost",
    CAST(COALESCE(COALESCE("consumedquantity", "pricingquantity"), 0) AS DECIMAL(38, 10)) AS "usage",
    COALESCE("billingcurrency", '') AS "currency",
    lower(regexp_replace(COALESCE(NULLIF("x_usagetype", ''), regexp_extract("chargedescription", '\bfor +([A-Za-z0-9]+[-:][A-Za-z0-9.:\-]+)( +usage)? +in ', 1), ''), '^([a-z]{2}(-gov)?-[a-z]+-[0-9]+-|(US|EU|AP|CA|SA|ME|AF|IL|MX|UG|CN|JP|IN|ZA|AU)[A-Z]{0,2}[0-9]{0,2}-([A-Z]{3}[0-9]-)?)', '')) AS "ut",
    lower(COALESCE(CASE WHEN lower("chargeclass") = 'correction' THEN 'Refund'
      WHEN "chargecategory" = 'Usage' AND "commitmentdiscountstatus" = 'Used' AND "refit_commit" = 'sp' THEN 'SavingsPlanCoveredUsage'
      WHEN "chargecategory" = 'Usage' AND "commitmentdiscountstatus" = 'Used' AND "refit_commit" = 'ri' THEN 'DiscountedUsage'
      WHEN "chargecategory" = 'Usage' AND "commitmentdiscountstatus" = 'Unused' AND "refit_commit" = 'sp' THEN 'SavingsPlanRecurringFee'
      WHEN "chargecategory" = 'Usage' AND "commitmentdiscountstatus" = 'Unused' AND "refit_commit" = 'ri' THEN 'RIFee'
      WHEN "chargecategory" = 'Purchase' AND "refit_commit" = 'sp' THEN 'SavingsPlanRecurringFee'
      WHEN "chargecategory" = 'Purchase' AND "refit_commit" = 'ri' THEN 'RIFee'
      WHEN "chargecategory" = 'Purchase' THEN 'Fee'
      WHEN "chargecategory" = 'Adjustment' THEN CASE WHEN "billedcost" < 0 THEN 'Refund' ELSE 'Fee' END
      ELSE "chargecategory" END, '')) AS "lit",
    lower(COALESCE("chargedescription", '')) AS "descr",
    COALESCE(CASE lower(trim("servicename"))
      WHEN 'amazon documentdb (with mongodb compatibility)' THEN 'amazondocdb'
      WHEN 'amazon dynamodb' THEN 'amazondynamodb'
      WHEN 'amazon ec2' THEN 'amazonec2'
      WHEN 'amazon elastic compute cloud' THEN 'amazonec2'
      WHEN 'amazon elastic container service' THEN 'amazonecs'
      WHEN 'amazon elastic container service for kubernetes' THEN 'amazoneks'
      WHEN 'amazon elastic kubernetes service' THEN 'amazoneks'
      WHEN 'amazon elasticache' THEN 'amazonelasticache'
      WHEN 'amazon memorydb' THEN 'amazonmemorydb'
      WHEN 'amazon neptune' THEN 'amazonneptune'
      WHEN 'amazon relational database service' THEN 'amazonrds'
      WHEN 'amazon route 53' THEN 'amazonroute53'
      WHEN 'amazon virtual private cloud' THEN 'amazonvpc'
      WHEN 'aws data transfer' THEN 'awsdatatransfer'
      WHEN 'elastic load balancing' THEN 'awselb'
      ELSE lower("servicename") END, '') AS "svc",
    COALESCE(("pricingcategory" = 'Dynamic' OR strpos("x_usagetype", 'SpotUsage') > 0), false) AS "spot"
  FROM (
    SELECT
      *,
      CASE WHEN lower("commitmentdiscounttype") LIKE '%savings%' THEN 'sp' WHEN lower("commitmentdiscounttype") LIKE '%reserv%' THEN 'ri' WHEN "commitmentdiscountcategory" = 'Spend' THEN 'sp' WHEN "commitmentdiscountcategory" = 'Usage' THEN 'ri' ELSE '' END AS "refit_commit"
    FROM "focus"
    WHERE "billing_period" BETWEEN '2010-01' AND '2024-06'
      AND "chargeperiodstart" >= TIMESTAMP '2010-01-01 00:00:00.000'
      AND "chargeperiodstart" < TIMESTAMP '2024-07-01 00:00:00.000'
  ) t
) n
GROUP BY 1
